"""Health checks (no authentication, no personal data), the admins' status page and /metrics."""

from __future__ import annotations

import hmac
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.requests import AuthenticatedHttpRequest

from . import metrics as metrics_module
from . import selectors


@never_cache
def live(request: HttpRequest) -> HttpResponse:
    """The process answers. No I/O."""
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request: HttpRequest) -> HttpResponse:
    """200 when the database, cache and broker answer and beat and the notices are on time; 503
    naming what is down or late otherwise."""
    ok, checks = selectors.readiness()
    response = JsonResponse(checks, status=HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE)
    # A load balancer asks every few seconds: no "Service Unavailable" error line each time (the
    # status page, /metrics and the watchdog's alerts tell what is wrong).
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's private "already logged" flag
    return response


def _admin_only(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_admin:
        raise PermissionDenied(_("The system status is for admins."))


@login_required
@require_GET
def status(request: AuthenticatedHttpRequest) -> HttpResponse:
    _admin_only(request)
    return render(request, "ops/status.html", {"s": selectors.status()})


@login_required
@require_GET
def status_panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page's body again, for htmx's refresh every few seconds."""
    _admin_only(request)
    return render(request, "ops/_status_panel.html", {"s": selectors.status()})


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition. A bearer token (METRICS_TOKEN), or METRICS_OPEN=1 when the proxy keeps
    /metrics internal; neither configured: 403."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            response = HttpResponse("metrics: bearer token required\n", status=HTTPStatus.UNAUTHORIZED)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    elif not settings.METRICS_OPEN:
        return HttpResponse(
            "metrics: set METRICS_TOKEN (or METRICS_OPEN=1 behind the proxy)\n", status=HTTPStatus.FORBIDDEN
        )
    body, content_type = metrics_module.render()
    return HttpResponse(body, content_type=content_type)

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import dashboard, selectors, services
from .models import Team, User


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "home.html", {"widgets": dashboard.collect(request), "today": timezone.localdate()}
    )


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    try:
        team_id = int(request.GET.get("team") or 0) or None
    except ValueError:
        team_id = None
    page = Paginator(selectors.directory_search(query=query, team_id=team_id), 30).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "query": query, "team_id": team_id, "teams": Team.objects.all()}
    template = "accounts/_directory_results.html" if request.htmx else "accounts/directory.html"
    return render(request, template, context)


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("team", "team__manager"), pk=pk, is_active=True)
    return render(
        request, "accounts/profile.html", {"person": person, "clients": person.clients.order_by("name")}
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
def notifications_bell(request: HttpRequest) -> HttpResponse:
    """The bell's dropdown, loaded by htmx when opened."""
    notifications, unread = selectors.latest_notifications(request.user, 8)
    return render(request, "accounts/_bell.html", {"notifications": notifications, "unread": unread})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    services.notifications_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("accounts:notifications")


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    new_key = None
    if request.method == "POST":
        _token, new_key = services.api_token_create(user=request.user, name=request.POST.get("name", ""))
        messages.success(request, _("Token created. Copy it now: it is shown only once."))
    return render(
        request,
        "accounts/api_tokens.html",
        {"tokens": selectors.api_tokens_for(request.user), "new_key": new_key},
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(selectors.api_tokens_for(request.user), pk=pk)
    services.api_token_revoke(user=request.user, token_id=pk)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:api_tokens")

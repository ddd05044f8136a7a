"""Health checks before everything else, and a request id + latency for every other request."""

from __future__ import annotations

import re
import time
import uuid

from . import metrics
from .logging import request_id_var

HEADER = "X-Request-ID"
# An id from the proxy is kept when it looks like one (no header injection, bounded size).
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}  # a bounded label set


class HealthCheckMiddleware:
    """/health/live and /health/ready answered at once: no session, no user, no ALLOWED_HOSTS check
    (load balancers ask by IP address), nothing but the checks themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import views

        if request.path == "/health/live":
            return views.live(request)
        if request.path == "/health/ready":
            return views.ready(request)
        return self.get_response(request)


class RequestIdMiddleware:
    """Every request gets an id (the proxy's X-Request-ID when sane, else a new one): in each log line
    of the request and in the response header. Also times the request for /metrics, by route name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = rid
        seconds = time.perf_counter() - started
        # The browser's share of the wait, readable in its Performance API (bench/browser_search.py).
        timing = f"app;dur={seconds * 1000:.1f}"
        response["Server-Timing"] = (
            f"{response['Server-Timing']}, {timing}" if response.has_header("Server-Timing") else timing
        )
        match = getattr(request, "resolver_match", None)
        route = (match.view_name or match.route) if match else "unmatched"
        metrics.observe_request(
            route=route,
            method=request.method if request.method in _METHODS else "other",
            status=response.status_code,
            seconds=seconds,
        )
        return response

"""Error pages: what happened, why, and what to do, with the navigation around them.

Django calls these for 400, 403, 404 and 500 (`handler400`… in config/urls.py) and for a failed
CSRF check (`CSRF_FAILURE_VIEW`). The 500 page is rendered without the request's context
processors: it must work when the database is what failed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def _home() -> str:
    try:
        return reverse("home")
    except NoReverseMatch:
        return "/"


def _render(request: HttpRequest, status: int, **context) -> HttpResponse:
    context.setdefault("home_url", _home())
    context["code"] = status
    return HttpResponse(loader.render_to_string("errors/page.html", context, request), status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _render(
        request,
        400,
        title=_("The request could not be understood"),
        what=_("Something in the address or the form that was sent is not valid, so nothing was done."),
        todo=[
            _("Reload the page and try again."),
            _("If you typed or pasted the address, check it."),
            _("If it keeps happening, tell an administrator which page and what you did."),
        ],
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    detail = str(exception) if exception is not None and str(exception) else ""
    user = getattr(request, "user", None)
    who = ""
    if user is not None and user.is_authenticated:
        who = _("You are signed in as %(name)s (%(role)s).") % {
            "name": user.name,
            "role": user.get_role_display(),
        }
    return _render(
        request,
        403,
        title=_("You do not have access to this page"),
        what=" ".join(filter(None, [_("This page is for other roles or other teams."), who])),
        detail=detail,
        todo=[
            _("If you need it for your work, ask your team manager to give you access."),
            _("Signed in with the wrong account? Sign out and sign in again."),
        ],
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # Under /api/ a 404 is JSON like every other API answer (unmatched ids included).
        from django.http import JsonResponse

        return JsonResponse({"detail": _("Not found.")}, status=404)
    return _render(
        request,
        404,
        title=_("Page not found"),
        what=_(
            "There is nothing at this address. The link may be old, the page may have been deleted, "
            "or it may belong to a client you do not work for."
        ),
        todo=[
            _("Check the address for typing mistakes."),
            _("Look for it from the menu above or with the manual search."),
            _("If a colleague sent you the link, ask them whether you should have access."),
        ],
    )


def server_error(request: HttpRequest) -> HttpResponse:
    from accounts.navigation import SECTIONS

    sections = []
    for _key, label, name, audience, _shortcut in SECTIONS:
        if audience:  # who is signed in is unknown here (no database): only the sections for everyone
            continue
        try:
            sections.append({"label": label, "url": reverse(name)})
        except NoReverseMatch:
            continue
    context = {
        "code": 500,
        "home_url": _home(),
        "sections": sections,
        "title": _("Something went wrong on our side"),
        "what": _(
            "Dasan could not finish this request. It is not something you did; the error has been logged."
        ),
        "todo": [
            _("Wait a minute and try again."),
            _("If you were saving something, check whether it was saved before sending it again."),
            _("If it keeps happening, tell an administrator the time and the page."),
        ],
    }
    # No request: context processors (the header's user, the bell) would read the database.
    return HttpResponse(loader.render_to_string("500.html", context), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    referer = request.META.get("HTTP_REFERER", "")
    retry = referer if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}) else ""
    return _render(
        request,
        403,
        title=_("The form has expired"),
        what=_(
            "For your safety a form works only for the page it came from. This one was open for long, "
            "or you signed out or in again in another tab, so it was not sent and nothing was changed."
        ),
        retry_url=retry,
        todo=[
            _("Copy what you typed, if it was long."),
            _("Open the page again, paste it back and send the form once more."),
        ],
    )

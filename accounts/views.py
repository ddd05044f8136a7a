from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.views import EmailView as AllauthEmailView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import shown

from . import dashboard, selectors, services
from .adapters import has_company_identity
from .models import Team, User
from .permissions import personal_details_rule
from .requests import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "home.html", {"widgets": dashboard.collect(request), "today": timezone.localdate()}
    )


def _people_rows(request: AuthenticatedHttpRequest, people) -> list[dict]:
    """Each person with what this viewer may see of them: mobile number and today's status."""
    from wellbeing.selectors import day_statuses  # the directory shows wellbeing's "today"

    people = list(people)
    rule = personal_details_rule(request.user)
    allowed = [p for p in people if rule(p)]
    statuses = day_statuses(users=allowed) if allowed else {}
    return [{"person": p, "personal": p in allowed, "status": statuses.get(p.pk)} for p in people]


@login_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    try:
        team_id = int(request.GET.get("team") or 0) or None
    except ValueError:
        team_id = None
    page = Paginator(selectors.directory_search(query=query, team_id=team_id), 30).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": _people_rows(request, page.object_list),
        "query": query,
        "team_id": team_id,
        "teams": Team.objects.all(),
    }
    template = "accounts/_directory_results.html" if request.htmx else "accounts/directory.html"
    return render(request, template, context)


@login_required
def team_tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/teams.html", {"tree": selectors.team_tree()})


@login_required
def profile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("team", "team__manager"), pk=pk, is_active=True)
    if request.method == "POST":
        upload = request.FILES.get("photo")
        if upload is None:
            messages.error(request, _("Choose a photo to upload."))
        else:
            with shown(request):
                services.user_photo_set(user=person, by=request.user, upload=upload)
                messages.success(request, _("Photo updated."))
        return redirect("accounts:profile", pk=person.pk)
    row = _people_rows(request, [person])[0]
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "row": row,
            "clients": person.clients.order_by("name"),
            "can_change_photo": request.user.pk == person.pk or request.user.is_admin,
        },
    )


@login_required
def photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Directory photos live under MEDIA_ROOT, outside the web root; only signed-in staff get them."""
    person = get_object_or_404(User, pk=pk, is_active=True)
    path = services.user_photo_path(person)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
def notifications_bell(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bell's dropdown, loaded by htmx when opened."""
    notifications, unread = selectors.latest_notifications(request.user, 8)
    return render(request, "accounts/_bell.html", {"notifications": notifications, "unread": unread})


@login_required
@require_POST
def notifications_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    services.notifications_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("accounts:notifications")


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    new_key = None
    if request.method == "POST":
        _token, new_key = services.api_token_create(user=request.user, name=request.POST.get("name", ""))
        messages.success(request, _("Token created. Copy it now: it is shown only once."))
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": selectors.api_tokens_for(request.user),
            "new_key": new_key,
            "token_days": settings.API_TOKEN_DAYS,
        },
    )


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(selectors.api_tokens_for(request.user), pk=pk)
    services.api_token_revoke(user=request.user, token_id=pk)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:api_tokens")


class EmailView(AllauthEmailView):
    """allauth's e-mail page with the login identity guarded (issue 18).

    With ACCOUNT_CHANGE_EMAIL a new address replaces the login only once its link is followed, and
    ACCOUNT_REAUTHENTICATION_REQUIRED asks for the password first. allauth would still make an
    unverified address primary on a hand-made POST when the current one is unverified (accounts
    created by admins are), so that is refused here; people whose address comes from the company
    IdP cannot change it at all (an admin does).
    """

    def post(self, request, *args, **kwargs):
        if has_company_identity(request.user):
            messages.error(
                request,
                _("Your e-mail address comes from the company sign-in; ask an administrator to change it."),
            )
            return redirect("account_email")
        if "action_primary" in request.POST:
            address = EmailAddress.objects.filter(
                user=request.user, email__iexact=request.POST.get("email", "")
            ).first()
            if address is None or not address.verified:
                messages.error(request, _("Only a verified address can become your sign-in address."))
                return redirect("account_email")
        return super().post(request, *args, **kwargs)


email = EmailView.as_view()

"""HTML pages for wellbeing: thin views over services and selectors."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as django_render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import AuthenticatedHttpRequest
from core.errors import shown

from . import selectors, services
from . import timeutils as tu
from .forms import AbuseForm, DayOffForm, DecisionForm, DelegationForm, DeviceForm, FlexibleForm, OvertimeForm
from .models import DayOff, RequestState


def render(
    request: AuthenticatedHttpRequest, template: str, context: dict | None = None, **kwargs
) -> HttpResponse:
    """Django's render, plus what the section's tabs need."""
    context = dict(context or {})
    if request.user.is_authenticated and "is_decider_nav" not in context:
        # Asked only by the pages that show the tabs (the request form and the cards do not).
        user = request.user
        context["is_decider_nav"] = SimpleLazyObject(lambda: selectors.is_decider(user))
    return django_render(request, template, context, **kwargs)


def _require_decider(user) -> None:
    if not selectors.is_decider(user):
        raise PermissionDenied(_("This page is for managers."))


def _parse_date(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _plan_context(user) -> dict:
    plan = selectors.shutdown_plan(user=user)
    now = tu.local_now()
    return {
        "plan": plan,
        "server_now": now,
        "upcoming": [(m, when) for m, when in plan.notices_at],
        "overtime_url": reverse("wellbeing:overtime_new"),
    }


# --- Agent pages ------------------------------------------------------------------------------
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    decider = selectors.is_decider(user)
    context = _plan_context(user)
    context.update(
        {
            "requests": selectors.overtime_for(user)[:5],
            "form": OvertimeForm(initial={"date": tu.local_today()}),
            "is_decider": decider,
            "is_decider_nav": decider,
            "pending": selectors.overtime_inbox(user).count() if decider else 0,
        }
    )
    return render(request, "wellbeing/home.html", context)


@login_required
def plan_card(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The plan card alone; the home page refreshes it every minute so approvals show up."""
    return render(request, "wellbeing/_plan_card.html", _plan_context(request.user))


@login_required
def overtime_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OvertimeForm(request.POST or None, initial={"date": tu.local_today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown(request, form=form):
            req = services.overtime_submit(
                user=request.user,
                day=data["date"],
                end_time=data["end_time"],
                start_time=data["start_time"],
                reason=data["reason"],
                consent_night_holiday=data["consent_night_holiday"],
            )
            messages.success(request, _("Overtime requested. Your manager has been notified."))
            return redirect(req.get_absolute_url())
    plan = selectors.shutdown_plan(user=request.user)
    return render(request, "wellbeing/overtime_form.html", {"form": form, "plan": plan})


@login_required
def overtime_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "wellbeing/overtime_list.html", {"requests": selectors.overtime_for(request.user)[:100]}
    )


@login_required
def overtime_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(selectors.overtime_visible_to(request.user), pk=pk)
    return render(
        request,
        "wellbeing/overtime_detail.html",
        {
            "req": req,
            "transitions": req.transitions.select_related("by"),
            "can_decide": req.state == RequestState.SUBMITTED
            and selectors.can_decide(request.user, req.user),
            "week_used": selectors.overtime_minutes_in_week(user=req.user, day=req.date) / 60,
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def overtime_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(selectors.overtime_for(request.user), pk=pk)
    with shown(request):
        services.overtime_cancel(request_id=req.pk, by=request.user, comment=request.POST.get("comment", ""))
        messages.success(request, _("Request cancelled."))
    return redirect("wellbeing:overtime_list")


@login_required
@require_POST
def overtime_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(selectors.overtime_visible_to(request.user), pk=pk)
    action = request.POST.get("action")
    comment = request.POST.get("comment", "")
    with shown(request):
        if action == "approve":
            services.overtime_approve(request_id=req.pk, by=request.user, comment=comment)
            messages.success(
                request,
                _("Approved. %(name)s's PC now shuts down at %(end)s.")
                % {"name": req.user.name, "end": req.end_time.strftime("%H:%M")},
            )
        elif action == "reject":
            services.overtime_reject(request_id=req.pk, by=request.user, comment=comment)
            messages.success(request, _("Rejected. %(name)s has been told why.") % {"name": req.user.name})
        else:
            messages.error(request, _("Choose approve or reject."))
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/wellbeing/") else reverse("wellbeing:inbox"))


# --- Manager pages ----------------------------------------------------------------------------
@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_decider(request.user)
    items = selectors.with_week_usage(list(selectors.overtime_inbox(request.user)))
    user = request.user
    return render(
        request,
        "wellbeing/inbox.html",
        {
            "items": items,
            "flexible": selectors.flexible_inbox(user),
            "form": DecisionForm(),
            "delegation_form": DelegationForm(candidates=selectors.delegation_candidates(user))
            if user.is_manager
            else None,
            "delegations": selectors.delegations_of(user) if user.is_manager else [],
            # admins end anyone's delegation (a manager back early who forgot to)
            "all_delegations": selectors.delegations_endable_by(user) if user.is_admin else [],
        },
    )


@login_required
@require_POST
def delegation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_manager:
        raise PermissionDenied(_("This page is for managers."))
    form = DelegationForm(request.POST, candidates=selectors.delegation_candidates(user))
    if form.is_valid():
        with shown(request):
            services.delegation_create(manager=user, **form.cleaned_data)
            messages.success(
                request,
                _("Delegation saved. %(name)s has been told.") % {"name": form.cleaned_data["delegate"].name},
            )
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[f].label}: {' '.join(map(str, e))}"
                if f in form.fields
                else " ".join(map(str, e))
                for f, e in form.errors.items()
            ),
        )
    return redirect("wellbeing:inbox")


@login_required
@require_POST
def delegation_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(selectors.delegations_endable_by(request.user), pk=pk)
    services.delegation_end(by=request.user, delegation_id=pk)
    messages.success(request, _("Delegation ended."))
    return redirect("wellbeing:inbox")


@login_required
def week(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_decider(request.user)
    day = _parse_date(request.GET.get("week"), tu.local_today())
    days = tu.week_days(day)
    return render(
        request,
        "wellbeing/week.html",
        {
            "rows": selectors.week_summary(user=request.user, day=day),
            "days": days,
            "prev": days[0] - timedelta(days=7),
            "next": days[0] + timedelta(days=7),
            "cap_hours": tu.WEEK_OVERTIME_CAP_MINUTES // 60,
        },
    )


@login_required
def day(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_decider(request.user)
    on = _parse_date(request.GET.get("date"), tu.local_today())
    rows = selectors.day_compliance(user=request.user, day=on)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return render(
        request,
        "wellbeing/day.html",
        {
            "rows": rows,
            "on": on,
            "counts": counts,
            "silent": sum(1 for r in rows if r.silent_devices),
            "late_or_missing": counts.get("late", 0) + counts.get("no_report", 0),
            "prev": on - timedelta(days=1),
            "next": on + timedelta(days=1),
        },
    )


# --- Devices ----------------------------------------------------------------------------------
@login_required
def devices(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeviceForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _device, new_token = services.device_issue(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Device token issued. Copy it now: it is shown only once."))
        form = DeviceForm()
    return render(
        request,
        "wellbeing/devices.html",
        {
            "devices": selectors.devices_for(request.user),
            "others": selectors.active_devices_of_others(request.user),
            "form": form,
            "new_token": new_token,
            "server_url": request.build_absolute_uri("/").rstrip("/"),
        },
    )


PC_AGENT_DIR = Path(__file__).resolve().parent / "pc_agent"
PC_AGENT_FILES = {"dasan_pc_agent.py": "text/x-python", "README.md": "text/markdown"}


@login_required
def pc_agent_download(request: AuthenticatedHttpRequest, name: str) -> FileResponse:
    """The stand-alone PC agent and its install notes, for staff setting up their own PC."""
    if name not in PC_AGENT_FILES:
        raise Http404
    return FileResponse(
        (PC_AGENT_DIR / name).open("rb"),
        as_attachment=True,
        filename=name,
        content_type=f"{PC_AGENT_FILES[name]}; charset=utf-8",
    )


@login_required
@require_POST
def device_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(selectors.devices_revocable_by(request.user), pk=pk)
    services.device_revoke(by=request.user, device_id=device.pk)
    messages.success(request, _("Device revoked. Its agent can no longer fetch the plan."))
    return redirect("wellbeing:devices")


# --- Flexible schedules -----------------------------------------------------------------------
@login_required
def flexible(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FlexibleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown(request, form=form):
            services.flexible_submit(user=request.user, **form.cleaned_data)
            messages.success(request, _("Flexible schedule requested. Your manager has been notified."))
            return redirect("wellbeing:flexible")
    decider = selectors.is_decider(request.user)
    return render(
        request,
        "wellbeing/flexible.html",
        {
            "form": form,
            "requests": selectors.flexible_for(request.user),
            "inbox": selectors.flexible_inbox(request.user) if decider else [],
            "is_decider": decider,
            "is_decider_nav": decider,
        },
    )


@login_required
@require_POST
def flexible_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from django.db.models import Q

    from .models import FlexibleScheduleRequest

    # Visible (one's own, or decidable) else 404; one's own but not decidable: 403, as for overtime.
    req = get_object_or_404(
        FlexibleScheduleRequest.objects.filter(
            Q(user=request.user) | Q(user__in=selectors.decidable_users(request.user))
        ),
        pk=pk,
    )
    if not selectors.can_decide(request.user, req.user):
        raise PermissionDenied(_("You may not decide this request."))
    action, comment = request.POST.get("action"), request.POST.get("comment", "")
    with shown(request):
        if action == "approve":
            services.flexible_approve(request_id=req.pk, by=request.user, comment=comment)
            messages.success(request, _("Flexible schedule approved."))
        elif action == "reject":
            services.flexible_reject(request_id=req.pk, by=request.user, comment=comment)
            messages.success(request, _("Flexible schedule rejected."))
        else:
            messages.error(request, _("Choose approve or reject."))
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/wellbeing/") else reverse("wellbeing:flexible"))


@login_required
@require_POST
def flexible_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(selectors.flexible_for(request.user), pk=pk)
    with shown(request):
        services.flexible_cancel(request_id=req.pk, by=request.user)
        messages.success(request, _("Request cancelled."))
    return redirect("wellbeing:flexible")


# --- Abusive calls ----------------------------------------------------------------------------
@login_required
def care(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = selectors.abuse_clients_for(request.user)
    user = request.user
    manager_view = user.is_admin or selectors.is_decider(user)
    since = tu.local_today() - timedelta(days=30)
    return render(
        request,
        "wellbeing/care.html",
        {
            "form": AbuseForm(clients=clients),
            "clients": clients,
            "client": clients.first(),
            "reports": selectors.abuse_reports_visible_to(user).filter(user=user)[:20],
            "team_reports": selectors.abuse_reports_visible_to(user).exclude(user=user)[:30]
            if manager_view
            else [],
            "counts": selectors.abusive_call_counts(user=user, since=since) if manager_view else [],
            "manager_view": manager_view,
            "since": since,
        },
    )


@login_required
@require_POST
def care_flag(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AbuseForm(request.POST, clients=selectors.abuse_clients_for(request.user))
    report, error = None, ""
    if form.is_valid():
        # Kept: the refusal goes into the htmx fragment (answered 200 so htmx swaps it in place),
        # not into a flash message or a form.
        try:
            report = services.abusive_call_flag(
                user=request.user, client=form.cleaned_data["client"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
        if "client" in form.errors:
            error = _("Choose one of the clients you serve.")
    if request.htmx:
        return render(
            request,
            "wellbeing/_abuse_result.html",
            {"report": report, "error": error},
        )  # 200 either way: htmx swaps only successful responses, and the error must show in place
    if report:
        messages.success(
            request,
            _("Recorded. Take a %(minutes)s-minute break now; your manager has been told.")
            % {"minutes": report.break_minutes},
        )
    else:
        messages.error(request, error)
    return redirect("wellbeing:care")


@login_required
@require_POST
def care_counselling(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        selectors.abuse_reports_visible_to(request.user).filter(user=request.user), pk=pk
    )
    services.abuse_counselling_request(user=request.user, report_id=report.pk)
    messages.success(request, _("Counselling requested. Someone will contact you today."))
    return redirect("wellbeing:care")


# --- Admin: days off --------------------------------------------------------------------------
def _require_admin(user) -> None:
    if not user.is_admin:
        raise PermissionDenied(_("This page is for administrators."))


@login_required
def days_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request.user)
    form = DayOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown(request, form=form):
            services.day_off_add(
                by=request.user, day=form.cleaned_data["date"], name=form.cleaned_data["name"]
            )
            messages.success(request, _("Day off added. PCs stay off that day."))
            return redirect("wellbeing:days_off")
    year = _parse_date(request.GET.get("year") and f"{request.GET['year']}-01-01", tu.local_today()).year
    holidays = sorted(tu.korean_holidays(year).items())
    return render(
        request,
        "wellbeing/days_off.html",
        {
            "form": form,
            "days_off": DayOff.objects.filter(date__year=year),
            "holidays": holidays,
            "year": year,
        },
    )


@login_required
@require_POST
def day_off_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    get_object_or_404(DayOff, pk=pk)
    services.day_off_delete(by=request.user, day_off_id=pk)
    messages.success(request, _("Day off removed."))
    return redirect("wellbeing:days_off")

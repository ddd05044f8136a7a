"""Writes for wellbeing: one function per use case. Each owns its transaction, records the decision
in the audit log and notifies on commit (accounts.services.notify).

Every change to an input of a shutdown plan (approved overtime, approved flexible work, policy, days
off) bumps that plan's version, so notices keyed on the version are sent again for the new plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import ClientCompany, User
from accounts.permissions import can_see_client
from accounts.services import audit_record, notify
from core.errors import Conflict
from core.korean import format_day, format_minutes
from ops import services as ops_services

from . import selectors
from . import timeutils as tu
from .models import (
    AbusiveCallReport,
    DayOff,
    Device,
    DeviceEvent,
    DeviceEventKind,
    FlexibleScheduleRequest,
    ManagerDelegation,
    OvertimeReminder,
    OvertimeRequest,
    PlanVersion,
    RequestState,
    ShutdownNotice,
    ShutdownPolicy,
    Transition,
)
from .plans import ShutdownPlan, due_offset

REMINDER_BEFORE = timedelta(minutes=10)
MAX_DAYS_AHEAD = 31
MAX_DAYS_POST_HOC = 7


class DecisionConflict(Conflict):
    """Someone else decided first (or the request is no longer open): a 409 in the API, a warning on pages."""


def _hm(value: datetime | time | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(tu.SEOUL)
    return value.strftime("%H:%M")


# --- Plan versions ----------------------------------------------------------------------------
def _bump_plans(*, users: Iterable[User], on: date, reason: str) -> None:
    """Store a new plan version for each user on a date (version = highest + 1; 1 is the implicit base)."""
    users = list(users)
    if not users:
        return
    plans = selectors.shutdown_plans(users=users, dates=[on])
    for _attempt in range(3):
        current = dict(
            PlanVersion.objects.filter(user__in=users, date=on)
            .values("user_id")
            .annotate(v=Max("version"))
            .values_list("user_id", "v")
        )
        rows = [
            PlanVersion(
                user_id=u.pk,
                date=on,
                version=current.get(u.pk, 1) + 1,
                shutdown_at=plans[(u.pk, on)].shutdown_at,
                reason=reason[:80],
            )
            for u in users
        ]
        try:
            with transaction.atomic():
                PlanVersion.objects.bulk_create(rows)
            return
        except IntegrityError:
            continue  # a concurrent bump took the number: read again
    raise DecisionConflict(_("The plan changed at the same moment; try again."))


def _bump_range(*, user: User, start: date, end: date, reason: str) -> None:
    today = tu.local_today()
    day = max(start, today)
    while day <= end and day <= today + timedelta(days=MAX_DAYS_AHEAD):
        _bump_plans(users=[user], on=day, reason=reason)
        day += timedelta(days=1)


@transaction.atomic
def policy_changed(*, policy: ShutdownPolicy, by: User | None) -> None:
    """After an admin edits a policy: today's plans of the people it governs get a new version."""
    people = selectors.plan_subjects()
    if policy.team_id:
        people = people.filter(team_id=policy.team_id)
    else:
        overridden = ShutdownPolicy.objects.filter(team__isnull=False).values_list("team_id", flat=True)
        people = people.exclude(team_id__in=list(overridden))
    _bump_plans(users=people, on=tu.local_today(), reason="policy changed")
    audit_record(actor=by, action=AuditAction.POLICY_CHANGE, target=policy)


@transaction.atomic
def day_off_add(*, by: User, day: date, name: str) -> DayOff:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the day off a name.")})
    if DayOff.objects.filter(date=day).exists():
        raise ValidationError({"date": _("%(date)s is already a day off.") % {"date": day}})
    off = DayOff.objects.create(date=day, name=name[:80], created_by=by)
    if day >= tu.local_today():
        _bump_plans(users=selectors.plan_subjects(), on=day, reason="day off added")
    audit_record(actor=by, action=AuditAction.DAY_OFF_ADD, target=off, data={"date": day.isoformat()})
    return off


@transaction.atomic(durable=True)
def day_off_delete(*, by: User, day_off_id: int) -> None:
    off = DayOff.objects.select_for_update().get(pk=day_off_id)
    day = off.date
    audit_record(actor=by, action=AuditAction.DAY_OFF_DELETE, reason=off.name, data={"date": day.isoformat()})
    off.delete()
    if day >= tu.local_today():
        _bump_plans(users=selectors.plan_subjects(), on=day, reason="day off removed")


# --- Delegation while a manager is away ------------------------------------------------------
@transaction.atomic(durable=True)
def delegation_create(
    *, manager: User, delegate: User, start_date: date, end_date: date
) -> ManagerDelegation:
    """A manager lets someone decide their team's requests for a period (holiday, training)."""
    errors = {}
    if not (manager.is_manager or manager.is_admin):
        raise PermissionDenied(_("Only managers delegate their decisions."))
    if delegate.pk == manager.pk or not delegate.is_active:
        errors["delegate"] = _("Choose someone else who is active.")
    elif not selectors.delegation_candidates(manager).filter(pk=delegate.pk).exists():
        errors["delegate"] = _(
            "Delegate to a manager, or to a member of your team who has set up two-factor authentication (TOTP)."
        )
    if end_date < start_date:
        errors["end_date"] = _("The last day must not be before the first.")
    if start_date < tu.local_today():
        errors["start_date"] = _("A delegation cannot start in the past.")
    if errors:
        raise ValidationError(errors)
    delegation = ManagerDelegation.objects.create(
        manager=manager, delegate=delegate, start_date=start_date, end_date=end_date
    )
    audit_record(
        actor=manager,
        action=AuditAction.DELEGATION_CREATE,
        target=delegation,
        data={"delegate": delegate.pk, "from": start_date.isoformat(), "until": end_date.isoformat()},
    )
    notify(
        delegate,
        _("%(name)s asked you to decide their team's requests from %(start)s to %(end)s")
        % {"name": manager.name, "start": start_date, "end": end_date},
        actor=manager,
        url=reverse("wellbeing:inbox"),
    )
    return delegation


@transaction.atomic(durable=True)
def delegation_end(*, by: User, delegation_id: int) -> None:
    """The manager who delegated, or an admin (e.g. the manager is back early and forgot), ends it."""
    delegation = ManagerDelegation.objects.select_for_update().get(pk=delegation_id)
    if delegation.manager_id != by.pk and not by.is_admin:
        raise PermissionDenied(_("Only the manager who delegated, or an admin, ends a delegation."))
    today = tu.local_today()
    audit_record(actor=by, action=AuditAction.DELEGATION_END, target=delegation)
    if delegation.start_date >= today:
        delegation.delete()
    else:
        delegation.end_date = today - timedelta(days=1)
        delegation.save(update_fields=["end_date"])


def _delegation_data(by: User, agent: User) -> dict[str, Any]:
    """Audit data naming the manager a delegate decided for (empty when deciding in one's own right)."""
    manager_id = selectors.acting_for(by, agent)
    return {"on_behalf_of": manager_id} if manager_id else {}


# --- Overtime ---------------------------------------------------------------------------------
def _transition(
    *,
    request: OvertimeRequest | FlexibleScheduleRequest,
    to: str,
    by: User | None,
    comment: str = "",
    field: str = "overtime",
) -> None:
    Transition.objects.create(
        **{field: request}, from_state=request.state, to_state=to, by=by, comment=comment
    )
    request.state = to


def _check_overtime(
    *,
    user: User,
    day: date,
    start_time: time | None,
    end_time: time,
    consent: bool,
    states: Iterable[str],
    exclude_pk: int | None = None,
) -> dict[str, Any]:
    """The law rules. Returns the computed facts or raises ValidationError naming the field."""
    # The week's plans hold the day's own: one read for both the day's check and the 52-hour one.
    week = tu.week_days(day)
    plans = selectors.shutdown_plans(users=[user], dates=week)
    plan = plans[(user.pk, day)]
    if plan.working_day:
        assert plan.start_at is not None and plan.work_end_at is not None  # a working day has both
        start = plan.start_at.astimezone(tu.SEOUL).time()
        scheduled_end = plan.work_end_at.astimezone(tu.SEOUL).time()
        if end_time <= scheduled_end:
            raise ValidationError(
                {
                    "end_time": _("The planned end must be after your scheduled end (%(end)s).")
                    % {"end": _hm(scheduled_end)}
                }
            )
        span = tu.minutes_between(start, end_time)
        minutes = tu.net_work_minutes(span, planned_break=plan.break_minutes) - plan.scheduled_minutes
        holiday = False
    else:
        if start_time is None:
            raise ValidationError(
                {"start_time": _("%(day)s is not a working day: give a start time.") % {"day": day}}
            )
        if end_time <= start_time:
            raise ValidationError({"end_time": _("The planned end must be after the start.")})
        start = start_time
        minutes = tu.net_work_minutes(tu.minutes_between(start_time, end_time), planned_break=0)
        holiday = True
    night = tu.is_night(start, end_time)
    profile = selectors.protection_for(user)
    if profile is not None and profile.is_protected_on(day) and (night or holiday) and not consent:
        raise ValidationError(
            {
                "consent_night_holiday": _(
                    "Night work (22:00–06:00) and holiday work need the explicit consent of staff who are "
                    "pregnant or within a year of childbirth: tick the consent box if you agree."
                )
            }
        )
    used = selectors.overtime_minutes_in_week(user=user, day=day, states=states, exclude_pk=exclude_pk)
    if used + minutes > tu.WEEK_OVERTIME_CAP_MINUTES:
        raise ValidationError(
            {
                "end_time": _(
                    "Overtime in the week of %(week)s would reach %(total)s (%(used)s already approved or "
                    "requested + %(new)s now); the limit is 12 h a week (52 h in all)."
                )
                % {
                    "week": format_day(week[0]),
                    "total": format_minutes(used + minutes),
                    "used": format_minutes(used),
                    "new": format_minutes(minutes),
                }
            }
        )
    scheduled = sum(p.scheduled_minutes for p in plans.values())
    if scheduled + used + minutes > tu.WEEK_TOTAL_CAP_MINUTES:
        raise ValidationError(
            {
                "end_time": _("Work in the week of %(week)s would reach %(total)s; the limit is 52 h a week.")
                % {"week": format_day(week[0]), "total": format_minutes(scheduled + used + minutes)}
            }
        )
    return {"minutes": minutes, "is_night": night, "is_holiday": holiday, "plan": plan}


@transaction.atomic
def overtime_submit(
    *,
    user: User,
    day: date,
    end_time: time,
    reason: str,
    start_time: time | None = None,
    consent_night_holiday: bool = False,
) -> OvertimeRequest:
    """An agent asks to work past the shutdown. After the shutdown it is a flagged post-hoc request."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the overtime is needed.")})
    today = tu.local_today()
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(
            {"date": _("Overtime can be requested at most %(n)s days ahead.") % {"n": MAX_DAYS_AHEAD}}
        )
    if day < today - timedelta(days=MAX_DAYS_POST_HOC):
        raise ValidationError(
            {"date": _("Post-hoc requests must be filed within %(n)s days.") % {"n": MAX_DAYS_POST_HOC}}
        )
    # Serialise one person's requests so two tabs cannot both pass the weekly cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if OvertimeRequest.objects.filter(
        user=user, date=day, state__in=[RequestState.SUBMITTED, RequestState.APPROVED]
    ).exists():
        raise ValidationError(
            {"date": _("You already have an open or approved overtime request for %(date)s.") % {"date": day}}
        )
    facts = _check_overtime(
        user=user,
        day=day,
        start_time=start_time,
        end_time=end_time,
        consent=consent_night_holiday,
        states=[RequestState.SUBMITTED, RequestState.APPROVED],
    )
    plan = facts["plan"]
    now = timezone.now()
    cutoff = plan.base_shutdown_at or tu.at(day, start_time or time(0))
    post_hoc = day < today or now >= cutoff
    start_time = None if plan.working_day else start_time
    req = OvertimeRequest.objects.create(
        user=user,
        date=day,
        start_time=start_time,
        end_time=end_time,
        reason=reason,
        minutes=facts["minutes"],
        post_hoc=post_hoc,
        is_night=facts["is_night"],
        is_holiday=facts["is_holiday"],
        consent_night_holiday=consent_night_holiday,
    )
    Transition.objects.create(overtime=req, from_state="", to_state=RequestState.SUBMITTED, by=user)
    deciders = selectors.deciders_for(user)
    if deciders:
        verb = _("%(name)s requests overtime on %(date)s until %(end)s") % {
            "name": user.name,
            "date": day.isoformat(),
            "end": _hm(end_time),
        }
        if post_hoc:
            verb = _("[post-hoc] ") + verb
        notify(deciders, verb, actor=user, url=reverse("wellbeing:inbox"), body=reason)
    return req


def _lock_overtime(request_id: int, by: User) -> OvertimeRequest:
    req = OvertimeRequest.objects.select_for_update().get(pk=request_id)
    req.user = User.objects.select_related("team", "team__manager").get(pk=req.user_id)
    return req


def _already(req: OvertimeRequest | FlexibleScheduleRequest, by_label: str = "") -> DecisionConflict:
    who = req.decided_by.name if req.decided_by else ""
    if who:
        return DecisionConflict(
            _("This request was already %(state)s by %(name)s at %(time)s.")
            % {
                "state": req.get_state_display(),
                "name": who,
                "time": timezone.localtime(req.decided_at).strftime("%H:%M"),
            }
        )
    return DecisionConflict(
        _("This request is no longer open (%(state)s).") % {"state": req.get_state_display()}
    )


@transaction.atomic(durable=True)
def overtime_approve(*, request_id: int, by: User, comment: str = "") -> OvertimeRequest:
    """Approve: the plan moves to the planned end in the same transaction and the agent is told."""
    req = _lock_overtime(request_id, by)
    if not selectors.can_decide(by, req.user):
        raise PermissionDenied(_("Only the agent's team manager (or their delegate) decides this request."))
    if req.state != RequestState.SUBMITTED:
        raise _already(req)
    User.objects.select_for_update().filter(pk=req.user_id).first()
    facts = _check_overtime(
        user=req.user,
        day=req.date,
        start_time=req.start_time,
        end_time=req.end_time,
        consent=req.consent_night_holiday,
        states=[RequestState.APPROVED],
        exclude_pk=req.pk,
    )
    comment = (comment or "").strip()
    _transition(request=req, to=RequestState.APPROVED, by=by, comment=comment)
    req.minutes = facts["minutes"]
    req.decided_by, req.decided_at, req.decision_comment = by, timezone.now(), comment
    req.save(update_fields=["state", "minutes", "decided_by", "decided_at", "decision_comment"])
    _bump_plans(users=[req.user], on=req.date, reason="overtime approved")
    audit_record(
        actor=by,
        action=AuditAction.OVERTIME_APPROVE,
        target=req,
        reason=comment,
        data={"date": req.date.isoformat(), "end_time": _hm(req.end_time), "minutes": req.minutes}
        | _delegation_data(by, req.user),
    )
    notify(
        req.user,
        _("Overtime approved: your PC stays on until %(end)s on %(date)s")
        % {"end": _hm(req.end_time), "date": req.date},
        actor=by,
        target=req,
        body=comment,
    )
    return req


@transaction.atomic(durable=True)
def overtime_reject(*, request_id: int, by: User, comment: str) -> OvertimeRequest:
    comment = (comment or "").strip()
    req = _lock_overtime(request_id, by)
    if not selectors.can_decide(by, req.user):
        raise PermissionDenied(_("Only the agent's team manager (or their delegate) decides this request."))
    if req.state != RequestState.SUBMITTED:
        raise _already(req)
    if not comment:
        raise ValidationError({"comment": _("Give the agent a reason for the rejection.")})
    _transition(request=req, to=RequestState.REJECTED, by=by, comment=comment)
    req.decided_by, req.decided_at, req.decision_comment = by, timezone.now(), comment
    req.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    audit_record(
        actor=by,
        action=AuditAction.OVERTIME_REJECT,
        target=req,
        reason=comment,
        data=_delegation_data(by, req.user),
    )
    notify(
        req.user,
        _("Overtime on %(date)s was not approved: %(reason)s") % {"date": req.date, "reason": comment},
        actor=by,
        target=req,
        body=comment,
    )
    return req


@transaction.atomic(durable=True)
def overtime_cancel(*, request_id: int, by: User, comment: str = "") -> OvertimeRequest:
    """The agent withdraws a request; an approved one only until its end (the plan moves back)."""
    req = _lock_overtime(request_id, by)
    if req.user_id != by.pk:
        raise PermissionDenied(_("Only the person who filed a request may cancel it."))
    if req.state not in (RequestState.SUBMITTED, RequestState.APPROVED):
        raise _already(req)
    was_approved = req.state == RequestState.APPROVED
    if was_approved and timezone.now() >= tu.at(req.date, req.end_time):
        raise DecisionConflict(_("This overtime has already been worked; it can no longer be cancelled."))
    _transition(request=req, to=RequestState.CANCELLED, by=by, comment=(comment or "").strip())
    req.save(update_fields=["state"])
    if was_approved:
        _bump_plans(users=[req.user], on=req.date, reason="overtime cancelled")
        notify(
            selectors.deciders_for(req.user),
            _("%(name)s cancelled approved overtime on %(date)s") % {"name": req.user.name, "date": req.date},
            actor=by,
            url=reverse("wellbeing:inbox"),
            email=False,
        )
    audit_record(actor=by, action=AuditAction.OVERTIME_CANCEL, target=req, reason=comment)
    return req


def overtime_expire_stale(*, now: datetime | None = None) -> int:
    """Requests nobody decided expire at the end of their day (run by beat; safe to repeat)."""
    now = now or timezone.now()
    today = now.astimezone(tu.SEOUL).date()
    count = 0
    for pk in OvertimeRequest.objects.filter(state=RequestState.SUBMITTED, date__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            req = OvertimeRequest.objects.select_for_update().select_related("user").get(pk=pk)
            if req.state != RequestState.SUBMITTED:
                continue
            _transition(
                request=req, to=RequestState.EXPIRED, by=None, comment=_("Not decided by the end of the day.")
            )
            req.save(update_fields=["state"])
            notify(
                req.user,
                _("Your overtime request for %(date)s expired undecided") % {"date": req.date},
                target=req,
                email=False,
            )
            count += 1
    for pk in FlexibleScheduleRequest.objects.filter(
        state=RequestState.SUBMITTED, start_date__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            flexible = FlexibleScheduleRequest.objects.select_for_update().get(pk=pk)
            if flexible.state != RequestState.SUBMITTED:
                continue
            _transition(
                request=flexible,
                to=RequestState.EXPIRED,
                by=None,
                comment=_("Not decided before it started."),
                field="flexible",
            )
            flexible.save(update_fields=["state"])
            count += 1
    return count


# --- Flexible schedules -----------------------------------------------------------------------
@transaction.atomic(durable=True)
def flexible_submit(
    *,
    user: User,
    kind: str,
    start_date: date,
    end_date: date,
    start_time: time,
    end_time: time,
    weekdays: list[int],
    reason: str,
) -> FlexibleScheduleRequest:
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say what the arrangement is for.")
    if end_date < start_date:
        errors["end_date"] = _("The last day must not be before the first.")
    if end_time <= start_time:
        errors["end_time"] = _("The end must be after the start.")
    if not weekdays or any(d not in range(7) for d in weekdays):
        errors["weekdays"] = _("Choose at least one weekday.")
    if start_date < tu.local_today():
        errors["start_date"] = _("A flexible schedule cannot start in the past.")
    if (
        not errors
        and tu.net_work_minutes(tu.minutes_between(start_time, end_time)) * len(weekdays)
        > tu.WEEK_STANDARD_MINUTES
    ):
        errors["end_time"] = _("These hours exceed 40 hours a week; ask for overtime instead.")
    if errors:
        raise ValidationError(errors)
    req = FlexibleScheduleRequest.objects.create(
        user=user,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        weekdays=sorted(set(weekdays)),
        reason=reason,
    )
    Transition.objects.create(flexible=req, from_state="", to_state=RequestState.SUBMITTED, by=user)
    deciders = selectors.deciders_for(user)
    if deciders:
        notify(
            deciders,
            _("%(name)s requests a flexible schedule from %(start)s")
            % {"name": user.name, "start": start_date},
            actor=user,
            url=reverse("wellbeing:flexible"),
            body=reason,
        )
    return req


def _lock_flexible(request_id: int) -> FlexibleScheduleRequest:
    req = FlexibleScheduleRequest.objects.select_for_update().get(pk=request_id)
    req.user = User.objects.select_related("team", "team__manager").get(pk=req.user_id)
    return req


@transaction.atomic(durable=True)
def flexible_approve(*, request_id: int, by: User, comment: str = "") -> FlexibleScheduleRequest:
    req = _lock_flexible(request_id)
    if not selectors.can_decide(by, req.user):
        raise PermissionDenied(_("Only the agent's team manager (or their delegate) decides this request."))
    if req.state != RequestState.SUBMITTED:
        raise _already(req)
    overlapping = FlexibleScheduleRequest.objects.select_for_update().filter(
        user=req.user, state=RequestState.APPROVED, start_date__lte=req.end_date, end_date__gte=req.start_date
    )
    if overlapping.exists():
        raise ValidationError(
            {"start_date": _("Another approved flexible schedule covers some of these dates.")}
        )
    comment = (comment or "").strip()
    _transition(request=req, to=RequestState.APPROVED, by=by, comment=comment, field="flexible")
    req.decided_by, req.decided_at, req.decision_comment = by, timezone.now(), comment
    req.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    _bump_range(user=req.user, start=req.start_date, end=req.end_date, reason="flexible approved")
    audit_record(
        actor=by,
        action=AuditAction.FLEXIBLE_APPROVE,
        target=req,
        reason=comment,
        data=_delegation_data(by, req.user),
    )
    notify(
        req.user,
        _("Flexible schedule approved: %(start)s–%(end)s, %(from)s–%(to)s")
        % {
            "start": req.start_date,
            "end": req.end_date,
            "from": _hm(req.start_time),
            "to": _hm(req.end_time),
        },
        actor=by,
        target=req,
        body=comment,
    )
    return req


@transaction.atomic(durable=True)
def flexible_reject(*, request_id: int, by: User, comment: str) -> FlexibleScheduleRequest:
    comment = (comment or "").strip()
    req = _lock_flexible(request_id)
    if not selectors.can_decide(by, req.user):
        raise PermissionDenied(_("Only the agent's team manager (or their delegate) decides this request."))
    if req.state != RequestState.SUBMITTED:
        raise _already(req)
    if not comment:
        raise ValidationError({"comment": _("Give the agent a reason for the rejection.")})
    _transition(request=req, to=RequestState.REJECTED, by=by, comment=comment, field="flexible")
    req.decided_by, req.decided_at, req.decision_comment = by, timezone.now(), comment
    req.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    audit_record(
        actor=by,
        action=AuditAction.FLEXIBLE_REJECT,
        target=req,
        reason=comment,
        data=_delegation_data(by, req.user),
    )
    notify(
        req.user, _("Flexible schedule not approved: %(reason)s") % {"reason": comment}, actor=by, target=req
    )
    return req


@transaction.atomic(durable=True)
def flexible_cancel(*, request_id: int, by: User) -> FlexibleScheduleRequest:
    req = _lock_flexible(request_id)
    if req.user_id != by.pk:
        raise PermissionDenied(_("Only the person who filed a request may cancel it."))
    if req.state not in (RequestState.SUBMITTED, RequestState.APPROVED):
        raise _already(req)
    was_approved = req.state == RequestState.APPROVED
    _transition(request=req, to=RequestState.CANCELLED, by=by, field="flexible")
    req.save(update_fields=["state"])
    if was_approved:
        _bump_range(user=req.user, start=req.start_date, end=req.end_date, reason="flexible cancelled")
    audit_record(actor=by, action=AuditAction.FLEXIBLE_CANCEL, target=req)
    return req


# --- Notices (the beat task calls this every minute) ------------------------------------------
def _claim(plan: ShutdownPlan, offset: int) -> bool:
    assert plan.shutdown_at is not None  # a notice is due (due_offset): the plan shuts down
    try:
        with transaction.atomic():
            ShutdownNotice.objects.create(
                user_id=plan.user_id,
                date=plan.date,
                offset_minutes=offset,
                plan_version=plan.version,
                shutdown_at=plan.shutdown_at,
            )
    except IntegrityError:
        return False  # another run (or worker) has it
    return True


def notices_dispatch(*, now: datetime | None = None) -> dict[str, Any]:
    """Send the notices that are due. Safe to run twice, late, or on two workers at once: each
    notice is claimed by inserting its unique row first, and the claim commits with the notification."""
    now = now or timezone.now()
    local = now.astimezone(tu.SEOUL)
    dates = [local.date()]
    if local.hour == 0 and local.minute < 30:
        dates.append(local.date() - timedelta(days=1))  # overtime ending just before midnight
    people = list(selectors.plan_subjects())
    by_id = {u.pk: u for u in people}
    plans = selectors.shutdown_plans(users=people, dates=dates)
    # Skip what is already claimed without a failed insert each; the insert below still decides.
    claimed = set(
        ShutdownNotice.objects.filter(date__in=dates).values_list(
            "user_id", "date", "offset_minutes", "plan_version"
        )
    )
    sent = 0
    home = reverse("wellbeing:home")
    for plan in plans.values():
        offset = due_offset(plan, now)
        if offset is None or (plan.user_id, plan.date, offset, plan.version) in claimed:
            continue
        assert plan.shutdown_at is not None  # a notice is due: the plan shuts down
        with transaction.atomic():
            if not _claim(plan, offset):
                continue
            when = _hm(plan.shutdown_at)
            if offset == 0:
                verb = _("Your PC is shutting down now (%(time)s). Save your work.") % {"time": when}
            else:
                left = max(1, math.ceil((plan.shutdown_at - now).total_seconds() / 60))
                verb = _("Your PC shuts down at %(time)s, in %(left)s min. Save your work.") % {
                    "time": when,
                    "left": left,
                }
            body = _("Need more time? Request overtime before the shutdown: %(url)s") % {
                "url": settings.SITE_URL.rstrip("/") + reverse("wellbeing:overtime_new")
            }
            notify(by_id[plan.user_id], verb, url=home, body=body)
            sent += 1
    reminded = _remind_undecided(now=now, plans=plans)
    # Everything due up to `now` is sent; /health/ready and the watchdog learn when the next is due.
    upcoming = [
        when
        for plan in plans.values()
        if plan.shutdown_at is not None
        for when in (*(w for _m, w in plan.notices_at), plan.shutdown_at)
        if when > now
    ]
    ops_services.notices_dispatched(at=now, next_due_at=min(upcoming, default=None), sent=sent)
    return {"notices": sent, "reminders": reminded}


def _remind_undecided(*, now: datetime, plans: dict[tuple[int, date], ShutdownPlan]) -> int:
    """10 minutes before an agent's shutdown, remind the deciders of an undecided request (once)."""
    count = 0
    for plan in plans.values():
        req = plan.overtime
        if req is None or req.state != RequestState.SUBMITTED or plan.shutdown_at is None:
            continue
        if not (plan.shutdown_at - REMINDER_BEFORE <= now < plan.shutdown_at):
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    OvertimeReminder.objects.create(request=req)
            except IntegrityError:
                continue
            agent = User.objects.select_related("team", "team__manager").get(pk=req.user_id)
            deciders = selectors.deciders_for(agent)
            if deciders:
                notify(
                    deciders,
                    _("Decide now: %(name)s's PC shuts down at %(time)s (overtime until %(end)s requested)")
                    % {"name": agent.name, "time": _hm(plan.shutdown_at), "end": _hm(req.end_time)},
                    url=reverse("wellbeing:inbox"),
                )
                count += 1
    return count


# --- PC devices -------------------------------------------------------------------------------
@transaction.atomic
def device_issue(*, user: User, name: str) -> tuple[Device, str]:
    """A one-time registration token for a PC (shown once, valid 24 h)."""
    name = (name or "").strip() or _("My PC")
    token = Device.generate_secret("dt")
    device = Device.objects.create(
        user=user,
        name=name[:80],
        token_hash=Device.hash_secret(token),
        token_expires_at=timezone.now() + timedelta(hours=Device.TOKEN_LIFETIME_HOURS),
    )
    audit_record(actor=user, action=AuditAction.DEVICE_ISSUE, target=device)
    return device, token


@transaction.atomic
def device_register(*, token: str, hostname: str = "", platform: str = "") -> tuple[Device, str]:
    """The PC agent trades the one-time token for its device credential."""
    device = (
        Device.objects.select_for_update()
        .filter(token_hash=Device.hash_secret(token or ""))
        .select_related("user")
        .first()
    )
    if (
        device is None
        or device.revoked_at is not None
        or device.registered_at is not None
        or device.token_expires_at < timezone.now()
        or not device.user.is_active
    ):
        raise ValidationError({"token": _("This device token is unknown, used, expired or revoked.")})
    credential = Device.generate_secret("dc")
    device.credential_hash = Device.hash_secret(credential)
    device.registered_at = device.last_seen_at = timezone.now()
    device.hostname, device.platform = hostname[:120], platform[:40]
    device.save(update_fields=["credential_hash", "registered_at", "last_seen_at", "hostname", "platform"])
    audit_record(
        actor=device.user, action=AuditAction.DEVICE_REGISTER, target=device, data={"hostname": hostname}
    )
    return device, credential


@transaction.atomic(durable=True)
def device_revoke(*, by: User, device_id: int) -> Device:
    device = Device.objects.select_for_update().get(pk=device_id)
    if device.user_id != by.pk and not by.is_admin:
        raise PermissionDenied(_("You may revoke only your own devices."))
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        audit_record(actor=by, action=AuditAction.DEVICE_REVOKE, target=device)
    return device


def device_seen(*, device: Device) -> None:
    now = timezone.now()
    # One write a minute at most: hundreds of PCs poll every minute.
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() > 50:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


def device_events_record(*, device: Device, events: list[dict[str, Any]]) -> int:
    """Store reported events; a queued event sent twice (same id) is stored once."""
    rows, errors = [], {}
    for i, raw in enumerate(events):
        kind = raw.get("kind")
        at = parse_datetime(str(raw.get("at") or ""))
        event_id = str(raw.get("id") or "")[:64]
        if kind not in DeviceEventKind.values:
            errors[f"events[{i}].kind"] = _("Unknown event kind '%(kind)s'.") % {"kind": kind}
        elif at is None or timezone.is_naive(at):
            errors[f"events[{i}].at"] = _("Give the time as ISO 8601 with a UTC offset.")
        elif not event_id:
            errors[f"events[{i}].id"] = _("Each event needs an id.")
        else:
            version = raw.get("plan_version")
            rows.append(
                DeviceEvent(
                    device=device,
                    kind=kind,
                    event_id=event_id,
                    occurred_at=at,
                    plan_version=version if isinstance(version, int) and version > 0 else None,
                    data=raw.get("data") if isinstance(raw.get("data"), dict) else {},
                )
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        before = DeviceEvent.objects.filter(device=device).count()
        DeviceEvent.objects.bulk_create(rows, ignore_conflicts=True)
        stored = DeviceEvent.objects.filter(device=device).count() - before
        tampered = [r for r in rows if r.kind == DeviceEventKind.TAMPER]
        if tampered and stored:
            deciders = selectors.deciders_for(
                User.objects.select_related("team", "team__manager").get(pk=device.user_id)
            )
            if deciders:
                notify(
                    deciders,
                    _("Possible tampering on %(device)s (%(name)s)")
                    % {"device": device.name, "name": device.user.name},
                    url=reverse("wellbeing:day"),
                    email=False,
                )
    device_seen(device=device)
    return stored


# --- Abusive customers (산업안전보건법 제41조) ----------------------------------------------------
@transaction.atomic(durable=True)
def abusive_call_flag(
    *, user: User, client: ClientCompany | int, note: str = "", occurred_at: datetime | None = None
) -> AbusiveCallReport:
    """One click from the agent: a break starts now (not counted against them), the manager is told,
    and counselling is offered."""
    client_id = client if isinstance(client, int) else client.pk
    if not can_see_client(user, client_id):
        raise ValidationError({"client": _("Choose one of the clients you serve.")})
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + timedelta(minutes=1):
        raise ValidationError({"occurred_at": _("The call cannot be in the future.")})
    report = AbusiveCallReport.objects.create(
        user=user,
        client_id=client_id,
        occurred_at=occurred_at,
        note=(note or "").strip()[:2000],
        break_minutes=settings.WELLBEING_ABUSE_BREAK_MINUTES,
        break_started_at=now,
    )
    client_name = report.client.name
    audit_record(actor=user, action=AuditAction.ABUSE_FLAG, target=report, data={"client": client_name})
    deciders = selectors.deciders_for(User.objects.select_related("team", "team__manager").get(pk=user.pk))
    if deciders:
        notify(
            deciders,
            _("%(name)s received an abusive call (%(client)s) and is on a break until %(until)s")
            % {"name": user.name, "client": client_name, "until": _hm(report.break_ends_at)},
            actor=user,
            url=reverse("wellbeing:care"),
            body=report.note,
        )
    notify(
        user,
        _("Take a %(minutes)s-minute break now. It does not count against you.")
        % {"minutes": report.break_minutes},
        url=reverse("wellbeing:care"),
        body=_("Counselling is available: ask for it on the care page whenever you wish."),
        email=False,
    )
    return report


@transaction.atomic(durable=True)
def abuse_counselling_request(*, user: User, report_id: int) -> AbusiveCallReport:
    report = AbusiveCallReport.objects.select_for_update().get(pk=report_id)
    if report.user_id != user.pk:
        raise PermissionDenied(_("You may ask for counselling only about your own report."))
    if report.counselling_requested_at is None:
        report.counselling_requested_at = timezone.now()
        report.save(update_fields=["counselling_requested_at"])
        deciders = selectors.deciders_for(
            User.objects.select_related("team", "team__manager").get(pk=user.pk)
        )
        if deciders:
            notify(
                deciders,
                _("%(name)s asks for counselling after an abusive call") % {"name": user.name},
                actor=user,
                url=reverse("wellbeing:care"),
            )
        audit_record(actor=user, action=AuditAction.ABUSE_COUNSELLING, target=report)
    return report

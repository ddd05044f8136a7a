"""Work and wellbeing: shutdown policy and plans, notices, overtime and flexible work, PC devices, care.

The shutdown plan of an agent for a date is never stored as such: `selectors.shutdown_plans` computes
it from the policy, the schedule, approved flexible work and approved overtime. What is stored is its
*version* (`PlanVersion`), bumped by every service that changes one of those inputs, so that notices
can be claimed once per (agent, date, offset, version).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ClientCompany, Team

DEFAULT_WEEKDAYS = [0, 1, 2, 3, 4]  # Monday..Friday
DEFAULT_OFFSETS = [30, 10, 5, 1]


def default_weekdays() -> list[int]:
    return list(DEFAULT_WEEKDAYS)


def default_offsets() -> list[int]:
    return list(DEFAULT_OFFSETS)


class ShutdownPolicy(models.Model):
    """The company default (team empty) or a team's override."""

    team = models.OneToOneField(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shutdown_policy",
        help_text=_("Empty for the company default."),
    )
    work_start = models.TimeField(_("work starts"), default=time(9, 0))
    work_end = models.TimeField(_("work ends"), default=time(18, 0))
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=60)
    shutdown_time = models.TimeField(_("PC shutdown"), default=time(18, 30))
    notice_offsets = models.JSONField(
        _("notices (minutes before)"), default=default_offsets, help_text=_("e.g. [30, 10, 5, 1]")
    )
    grace_minutes = models.PositiveSmallIntegerField(
        _("grace for unsaved work (minutes)"), default=5, validators=[MaxValueValidator(30)]
    )
    weekdays = models.JSONField(
        _("applies on weekdays"), default=default_weekdays, help_text=_("0 = Monday … 6 = Sunday")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shutdown policy")
        verbose_name_plural = _("shutdown policies")
        constraints = [
            # One company default (team NULL) and one override per team.
            models.UniqueConstraint(Coalesce("team", 0), name="wellbeing_policy_one_per_team"),
            models.CheckConstraint(
                condition=Q(shutdown_time__gt=models.F("work_end")),
                name="wellbeing_policy_shutdown_after_end",
            ),
        ]

    def __str__(self) -> str:
        return str(self.team) if self.team_id else str(_("Company default"))


class DayOff(models.Model):
    """A company day off added by an admin, on top of Korean public and substitute holidays."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("day off")
        verbose_name_plural = _("days off")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class WorkSchedule(models.Model):
    """An agent's own regular schedule, where it differs from the team's policy."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_schedule"
    )
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=60)
    weekdays = models.JSONField(_("weekdays"), default=default_weekdays)

    class Meta:
        verbose_name = _("work schedule")
        verbose_name_plural = _("work schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="wellbeing_schedule_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Protection(models.TextChoices):
    NONE = "", _("None")
    PREGNANT = "pregnant", _("Pregnant")
    POSTPARTUM = "postpartum", _("Within one year after childbirth")


class WellbeingProfile(models.Model):
    """Facts about a person that accounts does not hold; recorded with the person's consent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_profile"
    )
    protection = models.CharField(
        _("maternity protection"), max_length=16, choices=Protection.choices, blank=True, default=""
    )
    protection_until = models.DateField(_("protected until"), null=True, blank=True)
    consent_recorded_at = models.DateTimeField(
        _("consent to record this"), null=True, blank=True, help_text=_("When the person agreed.")
    )

    class Meta:
        verbose_name = _("wellbeing profile")
        verbose_name_plural = _("wellbeing profiles")

    def __str__(self) -> str:
        return str(self.user)

    def is_protected_on(self, day) -> bool:
        if not self.protection:
            return False
        return self.protection_until is None or day <= self.protection_until


class ManagerDelegation(models.Model):
    """While a manager is away, a delegate decides their team's requests."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_received"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("manager delegation")
        verbose_name_plural = _("manager delegations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(manager=models.F("delegate")), name="wellbeing_delegation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="wellbeing_delegation_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manager} → {self.delegate} ({self.start_date}–{self.end_date})"


class PlanVersion(models.Model):
    """A change of an agent's shutdown plan for a date. The plan's version is the highest stored (else 1)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    version = models.PositiveIntegerField()
    shutdown_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["user", "date", "version"], name="wellbeing_planversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date} v{self.version}"


class ShutdownNotice(models.Model):
    """A notice that was sent: claimed (inserted) before sending, so it is sent at most once."""

    SHUTDOWN = 0  # offset 0 is the shutdown itself

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    offset_minutes = models.PositiveSmallIntegerField()
    plan_version = models.PositiveIntegerField()
    shutdown_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shutdown notice")
        verbose_name_plural = _("shutdown notices")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "date", "offset_minutes", "plan_version"], name="wellbeing_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date} -{self.offset_minutes}m v{self.plan_version}"


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


ACTIVE_STATES = [RequestState.SUBMITTED, RequestState.APPROVED]


class OvertimeRequest(models.Model):
    """연장근무 신청: work past the shutdown on one date, until `end_time`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="overtime_requests"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"), null=True, blank=True, help_text=_("Only for holiday work."))
    end_time = models.TimeField(_("planned end"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=16, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    minutes = models.PositiveIntegerField(_("overtime (minutes)"), default=0)
    post_hoc = models.BooleanField(_("filed after the shutdown"), default=False)
    is_night = models.BooleanField(_("night work"), default=False)
    is_holiday = models.BooleanField(_("holiday work"), default=False)
    consent_night_holiday = models.BooleanField(_("consents to night or holiday work"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("overtime request")
        verbose_name_plural = _("overtime requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "date"],
                condition=Q(state__in=["submitted", "approved"]),
                name="wellbeing_overtime_one_active_per_day",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("user")), name="wellbeing_overtime_not_own_decision"
            ),
        ]
        indexes = [models.Index(fields=["state", "date"], name="wellbeing_ot_state_date")]

    def __str__(self) -> str:
        return f"{self.user} {self.date} ~{self.end_time:%H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("wellbeing:overtime_detail", args=[self.pk])

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def cancellable(self) -> bool:
        """What services.overtime_cancel allows: an open request, or approved overtime not yet worked."""
        from .timeutils import at

        if self.state == RequestState.SUBMITTED:
            return True
        return self.state == RequestState.APPROVED and timezone.now() < at(self.date, self.end_time)


class FlexibleKind(models.TextChoices):
    CHILDCARE = "childcare", _("Reduced hours for childcare")
    STAGGERED = "staggered", _("Staggered start and end")
    OTHER = "other", _("Other arrangement")


class FlexibleScheduleRequest(models.Model):
    """유연근무: different hours on given weekdays for a period, once approved."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flexible_requests"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FlexibleKind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    weekdays = models.JSONField(_("weekdays"), default=default_weekdays)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=16, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = _("flexible schedule request")
        verbose_name_plural = _("flexible schedule requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="wellbeing_flex_dates"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="wellbeing_flex_times"
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("user")), name="wellbeing_flex_not_own_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.start_date}–{self.end_date}"

    def get_absolute_url(self) -> str:
        return reverse("wellbeing:flexible")

    def covers(self, day) -> bool:
        return self.start_date <= day <= self.end_date and day.weekday() in self.weekdays


class Transition(models.Model):
    """One step of a request's life: who moved it from which state to which, when, and why."""

    overtime = models.ForeignKey(
        OvertimeRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="transitions"
    )
    flexible = models.ForeignKey(
        FlexibleScheduleRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, choices=RequestState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request transition")
        verbose_name_plural = _("request transitions")
        constraints = [
            models.CheckConstraint(
                condition=Q(overtime__isnull=False, flexible__isnull=True)
                | Q(overtime__isnull=True, flexible__isnull=False),
                name="wellbeing_transition_one_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"


class OvertimeReminder(models.Model):
    """The manager was reminded of an undecided request (at most once per request)."""

    request = models.OneToOneField(OvertimeRequest, on_delete=models.CASCADE, related_name="reminder")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("overtime reminder")
        verbose_name_plural = _("overtime reminders")

    def __str__(self) -> str:
        return str(self.request_id)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class DeviceQuerySet(models.QuerySet["Device"]):
    def active(self) -> DeviceQuerySet:
        return self.filter(revoked_at__isnull=True)


class Device(models.Model):
    """An agent's PC running the shutdown agent.

    The web UI issues a one-time registration token (shown once); the PC agent trades it for a
    device credential. Only hashes of both are stored; revoking the device ends both.
    """

    TOKEN_LIFETIME_HOURS = 24

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    name = models.CharField(_("name"), max_length=80)
    platform = models.CharField(_("platform"), max_length=40, blank=True)
    hostname = models.CharField(_("host name"), max_length=120, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    token_expires_at = models.DateTimeField()
    credential_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("PC device")
        verbose_name_plural = _("PC devices")

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    hash_secret = staticmethod(_hash)

    @staticmethod
    def generate_secret(prefix: str) -> str:
        return f"{prefix}_{secrets.token_urlsafe(24)}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if not self.registered_at:
            return "pending"
        return "registered"


class DeviceEventKind(models.TextChoices):
    HEARTBEAT = "heartbeat", _("Heartbeat")
    NOTICE_SHOWN = "notice_shown", _("Notice shown")
    POSTPONED = "postponed", _("Shutdown postponed")
    SHUTDOWN = "shutdown", _("Shut down")
    TAMPER = "tamper", _("Tampering suspected")
    OFFLINE = "offline", _("Worked offline")


class DeviceEvent(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=DeviceEventKind.choices)
    event_id = models.CharField(
        max_length=64, help_text="the client's id: reports queued offline are sent again"
    )
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    plan_version = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("device event")
        verbose_name_plural = _("device events")
        constraints = [models.UniqueConstraint(fields=["device", "event_id"], name="wellbeing_event_once")]
        indexes = [models.Index(fields=["kind", "occurred_at"], name="wellbeing_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class AbusiveCallReport(models.Model):
    """고객 폭언 신고 (산업안전보건법 제41조): the agent gets a break at once; it never counts against them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abusive_calls")
    client = models.ForeignKey(
        ClientCompany, verbose_name=_("client"), on_delete=models.PROTECT, related_name="abusive_calls"
    )
    occurred_at = models.DateTimeField(_("time of the call"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    break_minutes = models.PositiveSmallIntegerField(
        _("break (minutes)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    break_started_at = models.DateTimeField(default=timezone.now)
    counselling_requested_at = models.DateTimeField(_("counselling requested"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("abusive call report")
        verbose_name_plural = _("abusive call reports")
        indexes = [models.Index(fields=["client", "occurred_at"], name="wellbeing_abuse_client_at")]

    def __str__(self) -> str:
        return f"{self.user} {self.client} {self.occurred_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("wellbeing:care")

    @property
    def break_ends_at(self):
        from datetime import timedelta

        return self.break_started_at + timedelta(minutes=self.break_minutes)


class AwayKind(models.TextChoices):
    LEAVE = "leave", _("On leave")
    REMOTE = "remote", _("Working from home")


class AwayDay(models.Model):
    """A day someone is on leave or works from home: the directory's 휴가 / 재택.

    Only the fact is kept (no reason): the directory shows it to colleagues who may see it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="away_days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=AwayKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("day away")
        verbose_name_plural = _("days away")
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="wellbeing_away_one_per_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.date} {self.get_kind_display()}"

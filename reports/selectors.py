"""Reads of the reports app, already filtered by what the user may see.

Reports follow the call-data rule (`knowledge.calls.selectors.clients_for`): whoever may see a
client's call records may open and export its diagnosis. The management dashboards are for managers
(their teams) and admins (everyone); agents are refused.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import ClientCompany, Role, Team, User
from accounts.permissions import visible_client_or_none, visible_clients
from bookclub.models import Loan, Meeting, ProposalVote, Rating, Review, ReviewStatus, Rsvp, RsvpStatus
from core.dates import SEOUL, local_today, week_days
from knowledge.calls import selectors as calls_selectors
from knowledge.calls.models import CallRecord, ImportJob, ImportStatus, MiningRun, MiningStatus
from knowledge.models import Article, ArticleSuggestion, SuggestionStatus
from wellbeing import selectors as wb
from wellbeing.models import (
    AbusiveCallReport,
    DeviceEvent,
    DeviceEventKind,
    FlexibleScheduleRequest,
    OvertimeRequest,
    RequestState,
)
from wellbeing.timeutils import WEEK_TOTAL_CAP_MINUTES  # the 52-hour rule's cap

from .models import ReportSnapshot, SnapshotStatus
from .periods import bounds


# --- Diagnosis ------------------------------------------------------------------------------------
def clients_for(user: User) -> QuerySet[ClientCompany]:
    return calls_selectors.clients_for(user)


def client_for(user: User, slug: str) -> ClientCompany | None:
    return visible_client_or_none(user, slug)


def snapshots_for(user: User, *, client: ClientCompany | None = None) -> QuerySet[ReportSnapshot]:
    qs = ReportSnapshot.objects.filter(client__in=visible_clients(user)).select_related("client", "built_by")
    if client is not None:
        qs = qs.filter(client=client)
    return qs.order_by("-period_start", "-period_end", "client__name")


def snapshot_for(user: User, pk: int) -> ReportSnapshot | None:
    return snapshots_for(user).filter(pk=pk).first()


def latest_snapshots(user: User) -> dict[int, ReportSnapshot]:
    """The most recent ready monthly-or-custom report per client the user may see."""
    latest: dict[int, ReportSnapshot] = {}
    for snap in snapshots_for(user).filter(status=SnapshotStatus.DONE).defer("figures"):
        latest.setdefault(snap.client_id, snap)
    return latest


def imports_since_built(snapshot: ReportSnapshot) -> QuerySet[ImportJob]:
    """Imports finished after the report was built that touch its period: the report does not show them."""
    if snapshot.built_at is None:
        return ImportJob.objects.none()
    start, end = bounds(snapshot.period_start, snapshot.period_end)
    return ImportJob.objects.filter(
        client_id=snapshot.client_id,
        status=ImportStatus.DONE,
        dry_run=False,
        finished_at__gt=snapshot.built_at,
        period_start__lt=end,
        period_end__gte=start,
    ).order_by("-finished_at")


def mining_missing(snapshot: ReportSnapshot) -> bool:
    return not MiningRun.objects.filter(
        client_id=snapshot.client_id,
        status=MiningStatus.DONE,
        period_start=snapshot.period_start,
        period_end=snapshot.period_end,
    ).exists()


def call_months(client: ClientCompany) -> list[date]:
    """First days of the months in which the client has calls, newest first (at most two years)."""
    rows = CallRecord.objects.filter(client=client).order_by().aggregate(first=Min("started_at"))
    if rows["first"] is None:
        return []

    first = rows["first"].astimezone(SEOUL).date().replace(day=1)
    month = timezone.localdate().replace(day=1)
    months: list[date] = []
    while month >= first and len(months) < 24:
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return months


# --- Management dashboards ------------------------------------------------------------------------
def can_see_dashboards(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and (user.is_admin or user.role == Role.MANAGER)


@dataclass
class PersonRow:
    user: User
    week_minutes: int = 0
    week_overtime_minutes: int = 0
    week_pending_minutes: int = 0
    month_overtime_minutes: int = 0
    night_or_holiday: int = 0
    on_time: int = 0
    late: int = 0
    unreported: int = 0
    pending_requests: int = 0
    abusive_calls: int = 0
    loans: int = 0
    reviews: int = 0
    votes: int = 0
    meeting: str = ""  # the RSVP to the month's book talk
    suggestions: int = 0
    suggestions_accepted: int = 0
    articles_published: int = 0

    @property
    def week_hours(self) -> float:
        return round(self.week_minutes / 60, 1)

    @property
    def week_overtime_hours(self) -> float:
        return round(self.week_overtime_minutes / 60, 1)

    @property
    def month_overtime_hours(self) -> float:
        return round(self.month_overtime_minutes / 60, 1)

    @property
    def limit_ratio(self) -> int:
        return min(100, round(100 * self.week_minutes / WEEK_TOTAL_CAP_MINUTES))

    @property
    def limit_state(self) -> str:
        """ok under 48 h, warn up to 52 h, over above it."""
        if self.week_minutes > WEEK_TOTAL_CAP_MINUTES:
            return "over"
        if self.week_minutes >= WEEK_TOTAL_CAP_MINUTES - 4 * 60:
            return "warn"
        return "ok"

    @property
    def compliance(self) -> int | None:
        reported = self.on_time + self.late
        return round(100 * self.on_time / reported) if reported else None

    @property
    def attending(self) -> bool:
        return self.meeting == RsvpStatus.GOING


@dataclass
class GroupRow:
    """People rolled up (a team, or the company)."""

    label: str
    key: str = ""
    people: int = 0
    rows: list[PersonRow] = field(default_factory=list)

    def _sum(self, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.rows)

    def __getattr__(self, name: str) -> int:
        if name.startswith("total_"):
            return self._sum(name.removeprefix("total_"))
        raise AttributeError(name)

    @property
    def month_overtime_hours(self) -> float:
        return round(self._sum("month_overtime_minutes") / 60, 1)

    @property
    def avg_week_hours(self) -> float:
        return round(self._sum("week_minutes") / 60 / len(self.rows), 1) if self.rows else 0.0

    @property
    def over_limit(self) -> int:
        return sum(1 for r in self.rows if r.limit_state == "over")

    @property
    def near_limit(self) -> int:
        return sum(1 for r in self.rows if r.limit_state == "warn")

    @property
    def compliance(self) -> int | None:
        on_time, late = self._sum("on_time"), self._sum("late")
        return round(100 * on_time / (on_time + late)) if on_time + late else None

    @property
    def attending(self) -> int:
        return sum(1 for r in self.rows if r.attending)


def dashboard_people(user: User, *, team: Team | None = None) -> QuerySet[User]:
    """Managers: the members of their teams. Admins: everyone in a team (or one team)."""
    people = wb.team_members_for(user)
    if team is not None:
        people = people.filter(team=team)
    return people


def _compliance(people: list[User], days: list[date]) -> dict[int, dict[str, int]]:
    """Shutdown compliance per person over past working days: on time, late, no report from the PC."""
    today = local_today()
    days = [d for d in days if d < today]
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"on_time": 0, "late": 0, "unreported": 0})
    if not days or not people:
        return out
    plans = wb.shutdown_plans(users=people, dates=days)
    start, end = bounds(days[0], days[-1])
    first_shutdown = {
        (r["device__user_id"], r["day"] if isinstance(r["day"], date) else date.fromisoformat(r["day"])): r[
            "first"
        ]
        for r in DeviceEvent.objects.filter(
            device__user__in=people,
            kind=DeviceEventKind.SHUTDOWN,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .order_by()
        .annotate(day=TruncDate("occurred_at", tzinfo=SEOUL))
        .values("device__user_id", "day")
        .annotate(first=Min("occurred_at"))
    }
    with_device = set(
        DeviceEvent.objects.filter(device__user__in=people)
        .order_by()
        .values_list("device__user_id", flat=True)
        .distinct()
    )
    for (uid, day), plan in plans.items():
        if plan.shutdown_at is None or uid not in with_device:
            continue
        event = first_shutdown.get((uid, day))
        if event is None:
            out[uid]["unreported"] += 1
        elif event > plan.shutdown_at + timedelta(minutes=plan.grace_minutes + 2):
            out[uid]["late"] += 1
        else:
            out[uid]["on_time"] += 1
    return out


def _counts(qs: QuerySet[Any], key: str) -> dict[int, int]:
    return dict(qs.order_by().values(key).annotate(n=Count("id")).values_list(key, "n"))


def people_rows(people: list[User], *, month: date, today: date | None = None) -> list[PersonRow]:
    """One row per person: hours, shutdown, requests, care, book club and knowledge for a month.

    A fixed number of grouped queries whatever the number of people."""
    today = today or local_today()
    month_start, month_end = month, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = bounds(month_start, month_end)
    ids = [p.pk for p in people]
    rows = {p.pk: PersonRow(user=p) for p in people}
    if not people:
        return []

    # The week: the current one, or the month's last week for a past month.
    week = week_days(min(today, month_end))
    plans = wb.shutdown_plans(users=people, dates=week)
    for (uid, _day), plan in plans.items():
        row = rows[uid]
        row.week_minutes += plan.scheduled_minutes
        ot = plan.overtime
        if ot is not None and ot.state == RequestState.APPROVED:
            row.week_minutes += ot.minutes
            row.week_overtime_minutes += ot.minutes
        elif ot is not None:
            row.week_pending_minutes += ot.minutes

    approved = OvertimeRequest.objects.filter(
        user_id__in=ids, state=RequestState.APPROVED, date__range=(month_start, month_end)
    ).order_by()
    for uid, minutes, flagged in (
        approved.values("user_id")
        .annotate(m=Sum("minutes"), f=Count("id", filter=Q(is_night=True) | Q(is_holiday=True)))
        .values_list("user_id", "m", "f")
    ):
        rows[uid].month_overtime_minutes = minutes or 0
        rows[uid].night_or_holiday = flagged

    month_days = [month_start + timedelta(days=i) for i in range((month_end - month_start).days + 1)]
    for uid, tally in _compliance(people, month_days).items():
        rows[uid].on_time, rows[uid].late, rows[uid].unreported = (
            tally["on_time"],
            tally["late"],
            tally["unreported"],
        )

    pending = _counts(
        OvertimeRequest.objects.filter(user_id__in=ids, state=RequestState.SUBMITTED), "user_id"
    )
    for uid, n in _counts(
        FlexibleScheduleRequest.objects.filter(user_id__in=ids, state=RequestState.SUBMITTED), "user_id"
    ).items():
        pending[uid] = pending.get(uid, 0) + n
    counters = {
        "pending_requests": pending,
        "abusive_calls": _counts(
            AbusiveCallReport.objects.filter(user_id__in=ids, occurred_at__gte=start, occurred_at__lt=end),
            "user_id",
        ),
        "loans": _counts(
            Loan.objects.filter(borrower_id__in=ids, borrowed_at__gte=start, borrowed_at__lt=end),
            "borrower_id",
        ),
        "reviews": _counts(
            Review.objects.filter(
                author_id__in=ids,
                status=ReviewStatus.PUBLISHED,
                published_at__gte=start,
                published_at__lt=end,
            ),
            "author_id",
        ),
        "suggestions": _counts(
            ArticleSuggestion.objects.filter(author_id__in=ids, created_at__gte=start, created_at__lt=end),
            "author_id",
        ),
        "suggestions_accepted": _counts(
            ArticleSuggestion.objects.filter(
                author_id__in=ids,
                status=SuggestionStatus.ACCEPTED,
                reviewed_at__gte=start,
                reviewed_at__lt=end,
            ),
            "author_id",
        ),
        "articles_published": _counts(
            Article.objects.filter(created_by_id__in=ids, published_at__gte=start, published_at__lt=end),
            "created_by_id",
        ),
    }
    votes = _counts(
        Rating.objects.filter(voter_id__in=ids, created_at__gte=start, created_at__lt=end), "voter_id"
    )
    for uid, n in _counts(
        ProposalVote.objects.filter(voter_id__in=ids, created_at__gte=start, created_at__lt=end), "voter_id"
    ).items():
        votes[uid] = votes.get(uid, 0) + n
    counters["votes"] = votes
    for attr, values in counters.items():
        for uid, n in values.items():
            setattr(rows[uid], attr, n)
    meeting = Meeting.objects.filter(month=month_start).first()
    if meeting is not None:
        for uid, status in Rsvp.objects.filter(meeting=meeting, user_id__in=ids).values_list(
            "user_id", "status"
        ):
            rows[uid].meeting = status
    return [rows[p.pk] for p in people]


def team_groups(rows: list[PersonRow]) -> list[GroupRow]:
    groups: dict[int, GroupRow] = {}
    for row in rows:
        team = row.user.team
        assert team is not None  # the dashboards list the members of teams
        group = groups.setdefault(team.pk, GroupRow(label=team.name, key=str(team.pk)))
        group.rows.append(row)
        group.people += 1
    return sorted(groups.values(), key=lambda g: g.label)


@dataclass
class ClientRollup:
    client: ClientCompany
    calls: int = 0
    abusive_calls: int = 0
    suggestions: int = 0
    articles_published: int = 0
    agents: int = 0
    snapshot: ReportSnapshot | None = None

    @property
    def coverage(self) -> float | None:
        if self.snapshot is None:
            return None
        rate = (self.snapshot.summary or {}).get("coverage")
        return None if rate is None else round(rate * 100, 1)


def client_rollup(user: User, *, month: date) -> list[ClientRollup]:
    """Admins' company view by client: calls, abusive calls, manual work and the month's report."""
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = bounds(month, month_end)
    clients = list(visible_clients(user).filter(active=True).order_by("name"))
    ids = [c.pk for c in clients]
    calls = _counts(
        CallRecord.objects.filter(client_id__in=ids, started_at__gte=start, started_at__lt=end), "client_id"
    )
    abuse = _counts(
        AbusiveCallReport.objects.filter(client_id__in=ids, occurred_at__gte=start, occurred_at__lt=end),
        "client_id",
    )
    suggestions = _counts(
        ArticleSuggestion.objects.filter(
            article__client_id__in=ids, created_at__gte=start, created_at__lt=end
        ),
        "article__client_id",
    )
    published = _counts(
        Article.objects.filter(client_id__in=ids, published_at__gte=start, published_at__lt=end), "client_id"
    )
    agents = dict(
        User.objects.filter(assignments__client_id__in=ids, is_active=True)
        .order_by()
        .values("assignments__client_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("assignments__client_id", "n")
    )
    # The latest ready report up to this month (a month's report exists only once the month is over).
    snapshots: dict[int, ReportSnapshot] = {}
    for snap in (
        ReportSnapshot.objects.filter(
            client_id__in=ids, period_end__lte=month_end, status=SnapshotStatus.DONE
        )
        .defer("figures")
        .order_by("client_id", "-period_end", "-period_start")
    ):
        snapshots.setdefault(snap.client_id, snap)
    return [
        ClientRollup(
            client=c,
            calls=calls.get(c.pk, 0),
            abusive_calls=abuse.get(c.pk, 0),
            suggestions=suggestions.get(c.pk, 0),
            articles_published=published.get(c.pk, 0),
            agents=agents.get(c.pk, 0),
            snapshot=snapshots.get(c.pk),
        )
        for c in clients
    ]


def teams_for(user: User) -> QuerySet[Team]:
    if user.is_admin:
        return Team.objects.order_by("name")
    return Team.objects.filter(manager=user).order_by("name")

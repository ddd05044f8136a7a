"""Management dashboards: the team view (managers) and the company view (admins), by hand."""

from __future__ import annotations

from datetime import date, time, timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from bookclub.models import Loan, Rating, Rsvp, RsvpStatus
from knowledge.models import ArticleSuggestion, SuggestionStatus
from reports import selectors
from tests.accounts.factories import UserFactory
from tests.bookclub.factories import CopyFactory, MeetingFactory, ReviewFactory
from tests.knowledge.factories import ArticleFactory
from tests.wellbeing.factories import AbuseFactory
from wellbeing.models import DeviceEvent, OvertimeRequest, RequestState
from wellbeing.selectors import shutdown_plan

from .factories import CallRecordFactory, kst

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)
MONDAY = date(2026, 11, 16)


@pytest.fixture
def clock():
    with time_machine.travel(kst(2026, 11, 18, 12, 0), tick=False) as traveller:  # Wednesday
        yield traveller


@pytest.fixture
def activity(org, clock):
    a, a2 = org["agent_a"], UserFactory(name="정하은", team=org["team_a"], clients=[org["client_a"]])
    b = org["agent_b"]
    # Overtime: a has 2 h approved on Monday (this week) and 1 h on 11-03 (this month); 1 h pending on Friday.
    for user, day, minutes, state in [
        (a, MONDAY, 120, RequestState.APPROVED),
        (a, date(2026, 11, 3), 60, RequestState.APPROVED),
        (a, date(2026, 11, 20), 60, RequestState.SUBMITTED),
        (b, MONDAY, 30, RequestState.APPROVED),
    ]:
        OvertimeRequest.objects.create(
            user=user, date=day, end_time=time(20, 0), reason="마감", state=state, minutes=minutes
        )
    # Abusive calls: a twice this month, once in October.
    AbuseFactory(user=a, client=org["client_a"], occurred_at=kst(2026, 11, 10, 11))
    AbuseFactory(user=a, client=org["client_a"], occurred_at=kst(2026, 11, 12, 11))
    AbuseFactory(user=a, client=org["client_a"], occurred_at=kst(2026, 10, 12, 11))
    # Book club: a borrowed once, wrote one review and rated a2's review; a2 voted too; a goes to the talk.
    copy = CopyFactory()
    Loan.objects.create(
        copy=copy, book=copy.book, borrower=a, borrowed_at=kst(2026, 11, 4, 10), due_date=date(2026, 11, 18)
    )
    ReviewFactory(author=a, month=NOV, published_at=kst(2026, 11, 9, 10))
    theirs = ReviewFactory(author=a2, month=NOV, published_at=kst(2026, 11, 9, 10))
    Rating.objects.create(review=theirs, voter=a, author=a2, stars=5)
    meeting = MeetingFactory(month=NOV, starts_at=kst(2026, 11, 25, 19))
    Rsvp.objects.create(meeting=meeting, user=a, status=RsvpStatus.GOING)
    Rsvp.objects.create(meeting=meeting, user=a2, status=RsvpStatus.NOT_GOING)
    # Knowledge: a suggested two edits (one accepted) and wrote one article published this month.
    article = ArticleFactory(client=org["client_a"], created_by=a, published_at=kst(2026, 11, 5, 10))
    ArticleSuggestion.objects.create(article=article, author=a, title="x", created_at=kst(2026, 11, 6, 10))
    ArticleSuggestion.objects.create(
        article=article,
        author=a,
        title="y",
        status=SuggestionStatus.ACCEPTED,
        created_at=kst(2026, 11, 7, 10),
        reviewed_at=kst(2026, 11, 8, 10),
    )
    CallRecordFactory(client=org["client_a"], started_at=kst(2026, 11, 10, 10))
    CallRecordFactory(client=org["client_a"], started_at=kst(2026, 11, 11, 10))
    CallRecordFactory(client=org["client_b"], started_at=kst(2026, 11, 11, 10))
    return {"a": a, "a2": a2, "b": b}


def _week_minutes(user) -> int:
    return sum(shutdown_plan(user=user, on=MONDAY + timedelta(days=i)).scheduled_minutes for i in range(7))


def test_person_rows_by_hand(activity, org):
    a = activity["a"]
    rows = {r.user: r for r in selectors.people_rows([a, activity["a2"]], month=NOV)}
    row = rows[a]
    assert row.week_overtime_minutes == 120
    assert row.week_minutes == _week_minutes(a) + 120
    assert row.week_pending_minutes == 60
    assert row.month_overtime_minutes == 180 and row.month_overtime_hours == 3.0
    assert row.pending_requests == 1
    assert row.abusive_calls == 2
    assert (row.loans, row.reviews, row.votes, row.meeting) == (1, 1, 1, RsvpStatus.GOING)
    assert (row.suggestions, row.suggestions_accepted, row.articles_published) == (2, 1, 1)
    other = rows[activity["a2"]]
    assert (other.reviews, other.votes, other.meeting, other.abusive_calls) == (1, 0, RsvpStatus.NOT_GOING, 0)


def test_52_hour_state(activity):
    row = selectors.PersonRow(user=activity["a"], week_minutes=52 * 60 + 1)
    assert row.limit_state == "over" and row.limit_ratio == 100
    assert selectors.PersonRow(user=activity["a"], week_minutes=49 * 60).limit_state == "warn"
    assert selectors.PersonRow(user=activity["a"], week_minutes=40 * 60).limit_state == "ok"


def test_shutdown_compliance_counts_past_days_with_a_pc_agent(activity, org):
    from wellbeing.models import Device

    a = activity["a"]
    device = Device.objects.create(
        user=a, name="PC", token_hash="t1", token_expires_at=kst(2026, 12, 1), registered_at=kst(2026, 11, 1)
    )
    plan_mon = shutdown_plan(user=a, on=MONDAY)  # 2 h overtime approved: later shutdown
    plan_tue = shutdown_plan(user=a, on=MONDAY + timedelta(days=1))
    DeviceEvent.objects.create(device=device, kind="shutdown", event_id="1", occurred_at=plan_mon.shutdown_at)
    DeviceEvent.objects.create(
        device=device, kind="shutdown", event_id="2", occurred_at=plan_tue.shutdown_at + timedelta(hours=1)
    )
    row = selectors.people_rows([a], month=NOV)[0]
    assert row.on_time == 1 and row.late == 1
    # Other working days of November before today (Wednesday 18th) have no shutdown report.
    assert row.unreported >= 1
    assert row.compliance == 50
    # Nobody without a PC agent is counted.
    assert selectors.people_rows([activity["a2"]], month=NOV)[0].compliance is None


def test_team_page_for_a_manager_shows_only_their_team(activity, org, as_user):
    response = as_user(org["manager_a"]).get(reverse("reports:team"), {"month": "2026-11"})
    assert response.status_code == HTTPStatus.OK
    names = [r.user.name for r in response.context["rows"]]
    assert sorted(names) == sorted(["김민지", "정하은"])
    page = response.content.decode()
    assert "이서준" not in page and 'data-testid="people"' in page


def test_team_page_refuses_agents_and_other_teams(activity, org, as_user):
    assert as_user(org["agent_a"]).get(reverse("reports:team")).status_code == HTTPStatus.FORBIDDEN
    response = as_user(org["manager_a"]).get(reverse("reports:team"), {"team": org["team_b"].pk})
    assert response.status_code == HTTPStatus.NOT_FOUND  # like a team that does not exist (issue 18)
    assert (
        as_user(org["manager_a"]).get(reverse("reports:team"), {"team": 99999}).status_code
        == HTTPStatus.NOT_FOUND
    )


def test_admin_team_page_can_pick_a_team(activity, org, as_user):
    response = as_user(org["admin_user"]).get(
        reverse("reports:team"), {"team": org["team_b"].pk, "month": "2026-11"}
    )
    assert [r.user.name for r in response.context["rows"]] == ["이서준"]


def test_company_page_is_for_admins(activity, org, as_user):
    for who in ("agent_a", "manager_a", "manager_b"):
        assert as_user(org[who]).get(reverse("reports:company")).status_code == HTTPStatus.FORBIDDEN
    response = as_user(org["admin_user"]).get(reverse("reports:company"), {"month": "2026-11"})
    assert response.status_code == HTTPStatus.OK
    groups = {g.label: g for g in response.context["groups"]}
    assert groups["상담1팀"].people == 2 and groups["상담2팀"].people == 1
    assert groups["상담1팀"].month_overtime_hours == 3.0 and groups["상담2팀"].month_overtime_hours == 0.5
    assert groups["상담1팀"].total_abusive_calls == 2 and groups["상담1팀"].total_reviews == 2
    assert groups["상담1팀"].attending == 1
    clients = {c.client.slug: c for c in response.context["clients"]}
    assert clients["hanbit-card"].calls == 2 and clients["nuri-telecom"].calls == 1
    assert clients["hanbit-card"].abusive_calls == 2 and clients["hanbit-card"].suggestions == 2
    assert clients["hanbit-card"].articles_published == 1 and clients["hanbit-card"].agents == 2


def test_dashboard_urls_refuse_anonymous(client):
    for name in ("reports:team", "reports:company"):
        response = client.get(reverse(name))
        assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


def test_bad_month_falls_back_to_this_month(activity, org, as_user):
    response = as_user(org["manager_a"]).get(reverse("reports:team"), {"month": "2026-99"})
    assert response.status_code == HTTPStatus.OK and response.context["month"] == NOV


def test_dashboard_queries_do_not_grow_with_people(activity, org, as_user, django_assert_max_num_queries):
    UserFactory.create_batch(15, team=org["team_a"], clients=[org["client_a"]])
    with django_assert_max_num_queries(60):
        as_user(org["manager_a"]).get(reverse("reports:team"), {"month": "2026-11"})


def test_company_view_links_each_clients_latest_report(activity, org, as_user):
    from reports.models import ReportSnapshot, SnapshotStatus

    oct_ = ReportSnapshot.objects.create(
        client=org["client_a"],
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        status=SnapshotStatus.DONE,
        summary={"calls": 10, "aht": 100.0, "coverage": 0.75, "findings": 1},
    )
    ReportSnapshot.objects.create(
        client=org["client_a"], period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)
    )  # still queued: not shown
    rollup = {c.client.slug: c for c in selectors.client_rollup(org["admin_user"], month=NOV)}
    assert rollup["hanbit-card"].snapshot == oct_ and rollup["hanbit-card"].coverage == 75.0
    assert rollup["nuri-telecom"].snapshot is None and rollup["nuri-telecom"].coverage is None

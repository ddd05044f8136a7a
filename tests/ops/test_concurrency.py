"""Many threads at once against PostgreSQL, each on its own connection: the races the single-pair
tests in tests/bookclub and tests/wellbeing do not cover leave exactly the allowed rows.

(Covered there already: two borrowers of the last copy, concurrent star ratings, two managers
deciding one request, two dispatcher workers.)
"""

from __future__ import annotations

import threading
from datetime import time, timedelta
from itertools import pairwise

import pytest
import time_machine
from django.db import connection

from bookclub import services as club
from bookclub.models import Hold, Proposal, ProposalVote
from bookclub.months import current_month, next_month
from tests.accounts.factories import AdminFactory, ManagerFactory, TeamFactory, UserFactory
from tests.bookclub.factories import BookFactory
from tests.wellbeing.conftest import MONDAY, seoul
from wellbeing import services as wb
from wellbeing.models import OvertimeRequest, RequestState, Transition

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises every write, so there is no real race to test",
    ),
]


def at_once(jobs) -> list[str]:
    """Run every job in its own thread, released together; returns "ok" or the error's class name."""
    barrier = threading.Barrier(len(jobs))
    results: list[str] = []

    def run(job):
        from django.db import connection as conn

        try:
            barrier.wait()
            job()
            results.append("ok")
        except Exception as exc:  # what each caller would have seen
            results.append(type(exc).__name__)
        finally:
            conn.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_many_votes_and_double_clicks_on_a_proposal_leave_one_vote_per_person():
    proposer = UserFactory()
    proposal = Proposal.objects.create(
        month=next_month(current_month()), title="제안", reason="함께 읽어요", proposer=proposer
    )
    voters = UserFactory.create_batch(10)
    # Each voter clicks once; three of them double-click (two toggles at once).
    jobs = [lambda v=v: club.proposal_vote_toggle(proposal=proposal, voter=v) for v in voters]
    jobs += [lambda v=v: club.proposal_vote_toggle(proposal=proposal, voter=v) for v in voters[:3]]
    assert at_once(jobs).count("ok") == len(jobs)
    counts = {v.pk: ProposalVote.objects.filter(proposal=proposal, voter=v).count() for v in voters}
    assert all(n <= 1 for n in counts.values())
    assert sum(counts.values()) >= 7  # the seven single clicks are all votes


def test_many_people_joining_the_waiting_list_at_once_get_one_place_each():
    book = BookFactory()  # no copies: everyone must wait
    people = UserFactory.create_batch(8)
    jobs = [lambda p=p: club.hold_place(book=book, user=p) for p in people]
    jobs += [lambda p=p: club.hold_place(book=book, user=p) for p in people[:4]]  # two tabs each
    results = at_once(jobs)
    assert results.count("ok") == 8 and results.count("RuleError") == 4
    assert sorted(Hold.objects.filter(book=book).values_list("user_id", flat=True)) == sorted(
        p.pk for p in people
    )


def _team():
    manager = ManagerFactory()
    team = TeamFactory(manager=manager)
    return manager, UserFactory(team=team)


def test_one_agent_filing_from_several_tabs_gets_one_request_per_day_and_stays_under_the_weekly_cap():
    _manager, agent = _team()
    with time_machine.travel(seoul(MONDAY, 9, 0), tick=True):
        same_day = [
            lambda: wb.overtime_submit(user=agent, day=MONDAY, end_time=time(21, 0), reason="마감")
            for _i in range(6)
        ]
        assert at_once(same_day).count("ok") == 1
        # Four more days at 4 h each: alone each fits, together they pass 12 h in the week.
        days = [MONDAY + timedelta(days=i) for i in range(1, 5)]
        week = [
            lambda d=d: wb.overtime_submit(user=agent, day=d, end_time=time(22, 0), reason="마감")
            for d in days
        ]
        at_once(week)
    minutes = sum(
        OvertimeRequest.objects.filter(user=agent, state=RequestState.SUBMITTED).values_list(
            "minutes", flat=True
        )
    )
    assert OvertimeRequest.objects.filter(user=agent, date=MONDAY).count() == 1
    assert minutes <= 12 * 60


def test_every_decider_at_once_leaves_one_decision():
    manager, agent = _team()
    admin, other_admin = AdminFactory(), AdminFactory()
    with time_machine.travel(seoul(MONDAY, 17, 0), tick=True):
        req = wb.overtime_submit(user=agent, day=MONDAY, end_time=time(20, 0), reason="마감")
        jobs = [
            lambda: wb.overtime_approve(request_id=req.pk, by=manager),
            lambda: wb.overtime_approve(request_id=req.pk, by=admin),
            lambda: wb.overtime_reject(request_id=req.pk, by=other_admin, comment="안 됨"),
            lambda: wb.overtime_reject(request_id=req.pk, by=manager, comment="안 됨"),
            lambda: wb.overtime_approve(request_id=req.pk, by=other_admin),
            lambda: wb.overtime_approve(request_id=req.pk, by=manager),
        ]
        results = at_once(jobs)
    assert sorted(results) == ["DecisionConflict"] * 5 + ["ok"], results
    assert Transition.objects.filter(overtime=req).exclude(to_state="submitted").count() == 1


def test_the_agent_cancelling_while_managers_decide_leaves_a_consistent_history():
    manager, agent = _team()
    admin = AdminFactory()
    with time_machine.travel(seoul(MONDAY, 17, 0), tick=True):
        req = wb.overtime_submit(user=agent, day=MONDAY, end_time=time(20, 0), reason="마감")
        at_once(
            [
                lambda: wb.overtime_cancel(request_id=req.pk, by=agent),
                lambda: wb.overtime_approve(request_id=req.pk, by=manager),
                lambda: wb.overtime_reject(request_id=req.pk, by=admin, comment="안 됨"),
            ]
        )
    req.refresh_from_db()
    history = list(
        Transition.objects.filter(overtime=req).order_by("pk").values_list("from_state", "to_state")
    )
    # Each step starts where the previous one ended, and at most one decision was taken.
    assert history[0] == ("", "submitted")
    assert all(prev[1] == nxt[0] for prev, nxt in pairwise(history))
    assert history[-1][1] == req.state
    assert sum(1 for _f, to in history if to in ("approved", "rejected")) <= 1

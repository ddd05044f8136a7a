"""Proposals and votes on them, meeting notes, the loan pages, and the demo data."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditEvent
from bookclub import services
from bookclub.isbn import normalize_isbn
from bookclub.models import (
    Award,
    Book,
    Hold,
    Loan,
    Meeting,
    MonthlyPick,
    MonthResult,
    Proposal,
    ProposalVote,
    Review,
)
from bookclub.months import current_month, next_month, previous_month

from .factories import MeetingFactory, book_with_copies

pytestmark = pytest.mark.django_db


def test_propose_vote_and_take_the_vote_back(as_user, org):
    c = as_user(org["agent_a"])
    month = f"{next_month(current_month()):%Y-%m}"
    c.post(
        reverse("bookclub:proposals"),
        {"month": month, "title": "비폭력대화", "isbn": "978-89-6529-012-4", "reason": "폭언 대응에 도움"},
    )
    proposal = Proposal.objects.get()
    assert proposal.isbn13 == "9788965290124" and proposal.proposer == org["agent_a"]
    for who in ("agent_a", "agent_b", "manager_b"):
        as_user(org[who]).post(reverse("bookclub:proposal_vote", args=[proposal.pk]))
    assert ProposalVote.objects.filter(proposal=proposal).count() == 3
    as_user(org["agent_b"]).post(reverse("bookclub:proposal_vote", args=[proposal.pk]))
    assert ProposalVote.objects.filter(proposal=proposal).count() == 2
    page = as_user(org["agent_a"]).get(reverse("bookclub:proposals"))
    assert [
        (p.title, p.n_votes, p.voted) for _m, _pick, items in page.context["by_month"] for p in items
    ] == [("비폭력대화", 2, True)]


def test_the_database_allows_one_vote_per_person_per_proposal(org):
    proposal = services.proposal_create(
        by=org["agent_a"], month=next_month(current_month()), title="아몬드", reason="공감에 대해"
    )
    ProposalVote.objects.create(proposal=proposal, voter=org["agent_b"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalVote.objects.create(proposal=proposal, voter=org["agent_b"])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"isbn": "9788965290125"}, "isbn", "This ISBN-13 has a wrong check digit."),
        ({"reason": ""}, "reason", "This field is required."),
        ({"month": "2020-01"}, "month", "Select a valid choice."),
    ],
)
def test_bad_proposals_are_refused_and_nothing_stored(as_user, org, changes, field, message):
    data = {
        "month": f"{next_month(current_month()):%Y-%m}",
        "title": "비폭력대화",
        "reason": "추천",
        **changes,
    }
    response = as_user(org["agent_a"]).post(reverse("bookclub:proposals"), data)
    assert message in " ".join(response.context["form"].errors[field])
    assert not Proposal.objects.exists()


def test_confirming_a_pick_is_audited(org):
    book = book_with_copies(1)
    pick = services.pick_confirm(
        by=org["admin_user"], month=next_month(current_month()), book=book, copies=5, why="모두 함께"
    )
    assert book.copies.count() == 5
    event = AuditEvent.objects.get(action="bookclub.pick.confirm")
    assert event.actor == org["admin_user"] and event.target_id == str(pick.pk) and event.data["copies"] == 5
    with pytest.raises(services.NotAllowed):
        services.pick_confirm(by=org["manager_a"], month=next_month(current_month()), book=book, copies=1)


def test_only_librarians_write_meeting_notes(as_user, org, librarian):
    meeting = MeetingFactory()
    url = reverse("bookclub:meeting_notes", args=[meeting.pk])
    assert as_user(org["agent_a"]).post(url, {"notes": "몰래 쓴 기록"}).status_code == HTTPStatus.FORBIDDEN
    as_user(librarian).post(url, {"notes": "## 나눈 이야기\n- **경청**"})
    meeting.refresh_from_db()
    assert meeting.notes.startswith("## 나눈 이야기")
    page = as_user(org["agent_a"]).get(meeting.get_absolute_url()).content.decode()
    assert "<strong>경청</strong>" in page


def test_loan_pages_renew_return_and_refuse_others(as_user, org):
    book = book_with_copies(1)
    loan = services.loan_borrow(book=book, borrower=org["agent_a"])
    assert as_user(org["agent_b"]).post(reverse("bookclub:loan_renew", args=[loan.pk])).status_code == 404
    assert as_user(org["agent_b"]).post(reverse("bookclub:loan_return", args=[loan.pk])).status_code == 404
    c = as_user(org["agent_a"])
    assert (
        "Renewed: now due"
        in c.post(reverse("bookclub:loan_renew", args=[loan.pk]), follow=True).content.decode()
    )
    hold = services.hold_place(book=book, user=org["agent_b"])
    assert (
        "cannot be renewed"
        in c.post(reverse("bookclub:loan_renew", args=[loan.pk]), follow=True).content.decode()
    )
    assert as_user(org["manager_a"]).post(reverse("bookclub:hold_cancel", args=[hold.pk])).status_code == 404
    # as_user shares one test client: sign the borrower back in before returning.
    as_user(org["agent_a"]).post(reverse("bookclub:loan_return", args=[loan.pk]))
    loan.refresh_from_db()
    hold.refresh_from_db()
    assert loan.returned_at is not None and hold.status == "ready"
    page = as_user(org["agent_b"]).get(reverse("bookclub:book", args=[book.pk])).content.decode()
    assert "Pick up my held copy" in page


def test_librarian_lends_at_the_desk_and_bad_input_is_refused(as_user, org, librarian):
    book = book_with_copies(1)
    c = as_user(librarian)
    c.post(reverse("bookclub:desk"), {"borrower": org["agent_b"].pk, "book": book.pk})
    assert Loan.objects.get().lent_by == librarian
    response = c.post(reverse("bookclub:desk"), {"borrower": org["agent_a"].pk, "book": book.pk})
    assert "No copy is free" in " ".join(response.context["form"].non_field_errors())
    response = c.post(reverse("bookclub:desk"), {"borrower": 999999, "book": book.pk})
    assert "Select a valid choice." in " ".join(response.context["form"].errors["borrower"])
    assert Loan.objects.count() == 1
    assert not Hold.objects.exists()


def test_copies_page_is_for_librarians(as_user, org, librarian):
    book = book_with_copies(1)
    url = reverse("bookclub:copies_add", args=[book.pk])
    assert as_user(org["agent_a"]).post(url, {"count": 3}).status_code == HTTPStatus.FORBIDDEN
    as_user(librarian).post(url, {"count": 3})
    as_user(librarian).post(url, {"count": 0})
    assert book.copies.count() == 4


def test_demo_data_is_idempotent_and_complete(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    counts = [
        m.objects.count() for m in (Book, MonthlyPick, Review, Loan, Meeting, Proposal, MonthResult, Award)
    ]
    call_command("seed_demo", verbosity=0)
    assert counts == [
        m.objects.count() for m in (Book, MonthlyPick, Review, Loan, Meeting, Proposal, MonthResult, Award)
    ]
    assert all(normalize_isbn(isbn) == isbn for isbn in Book.objects.values_list("isbn13", flat=True))
    assert MonthlyPick.objects.count() == 3
    last = previous_month(current_month())
    closed = MonthResult.objects.filter(month=last).first()
    if closed is not None:  # the last month is closed once its window (to the 5th) has passed
        assert closed.awards.count() == 3
    assert MonthResult.objects.filter(month=previous_month(last)).get().awards.count() == 3

"""Book club pages. Thin: parse input, call one service or selector, render."""

from __future__ import annotations

import mimetypes
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from accounts.requests import AuthenticatedHttpRequest
from core.errors import shown

from . import forms, selectors, services
from .models import Award, Book, Hold, Loan, Meeting, Proposal, Review, RsvpStatus
from .months import current_month, parse_month, previous_month
from .permissions import is_club_admin, is_librarian


def librarian_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_librarian(request.user):
            raise PermissionDenied(_("Only librarians can open the library desk."))
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_club_admin(request.user):
            raise PermissionDenied(_("Only administrators can do this."))
        return view(request, *args, **kwargs)

    return wrapper


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback)


# --- Home, catalogue, books -------------------------------------------------------------------
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    pick, open_votes = selectors.pick_and_open_votes(with_availability=True)
    month = current_month()
    meeting, rsvp = selectors.next_meeting_with_rsvp(user)
    loans = list(selectors.loans_for(user))
    holds = list(selectors.holds_for(user))
    last_result, last_awards = selectors.latest_awards()
    context = {
        "pick": pick,
        "pick_availability": selectors.pick_availability(pick) if pick else None,
        "pick_state": selectors.book_state_from(pick.book, loans=loans, holds=holds) if pick else None,
        "meeting": meeting,
        "rsvp": rsvp,
        "latest_reviews": selectors.latest_reviews(6),
        "loans": loans,
        "holds": holds,
        "open_votes": open_votes,
        "month": month,
        "last_result": last_result,
        "last_awards": last_awards,
        "today": timezone.localdate(),
        "now": timezone.now(),
        "is_librarian": is_librarian(user),
        "loan_days": settings.BOOKCLUB_LOAN_DAYS,
    }
    return render(request, "bookclub/home.html", context)


@login_required
def library(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    available = request.GET.get("available") == "1"
    page = Paginator(selectors.catalogue(query=query, available_only=available), 24).get_page(
        request.GET.get("page")
    )
    template = "bookclub/_library_results.html" if request.htmx else "bookclub/library.html"
    return render(
        request,
        template,
        {"page": page, "query": query, "available": available, "is_librarian": is_librarian(request.user)},
    )


@login_required
def book_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    book = get_object_or_404(Book, pk=pk)
    context = {
        "book": book,
        "availability": selectors.availability(book),
        "state": selectors.book_state_for(request.user, book),
        "copies": book.copies.all(),
        "picks": book.picks.order_by("-month"),
        "reviews": selectors.visible_reviews(request.user).filter(book=book, status="published")[:10],
        "is_librarian": is_librarian(request.user),
        "copies_form": forms.CopiesForm(),
        "loan_days": settings.BOOKCLUB_LOAN_DAYS,
    }
    return render(request, "bookclub/book_detail.html", context)


@login_required
def book_cover(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Covers live under MEDIA_ROOT, outside the web root; only signed-in staff get them."""
    book = get_object_or_404(Book, pk=pk)
    if not book.cover:
        raise Http404
    try:
        handle = book.cover.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(book.cover.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _book_form_view(request: AuthenticatedHttpRequest, book: Book | None) -> HttpResponse:
    initial = {}
    if book is not None:
        initial = {
            "title": book.title,
            "authors": book.authors,
            "publisher": book.publisher,
            "year": book.year,
            "isbn": book.isbn13,
            "description": book.description,
        }
    form = forms.BookForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "by": request.user,
            "title": data["title"],
            "authors": data["authors"],
            "isbn": data["isbn"],
            "publisher": data["publisher"],
            "year": data["year"],
            "description": data["description"],
            "cover": data["cover"],
        }
        with shown(request, form=form):
            book = services.book_update(book=book, **fields) if book else services.book_create(**fields)
            messages.success(request, _("Saved “%(title)s”.") % {"title": book.title})
            return redirect(book)
    return render(request, "bookclub/book_form.html", {"form": form, "book": book})


@librarian_required
def book_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _book_form_view(request, None)


@librarian_required
def book_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _book_form_view(request, get_object_or_404(Book, pk=pk))


@librarian_required
@require_POST
def copies_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    book = get_object_or_404(Book, pk=pk)
    form = forms.CopiesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Copies to add: enter a number from 1 to 200."))
        return redirect(book)
    copies = services.copies_add(book=book, count=form.cleaned_data["count"], by=request.user)
    messages.success(request, _("%(n)s copies added.") % {"n": len(copies)})
    return redirect(book)


# --- Loans and holds --------------------------------------------------------------------------
@login_required
@require_POST
def book_borrow(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    book = get_object_or_404(Book, pk=pk)
    with shown(request):
        loan = services.loan_borrow(book=book, borrower=request.user)
        messages.success(
            request,
            _("Borrowed copy %(barcode)s. Please return it by %(due)s.")
            % {"barcode": loan.copy.barcode, "due": loan.due_date.isoformat()},
        )
    return _back(request, book.get_absolute_url())


@login_required
@require_POST
def book_hold(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    book = get_object_or_404(Book, pk=pk)
    with shown(request):
        services.hold_place(book=book, user=request.user)
        messages.success(request, _("You are on the waiting list. We will tell you when a copy is ready."))
    return _back(request, book.get_absolute_url())


@login_required
@require_POST
def hold_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(Hold, pk=pk)
    with shown(request, not_allowed_as_404=True):  # someone else's hold does not exist for you
        services.hold_cancel(hold=hold, by=request.user)
        messages.success(request, _("You left the waiting list."))
    return _back(request, reverse("bookclub:loans"))


@login_required
def my_loans(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "bookclub/loans.html",
        {
            "loans": selectors.loans_for(user),
            "history": selectors.loans_for(user, active=False)[:20],
            "holds": selectors.holds_for(user),
            "today": timezone.localdate(),
            "max_renewals": settings.BOOKCLUB_MAX_RENEWALS,
        },
    )


@login_required
@require_POST
def loan_renew(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    loan = get_object_or_404(Loan, pk=pk)
    with shown(request, not_allowed_as_404=True):  # someone else's loan does not exist for you
        loan = services.loan_renew(loan=loan, by=request.user)
        messages.success(request, _("Renewed: now due %(due)s.") % {"due": loan.due_date.isoformat()})
    return _back(request, reverse("bookclub:loans"))


@login_required
@require_POST
def loan_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    loan = get_object_or_404(Loan, pk=pk)
    with shown(request, not_allowed_as_404=True):
        services.loan_return(loan=loan, by=request.user)
        messages.success(request, _("Returned. Thank you!"))
    return _back(request, reverse("bookclub:loans"))


@librarian_required
def desk(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.LendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown(request, form=form):
            loan = services.loan_borrow(
                book=form.cleaned_data["book"], borrower=form.cleaned_data["borrower"], by=request.user
            )
            messages.success(
                request,
                _("Lent %(barcode)s to %(name)s, due %(due)s.")
                % {
                    "barcode": loan.copy.barcode,
                    "name": loan.borrower.name,
                    "due": loan.due_date.isoformat(),
                },
            )
            return redirect("bookclub:desk")
    query = request.GET.get("q", "")
    return render(
        request,
        "bookclub/desk.html",
        {
            "form": form,
            "loans": selectors.desk_loans(query=query),
            "holds": selectors.desk_holds(),
            "query": query,
            "today": timezone.localdate(),
        },
    )


# --- Proposals --------------------------------------------------------------------------------
@login_required
def proposals(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown(request, form=form):
            services.proposal_create(
                by=request.user,
                month=data["month"],
                title=data["title"],
                authors=data["authors"],
                isbn=data["isbn"],
                reason=data["reason"],
            )
            messages.success(request, _("Thank you! Your proposal is up for votes."))
            return redirect("bookclub:proposals")
    months = forms.coming_months()
    items = list(selectors.proposals(request.user, months=months))
    picks = {p.month: p for p in selectors.picks().filter(month__in=months)}
    by_month = [(m, picks.get(m), [p for p in items if p.month == m]) for m in months]
    return render(
        request,
        "bookclub/proposals.html",
        {
            "form": form,
            "by_month": by_month,
            "is_admin": is_club_admin(request.user),
            "confirm_form": forms.PickConfirmForm(),
        },
    )


@login_required
@require_POST
def proposal_vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    voted = services.proposal_vote_toggle(proposal=proposal, voter=request.user)
    messages.success(request, _("Vote recorded.") if voted else _("Vote withdrawn."))
    return redirect(f"{reverse('bookclub:proposals')}#proposal-{proposal.pk}")


@admin_required
@require_POST
def proposal_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    form = forms.PickConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Copies to stock: enter a number from 0 to 200."))
        return redirect("bookclub:proposals")
    with shown(request):
        pick = services.pick_confirm(
            by=request.user,
            month=proposal.month,
            proposal=proposal,
            copies=form.cleaned_data["copies"],
            why=form.cleaned_data["why"],
        )
        messages.success(
            request,
            _("“%(title)s” is the pick for %(month)s.") % {"title": pick.book.title, "month": pick.label},
        )
    return redirect("bookclub:proposals")


# --- Meetings ---------------------------------------------------------------------------------
@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    pick = selectors.picks().filter(month=meeting.month).first()
    return render(
        request,
        "bookclub/meeting.html",
        {
            "meeting": meeting,
            "pick": pick,
            "rsvp": selectors.rsvp_summary(meeting, request.user),
            "attendees": selectors.attendees(meeting),
            "is_librarian": is_librarian(request.user),
            "notes_form": forms.NotesForm(initial={"notes": meeting.notes}),
            "past": meeting.starts_at <= timezone.now(),
            "choices": RsvpStatus.choices,
        },
    )


@login_required
@require_POST
def meeting_rsvp(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    with shown(request):
        rsvp = services.rsvp_set(meeting=meeting, user=request.user, status=request.POST.get("status", ""))
        messages.success(request, _("Your answer: %(answer)s") % {"answer": rsvp.get_status_display()})
    return _back(request, meeting.get_absolute_url())


def _meeting_form_view(request: AuthenticatedHttpRequest, meeting: Meeting | None) -> HttpResponse:
    initial = {}
    if meeting is not None:
        initial = {
            "month": f"{meeting.month:%Y-%m}",
            "title": meeting.title,
            "starts_at": timezone.localtime(meeting.starts_at),
            "place": meeting.place,
            "video_url": meeting.video_url,
            "capacity": meeting.capacity,
            "questions": meeting.questions,
        }
    form = forms.MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown(request, form=form):
            meeting = services.meeting_save(
                by=request.user,
                meeting=meeting,
                month=data["month"],
                title=data["title"],
                starts_at=data["starts_at"],
                place=data["place"],
                video_url=data["video_url"],
                capacity=data["capacity"],
                questions=data["questions"],
            )
            messages.success(request, _("Meeting saved."))
            return redirect(meeting)
    return render(request, "bookclub/meeting_form.html", {"form": form, "meeting": meeting})


@librarian_required
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _meeting_form_view(request, None)


@librarian_required
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_form_view(request, get_object_or_404(Meeting, pk=pk))


@librarian_required
@require_POST
def meeting_notes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = forms.NotesForm(request.POST)
    if form.is_valid():
        services.meeting_notes_update(meeting=meeting, by=request.user, notes=form.cleaned_data["notes"])
        messages.success(request, _("Notes saved."))
    return redirect(meeting)


# --- Reviews, comments and stars --------------------------------------------------------------
@login_required
def review_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    month = parse_month(request.GET.get("month")) or current_month()
    return render(
        request,
        "bookclub/reviews.html",
        {
            "month": month,
            "reviews": selectors.review_board(request.user, month=month),
            "months": selectors.review_months(),
            "voting": selectors.voting_state(month),
            "other_votes": [v for v in selectors.open_votes() if v["month"] != month],
            "drafts": selectors.my_drafts(request.user),
            "pick": selectors.picks().filter(month=month).first(),
            "result": selectors.result_for(month),
        },
    )


@login_required
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(selectors.visible_reviews(request.user), pk=pk)
    voting = selectors.voting_state(review.month)
    result = selectors.result_for(review.month) if voting["closed"] else None
    entry = next((e for e in result.entries.all() if e.review_id == review.pk), None) if result else None
    award = next((a for a in result.awards.all() if a.review_id == review.pk), None) if result else None
    return render(
        request,
        "bookclub/review_detail.html",
        {
            "review": review,
            "comments": review.comments.select_related("author"),
            "comment_form": forms.CommentForm(),
            "my_rating": selectors.my_rating(review, request.user),
            "voting": voting,
            "result": result,
            "entry": entry,
            "award": award,
            "is_author": review.author_id == request.user.pk,
            "stars": [1, 2, 3, 4, 5],
        },
    )


def _review_form_view(request: AuthenticatedHttpRequest, review: Review | None) -> HttpResponse:
    initial = {}
    if review is not None:
        initial = {"book": review.book_id, "title": review.title, "body": review.body}
    else:
        pick = selectors.current_pick()
        book_id = request.GET.get("book") or (pick.book_id if pick else None)
        initial = {"book": book_id}
    form = forms.ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        publish = "publish" in request.POST
        data = form.cleaned_data
        with shown(request, form=form):
            if review is None:
                review = services.review_create(
                    author=request.user,
                    book=data["book"],
                    title=data["title"],
                    body=data["body"],
                    publish=publish,
                )
            else:
                review = services.review_update(
                    review=review,
                    by=request.user,
                    book=data["book"],
                    title=data["title"],
                    body=data["body"],
                    publish=publish,
                )
            messages.success(
                request, _("Review published.") if publish else pgettext("book review", "Draft saved.")
            )
            return redirect(review)
    return render(request, "bookclub/review_form.html", {"form": form, "review": review})


@login_required
def review_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _review_form_view(request, None)


@login_required
def review_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk, author=request.user)
    return _review_form_view(request, review)


@login_required
@require_POST
def review_rate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Only whether the person may see it: the service loads (and locks) the review itself.
    review = get_object_or_404(selectors.visible_reviews(request.user).select_related(None).only("pk"), pk=pk)
    try:
        stars = int(request.POST.get("stars", ""))
    except ValueError:
        stars = None
    with shown(request):
        _rating, created = services.rating_set(review=review, voter=request.user, stars=stars)
        messages.success(request, _("Thanks for rating!") if created else _("Your rating was updated."))
    return redirect(review)


@login_required
@require_POST
def review_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(selectors.visible_reviews(request.user), pk=pk)
    with shown(request):
        services.comment_add(review=review, author=request.user, body=request.POST.get("body", ""))
        messages.success(request, _("Comment posted."))
    return redirect(f"{review.get_absolute_url()}#comments")


# --- Results and awards -----------------------------------------------------------------------
@login_required
def results_latest(request: AuthenticatedHttpRequest) -> HttpResponse:
    latest = selectors.latest_result()
    month = latest.month if latest else previous_month(current_month())
    return redirect("bookclub:results", month=f"{month:%Y-%m}")


@login_required
def results(request: AuthenticatedHttpRequest, month: str) -> HttpResponse:
    month_date = parse_month(month)
    if month_date is None:
        raise Http404
    result = selectors.result_for(month_date)
    is_admin = is_club_admin(request.user)
    context: dict[str, Any] = {
        "month": month_date,
        "result": result,
        "voting": selectors.voting_state(month_date),
        "history": selectors.results()[:12],
        "is_admin": is_admin,
        "announce_form": forms.AnnounceForm(),
    }
    if result is not None and is_admin:
        context["award_forms"] = [
            (
                award,
                forms.AwardCorrectForm(
                    month=month_date,
                    initial={"place": award.place, "review": award.review_id, "prize": award.prize},
                ),
            )
            for award in result.awards.all()
        ]
    return render(request, "bookclub/results.html", context)


@admin_required
@require_POST
def award_correct(request: AuthenticatedHttpRequest, month: str) -> HttpResponse:
    month_date = parse_month(month)
    result = selectors.result_for(month_date) if month_date else None
    if result is None:
        raise Http404
    form = forms.AwardCorrectForm(request.POST, month=month_date)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request,
                f"{form.fields[field].label if field in form.fields else ''}: {' '.join(map(str, errors))}",
            )
        return redirect("bookclub:results", month=month)
    award = get_object_or_404(Award, result=result, place=form.cleaned_data["place"])
    with shown(request):
        services.award_correct(
            award=award,
            by=request.user,
            reason=form.cleaned_data["reason"],
            review=form.cleaned_data["review"],
            prize=form.cleaned_data["prize"],
        )
        messages.success(request, _("Award corrected; the change is in the audit log."))
    return redirect("bookclub:results", month=month)


@admin_required
@require_POST
def month_announce(request: AuthenticatedHttpRequest, month: str) -> HttpResponse:
    month_date = parse_month(month)
    result = selectors.result_for(month_date) if month_date else None
    if result is None:
        raise Http404
    form = forms.AnnounceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reason: say why the awards are announced again."))
        return redirect("bookclub:results", month=month)
    services.month_announce(result=result, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Announced to everyone."))
    return redirect("bookclub:results", month=month)

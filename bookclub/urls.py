from __future__ import annotations

from django.urls import path, register_converter

from . import views


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MonthConverter, "month")

app_name = "bookclub"

urlpatterns = [
    path("", views.home, name="home"),
    path("library/", views.library, name="library"),
    path("books/new/", views.book_create, name="book_create"),
    path("books/<int:pk>/", views.book_detail, name="book"),
    path("books/<int:pk>/edit/", views.book_edit, name="book_edit"),
    path("books/<int:pk>/cover/", views.book_cover, name="book_cover"),
    path("books/<int:pk>/copies/", views.copies_add, name="copies_add"),
    path("books/<int:pk>/borrow/", views.book_borrow, name="borrow"),
    path("books/<int:pk>/hold/", views.book_hold, name="hold"),
    path("holds/<int:pk>/cancel/", views.hold_cancel, name="hold_cancel"),
    path("loans/", views.my_loans, name="loans"),
    path("loans/<int:pk>/renew/", views.loan_renew, name="loan_renew"),
    path("loans/<int:pk>/return/", views.loan_return, name="loan_return"),
    path("desk/", views.desk, name="desk"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/vote/", views.proposal_vote, name="proposal_vote"),
    path("proposals/<int:pk>/confirm/", views.proposal_confirm, name="proposal_confirm"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/rsvp/", views.meeting_rsvp, name="rsvp"),
    path("meetings/<int:pk>/notes/", views.meeting_notes, name="meeting_notes"),
    path("reviews/", views.review_board, name="reviews"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<int:pk>/rate/", views.review_rate, name="review_rate"),
    path("reviews/<int:pk>/comments/", views.review_comment, name="review_comment"),
    path("results/", views.results_latest, name="results_latest"),
    path("results/<month:month>/", views.results, name="results"),
    path("results/<month:month>/awards/", views.award_correct, name="award_correct"),
    path("results/<month:month>/announce/", views.month_announce, name="month_announce"),
]

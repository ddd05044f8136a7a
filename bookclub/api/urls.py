from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("books/", views.BookList.as_view(), name="bookclub-api-books"),
    path("books/<int:pk>/", views.BookDetail.as_view(), name="bookclub-api-book"),
    path("picks/", views.PickList.as_view(), name="bookclub-api-picks"),
    path("loans/", views.LoanList.as_view(), name="bookclub-api-loans"),
    path("loans/<int:pk>/renew/", views.LoanRenew.as_view(), name="bookclub-api-loan-renew"),
    path("loans/<int:pk>/return/", views.LoanReturn.as_view(), name="bookclub-api-loan-return"),
    path("reviews/", views.ReviewList.as_view(), name="bookclub-api-reviews"),
    path("reviews/<int:pk>/", views.ReviewDetail.as_view(), name="bookclub-api-review"),
    path("reviews/<int:pk>/rating/", views.ReviewRating.as_view(), name="bookclub-api-rating"),
    path("months/<str:month>/ranking/", views.MonthRanking.as_view(), name="bookclub-api-ranking"),
]

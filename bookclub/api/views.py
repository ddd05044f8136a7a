"""Book club API: thin views over the same services and selectors as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import AuthenticatedRequest
from bookclub import selectors, services
from bookclub.models import Loan
from bookclub.months import current_month, parse_month
from bookclub.permissions import is_librarian

from . import serializers as s


@extend_schema(tags=["bookclub"])
class BookList(generics.ListAPIView):
    serializer_class = s.BookSerializer

    @extend_schema(parameters=[OpenApiParameter("q", str, description="Title, author, publisher or ISBN")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.catalogue(query=self.request.query_params.get("q", ""))


@extend_schema(tags=["bookclub"])
class BookDetail(generics.RetrieveAPIView):
    serializer_class = s.BookSerializer

    def get_queryset(self):
        return selectors.books_with_availability()


@extend_schema(tags=["bookclub"])
class PickList(generics.ListAPIView):
    serializer_class = s.PickSerializer

    def get_queryset(self):
        return selectors.picks()


class LoanList(APIView):
    @extend_schema(
        tags=["bookclub"],
        parameters=[OpenApiParameter("all", bool, description="Librarians: every active loan")],
        responses=s.LoanSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        raw = request.query_params.get("all", "false").strip().lower()
        if raw not in ("1", "true", "0", "false"):
            raise ApiValidationError({"all": [_("Use true or false.")]})
        if raw in ("1", "true") and is_librarian(request.user):
            loans = selectors.desk_loans()
        else:
            loans = selectors.loans_for(request.user).select_related("borrower")
        return Response(s.LoanSerializer(loans, many=True).data)

    @extend_schema(
        tags=["bookclub"],
        request=s.BorrowSerializer,
        responses={201: s.LoanSerializer, 400: s.ErrorSerializer},
        description="Borrow a free copy of a book (self-service).",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        serializer = s.BorrowSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        loan = services.loan_borrow(book=serializer.validated_data["book"], borrower=request.user)
        return Response(s.LoanSerializer(loan).data, status=status.HTTP_201_CREATED)


class _LoanAction(APIView):
    action_name = ""
    not_allowed_as_404 = True  # someone else's loan answers as one that does not exist

    @extend_schema(
        tags=["bookclub"],
        request=None,
        responses={200: s.LoanSerializer, 400: s.ErrorSerializer, 404: s.DetailSerializer},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        loan = get_object_or_404(Loan, pk=pk)
        action = services.loan_renew if self.action_name == "renew" else services.loan_return
        loan = action(loan=loan, by=request.user)
        loan.refresh_from_db()
        return Response(s.LoanSerializer(loan).data)


class LoanRenew(_LoanAction):
    action_name = "renew"


class LoanReturn(_LoanAction):
    action_name = "return"


class ReviewList(APIView):
    @extend_schema(
        tags=["bookclub"],
        parameters=[OpenApiParameter("month", str, description="YYYY-MM; the current month by default")],
        responses={200: s.ReviewSerializer(many=True), 400: s.ErrorSerializer},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        raw = request.query_params.get("month")
        month = parse_month(raw) if raw else current_month()
        if month is None:
            return Response({"month": [_("Give the month as YYYY-MM.")]}, status=status.HTTP_400_BAD_REQUEST)
        reviews = selectors.review_board(request.user, month=month)
        return Response(s.ReviewSerializer(reviews, many=True).data)

    @extend_schema(
        tags=["bookclub"],
        request=s.ReviewCreateSerializer,
        responses={201: s.ReviewSerializer, 400: s.ErrorSerializer},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        serializer = s.ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = services.review_create(
            author=request.user,
            book=data["book"],
            title=data["title"],
            body=data["body"],
            publish=data["publish"],
        )
        return Response(s.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["bookclub"])
class ReviewDetail(generics.RetrieveAPIView):
    serializer_class = s.ReviewSerializer

    def get_queryset(self):
        return selectors.visible_reviews(self.request.user)


class ReviewRating(APIView):
    @extend_schema(
        tags=["bookclub"],
        request=s.RatingRequestSerializer,
        responses={
            201: s.RatingResponseSerializer,
            200: s.RatingResponseSerializer,
            400: OpenApiResponse(
                s.ErrorSerializer, description="Stars out of range, or outside the voting window"
            ),
            403: OpenApiResponse(s.DetailSerializer, description="Your own review"),
            404: OpenApiResponse(s.DetailSerializer, description="No such published review"),
        },
        description="Rate a colleague's published review 1–5 stars during its month's voting window. "
        "201 the first time, 200 when the rating changes. Scores stay hidden until the month closes.",
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        review = get_object_or_404(selectors.visible_reviews(request.user), pk=pk)
        serializer = s.RatingRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating, created = services.rating_set(
            review=review, voter=request.user, stars=serializer.validated_data["stars"]
        )
        return Response(
            {"review": review.pk, "stars": rating.stars, "created": created},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MonthRanking(APIView):
    @extend_schema(
        tags=["bookclub"],
        responses={
            200: s.RankingSerializer,
            404: OpenApiResponse(s.DetailSerializer, description="Not a month"),
            409: OpenApiResponse(s.DetailSerializer, description="The month's vote has not closed yet"),
        },
        description="The frozen ranking and awards of a closed month.",
    )
    def get(self, request: Request, month: str) -> Response:
        month_date = parse_month(month)
        if month_date is None:
            raise NotFound(_("Give the month as YYYY-MM."))
        result = selectors.result_for(month_date)
        if result is None:
            closes = selectors.voting_state(month_date)["closes"]
            return Response(
                {
                    "detail": _("The vote for %(month)s has not closed yet; results come after %(closes)s.")
                    % {"month": month, "closes": closes.isoformat()}
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(s.RankingSerializer(result).data)

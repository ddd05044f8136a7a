from __future__ import annotations

from datetime import datetime, timedelta

import factory
from django.utils import timezone

from bookclub.isbn import isbn13_check_digit
from bookclub.models import Book, Copy, Meeting, MonthlyPick, Review, ReviewStatus
from bookclub.months import current_month
from tests.accounts.factories import UserFactory


def _isbn(n: int) -> str:
    first12 = f"979119{n:06d}"
    return first12 + isbn13_check_digit(first12)


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"책 {n}")
    authors = "김작가"
    publisher = "다산출판"
    year = 2024
    isbn13 = factory.Sequence(_isbn)


class CopyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Copy

    book = factory.SubFactory(BookFactory)
    barcode = factory.Sequence(lambda n: f"T{n:06d}")


def book_with_copies(n: int = 1, **kwargs) -> Book:
    book = BookFactory(**kwargs)
    for _i in range(n):
        CopyFactory(book=book)
    return book


class PickFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyPick

    month = factory.LazyFunction(current_month)
    book = factory.SubFactory(BookFactory)
    copies_stocked = 3


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    author = factory.SubFactory(UserFactory)
    book = factory.SubFactory(BookFactory)
    month = factory.LazyFunction(current_month)
    title = factory.Sequence(lambda n: f"독후감 {n}")
    body = "이 책을 읽고 많은 생각을 했습니다. 동료들과 나누고 싶어요."
    status = ReviewStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    month = factory.LazyFunction(current_month)
    title = "11월 북토크"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    place = "7층 라운지"
    capacity = 3


def kst(*args) -> datetime:
    """An aware datetime in Asia/Seoul: kst(2026, 11, 5, 23, 59)."""
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Asia/Seoul"))

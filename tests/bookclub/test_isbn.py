"""ISBNs are checked by checksum and always stored as ISBN-13."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bookclub.isbn import normalize_isbn


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("9788936434267", "9788936434267"),  # 아몬드, ISBN-13
        ("978-89-364-3426-7", "9788936434267"),  # hyphens are fine
        ("89-364-3426-8", "9788936434267"),  # the same book's ISBN-10
        ("0306406152", "9780306406157"),  # classic ISBN-10 example
        ("0-8044-2957-X", "9780804429573"),  # ISBN-10 with X check digit
        ("979-11-91048-03-2", "9791191048032"),  # 979 prefix
    ],
)
def test_valid_isbns_are_stored_as_isbn13(raw, stored):
    assert normalize_isbn(raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("9788936434268", "This ISBN-13 has a wrong check digit."),
        ("0306406153", "This ISBN-10 has a wrong check digit."),
        ("9771234567003", "An ISBN-13 starts with 978 or 979."),
        ("12345", "An ISBN has 10 or 13 digits."),
        ("03064O6152", "An ISBN-10 has nine digits and a final digit or X."),
        ("97889364342A7", "An ISBN-13 has thirteen digits."),
        ("", "Enter an ISBN."),
    ],
)
def test_bad_isbns_are_refused_with_a_clear_message(raw, message):
    with pytest.raises(ValidationError) as info:
        normalize_isbn(raw)
    assert info.value.messages == [message]

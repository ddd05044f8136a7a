"""ISBN-10 and ISBN-13: validated by checksum, always stored as ISBN-13 (digits only)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_STRIP = re.compile(r"[\s\-‐‑–—]")


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn10_check_digit(first9: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def normalize_isbn(value: str) -> str:
    """Return the ISBN-13 for an ISBN-10 or ISBN-13 (hyphens and spaces allowed), or raise ValidationError."""
    raw = _STRIP.sub("", value or "").upper()
    if not raw:
        raise ValidationError(_("Enter an ISBN."), code="required")
    if len(raw) == 10:
        if not re.fullmatch(r"\d{9}[\dX]", raw):
            raise ValidationError(_("An ISBN-10 has nine digits and a final digit or X."), code="format")
        if isbn10_check_digit(raw[:9]) != raw[9]:
            raise ValidationError(_("This ISBN-10 has a wrong check digit."), code="checksum")
        first12 = "978" + raw[:9]
        return first12 + isbn13_check_digit(first12)
    if len(raw) == 13:
        if not raw.isdigit():
            raise ValidationError(_("An ISBN-13 has thirteen digits."), code="format")
        if not raw.startswith(("978", "979")):
            raise ValidationError(_("An ISBN-13 starts with 978 or 979."), code="prefix")
        if isbn13_check_digit(raw[:12]) != raw[12]:
            raise ValidationError(_("This ISBN-13 has a wrong check digit."), code="checksum")
        return raw
    raise ValidationError(_("An ISBN has 10 or 13 digits."), code="length")


def format_isbn13(isbn: str) -> str:
    """978-89-1234-567-8 style is publisher-specific; a plain 978-xxxxxxxxx-x split is always right."""
    return f"{isbn[:3]}-{isbn[3:12]}-{isbn[12]}" if len(isbn) == 13 else isbn

"""Who may do what in the book club. The club is company-wide: every active member of staff takes
part; librarians (admins, or members of the `bookclub-librarian` group) run the library desk;
admins confirm picks and correct awards."""

from __future__ import annotations

from .models import LIBRARIAN_GROUP


def is_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_librarian(user) -> bool:
    if not is_member(user):
        return False
    if user.is_admin:
        return True
    cached = getattr(user, "_bookclub_librarian", None)
    if cached is None:
        cached = user.groups.filter(name=LIBRARIAN_GROUP).exists()
        user._bookclub_librarian = cached
    return cached


def is_club_admin(user) -> bool:
    return is_member(user) and user.is_admin

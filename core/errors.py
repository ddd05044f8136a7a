"""The one error vocabulary of the domain, and the helper that shows a refusal on a page.

A service says no by raising one of these; it never builds a response. What the caller sees is
decided in two places only: ``config.api_errors.exception_handler`` for the API (status and JSON
body from the exception) and :class:`shown` for the HTML views (a flash message, or the error on
the form that is re-rendered). Views keep no ``except`` blocks for them.

- :class:`RuleError` (400): a rule said no (“this loan was already returned”); ``field`` names the
  input at fault, if any, so the API answers ``{field: [message]}`` and a form shows it on that field.
- :class:`NotAllowed` (403): the rule is about who asks (“only librarians add books”). It is a
  RuleError, so code that asks “did a rule say no?” catches both.
- :class:`NotFound` (404): the thing does not exist for this user (never says which).
- :class:`Conflict` (409): someone else acted first (the request was already decided).

Django's own ``ValidationError`` stays the word for bad input (services validate fields the way
forms do, a dict of field → messages); both handlers treat it as a 400 on those fields. Django's
``PermissionDenied`` and ``Http404`` keep their usual meaning on pages and in the API.

Ground floor: imports Django only, no app.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest


class DomainError(Exception):
    """A service refused. ``message`` is for the user (already translated); ``field`` is optional."""

    status = 400

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


class RuleError(DomainError):
    status = 400


class NotAllowed(RuleError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


def validation_messages(exc: ValidationError) -> dict[str | None, list[str]]:
    """A ValidationError as field → messages (None for errors that name no field)."""
    if hasattr(exc, "error_dict"):
        return {
            (None if field == "__all__" else field): list(errors)
            for field, errors in exc.message_dict.items()
        }
    return {None: list(exc.messages)}


class shown:  # lower case: it reads as a phrase, ``with shown(request):``
    """Show a service's refusal to the person instead of failing the request.

    ``with shown(request): ...`` turns a DomainError or a ValidationError raised inside the block
    into a flash message (a Conflict as a warning: someone else acted first) and goes on after the
    block, where the view returns what it returns after a refusal (usually a redirect back). With
    ``form=``, the errors go on the form instead, on the field they name when the form has it,
    and the view re-renders the form. ``not_allowed_as_404=True`` answers NotAllowed (and
    NotFound always) as a 404 page, for things that are someone else's and must not be revealed.

    Put the success message and the success response inside the block, so they are skipped when
    the service refuses.
    """

    def __init__(self, request: HttpRequest, *, form: Any = None, not_allowed_as_404: bool = False) -> None:
        self.request = request
        self.form = form
        self.not_allowed_as_404 = not_allowed_as_404

    def __enter__(self) -> shown:
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc is None:
            return False
        if isinstance(exc, NotFound) or (self.not_allowed_as_404 and isinstance(exc, NotAllowed)):
            raise Http404 from exc
        if isinstance(exc, DomainError):
            if self.form is not None:
                field = exc.field if exc.field in self.form.fields else None
                self.form.add_error(field, exc.message)
            elif isinstance(exc, Conflict):
                messages.warning(self.request, exc.message)
            else:
                messages.error(self.request, exc.message)
            return True
        if isinstance(exc, ValidationError):
            if self.form is not None:
                for field, errors in validation_messages(exc).items():
                    self.form.add_error(field if field in self.form.fields else None, errors)
            else:
                messages.error(self.request, " ".join(exc.messages))
            return True
        return False

"""The API's one translation of refusals into responses (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

API views call services and let their exceptions through; this turns them into the bodies the API
has always given (see ``core.errors``):

- a DomainError: its status; ``{field: [message]}`` when it names a field, else ``{"detail": message}``;
  a NotFound (and a NotAllowed in a view with ``not_allowed_as_404 = True``, for things that are
  someone else's) as DRF's own 404;
- Django's ValidationError: 400 with ``{field: [messages]}``, or ``{"non_field_errors": [...]}``
  when it names no field (the key DRF's serializers use);
- Django's PermissionDenied: 403 with its message when it has one;
- everything else as DRF does it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, NotAllowed, NotFound


def exception_handler(exc: Exception, context: dict) -> Response | None:
    view = context.get("view")
    if isinstance(exc, NotFound) or (
        isinstance(exc, NotAllowed) and getattr(view, "not_allowed_as_404", False)
    ):
        exc = exceptions.NotFound()
    elif isinstance(exc, DomainError):
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=exc.status)
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    return drf_exception_handler(exc, context)

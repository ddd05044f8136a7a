"""One layer against hostile input, in front of every view (issue 18).

Views, forms and serializers then never meet what the fuzzers sent to make them fail with a 500:

- a NUL character anywhere in the query string, a form field or a JSON body (PostgreSQL refuses
  NUL in text; some drivers truncate at it);
- digits other than 0–9 in a value that is only digits (``²``, ``١``, ``１``: ``str.isdigit()`` is
  true for them, ``int()`` fails or gives a surprise);
- numbers beyond ±2^53 (no id, count or version in Dasan gets near; databases overflow);
- dates with a year outside DASAN_INPUT_YEARS (adding a day to 9999-12-31 overflows), and UTC
  offsets outside ±14:00.

Each refusal is a 400 that names the field: JSON ``{"detail": …}`` under /api/, plain text elsewhere.
Bodies are read only after the CSRF check and the upload size cap (UploadSizeLimitMiddleware);
free-text parameters (the search box, comments) may hold any digit.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

MAX_ABS_INT = 2**53
_INT = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"(?P<year>[0-9]{4,})-[0-9]{1,2}(?:-[0-9]{1,2})?(?P<rest>[T ].*)?", re.DOTALL)
_OFFSET = re.compile(r"[+-](?P<h>[0-9]{2}):?(?P<m>[0-9]{2})$")
# Free text where any character a person can type is fine (the search box, comments).
FREE_TEXT_PARAMS = frozenset({"q", "query", "search", "comment", "reason", "body", "note", "text"})


class BadInput(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_value(field: str, value: str) -> None:
    if "\x00" in value:
        raise BadInput(field, _("%(field)s: the NUL character is not allowed.") % {"field": field})
    if field in FREE_TEXT_PARAMS:
        return
    stripped = value.strip()
    if stripped.isdigit() and not stripped.isascii():
        raise BadInput(field, _("%(field)s: use the digits 0-9.") % {"field": field})
    if _INT.fullmatch(stripped) and abs(int(stripped)) > MAX_ABS_INT:
        raise BadInput(field, _("%(field)s: the number is too large.") % {"field": field})
    date = _DATE.fullmatch(stripped)
    if date:
        low, high = settings.DASAN_INPUT_YEARS
        if not low <= int(date["year"]) <= high:
            raise BadInput(
                field,
                _("%(field)s: give a date between the years %(low)s and %(high)s.")
                % {"field": field, "low": low, "high": high},
            )
        offset = _OFFSET.search(date["rest"] or "")
        if offset and _bad_offset(offset):
            raise BadInput(field, _("%(field)s: the UTC offset is out of range.") % {"field": field})
    elif (offset := _OFFSET.fullmatch(stripped)) and _bad_offset(offset):
        raise BadInput(field, _("%(field)s: the UTC offset is out of range.") % {"field": field})


def _bad_offset(match: re.Match) -> bool:
    hours, minutes = int(match["h"]), int(match["m"])
    return minutes >= 60 or hours * 60 + minutes > 14 * 60


def check_json(value, field: str = "body") -> None:
    if isinstance(value, str):
        check_value(field, value)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > MAX_ABS_INT:
            raise BadInput(field, _("%(field)s: the number is too large.") % {"field": field})
    elif isinstance(value, dict):
        for key, item in value.items():
            name = str(key)
            if "\x00" in name:
                raise BadInput(field, _("%(field)s: the NUL character is not allowed.") % {"field": field})
            check_json(item, name)
    elif isinstance(value, list):
        for item in value:
            check_json(item, field)


class HostileInputMiddleware:
    """Listed after CsrfViewMiddleware: its check runs in process_view too, so a forged form is
    refused before this reads its body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            self._check(request)
        except BadInput as exc:
            return self._refuse(request, exc)
        return None

    def _check(self, request) -> None:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            raise BadInput("query", _("%(field)s: the NUL character is not allowed.") % {"field": "query"})
        for key, values in request.GET.lists():
            for value in values:
                check_value(key, value)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        content_type = request.content_type or ""
        # Form fields, multipart ones too: this runs after the CSRF check (which has read them
        # already) and after the size cap, and the view is about to read them anyway.
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                for value in values:
                    check_value(key, value)
        elif content_type == "application/json" or content_type.endswith("+json"):
            if b"\x00" in request.body:
                raise BadInput("body", _("%(field)s: the NUL character is not allowed.") % {"field": "body"})
            try:
                data = json.loads(request.body or b"null")
            except (ValueError, RecursionError):
                return  # the view's parser answers malformed JSON with its own 400
            check_json(data)

    def _refuse(self, request, exc: BadInput) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": exc.message, "field": exc.field}, status=400)
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")


class UploadSizeLimitMiddleware:
    """Refuse a request body larger than the upload cap from its Content-Length, before anything
    (CSRF's token lookup, the multipart parser) reads it. DATA_UPLOAD_MAX_MEMORY_SIZE covers the
    other bodies; multipart ones are otherwise read in full, to temporary files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DASAN_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            message = _("The upload is too large: at most %(mb)s MB.") % {
                "mb": settings.DASAN_UPLOAD_MAX_BYTES // (1024 * 1024)
            }
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Pages and files for a signed-in person are never stored by a browser or a shared cache
    (``Cache-Control: private, no-store``) unless the view chose its own caching (book covers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response

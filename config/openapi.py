"""drf-spectacular post-processing: every API operation documents the errors it can answer with.

The API answers 400 (a bad field, named), 401 (no or a bad credential), 403 (not allowed, or MFA not
set up), 404 (nothing the caller may see under that id or slug) and 429 (a rate limit) from shared
code — DRF's exception handler, the permission classes, config.hardening and the throttles — so the
views do not each declare them. A view's own description of a status is kept.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` for the whole request, or a list of messages per named field.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {},
}
ERRORS = {
    "400": "Bad input: the message names the field (also NUL bytes, digits other than 0-9, "
    "numbers or dates out of range, an unknown or hidden client)",
    "401": "No credential, or an expired or revoked one",
    "403": "Not allowed for this user (or two-factor authentication not set up yet)",
    "404": "Nothing the caller may see under this id, slug or page",
    "429": "Too many requests (API_TOKEN_RATE, registration and login limits)",
}
METHODS = {"get", "post", "put", "patch", "delete"}


def document_errors(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                entry = responses.setdefault(status, {"description": description})
                entry.setdefault("content", {"application/json": {"schema": ref}})
    return result

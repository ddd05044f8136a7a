"""Pick the Korean particles in finished pages (see core.korean.resolve_particles)."""

from __future__ import annotations

from .korean import MARKER_BYTES, resolve_particles

_TEXT_TYPES = ("text/html", "application/json", "text/plain")


class KoreanParticlesMiddleware:
    """Resolve {을/를}-style pairs in HTML and JSON responses.

    The markers come only from Korean translations, after the names are in the sentence; a page
    without one (all English pages, most Korean ones) costs one byte search.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith(
            _TEXT_TYPES
        ):
            return response
        content = response.content
        if not MARKER_BYTES.search(content):
            return response
        charset = response.charset or "utf-8"
        response.content = resolve_particles(content.decode(charset)).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response

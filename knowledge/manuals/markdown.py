"""Markdown from users, rendered and then sanitised: no raw HTML from a user reaches a page."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import markdown as _markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "hr",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "mark",
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "img": {"src", "alt"}}
# Pictures only from our own article attachments (put there by the editor): no tracking pixels or
# pictures from other sites. The path is knowledge.urls' "attachment".
_OWN_ATTACHMENT = re.compile(r"/knowledge/attachments/\d+/")


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not _OWN_ATTACHMENT.fullmatch(value):
        return None
    return value


_local = threading.local()


def _converter() -> _markdown.Markdown:
    """One Markdown instance per thread, reset before each use: building one (its parsers and
    patterns) costs several times what converting a manual's field does."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _markdown.Markdown(
            extensions=["tables", "sane_lists", "nl2br"], output_format="html"
        )
    return md


def render(text: str) -> SafeString:
    return mark_safe(_render(text or ""))  # noqa: S308 (sanitised by nh3 in _render)


# The HTML depends on the text alone, so it is kept for the texts rendered most recently: the
# same manuals and reviews are opened again and again all day. Keyed by the text itself, an entry
# can never be stale; a changed text is a new key.
@lru_cache(maxsize=1024)
def _render(text: str) -> str:
    return sanitize(_converter().reset().convert(text))


def sanitize(html: str) -> str:
    """Only the tags and attributes a manual may use; links open safely."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )

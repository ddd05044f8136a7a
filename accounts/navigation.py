"""The header's sections and links. An app appears once it has a `<app>:home` URL."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

SECTIONS = [
    ("home", _("Home"), "home"),
    ("knowledge", _("Manuals"), "knowledge:home"),
    ("bookclub", _("Book club"), "bookclub:home"),
    ("wellbeing", _("Work & wellbeing"), "wellbeing:home"),
    ("reports", _("Reports"), "reports:home"),
    ("directory", _("Directory"), "accounts:directory"),
]

# The header's links that take no argument: key in the template → URL name.
LINKS = {
    "home": "home",
    "bell": "accounts:notifications_bell",
    "notifications": "accounts:notifications",
    "mfa": "mfa_index",
    "password": "account_change_password",
    "api_tokens": "accounts:api_tokens",
    "admin": "admin:index",
    "ops_status": "ops:status",
    "set_language": "set_language",
    "logout": "account_logout",
}


def sections(request) -> list[dict]:
    items = []
    current = request.resolver_match.namespace if getattr(request, "resolver_match", None) else ""
    for key, label, url in _section_urls(*_url_key()):
        active = current == key or (key == "directory" and request.path.startswith(url))
        if key == "home":
            active = request.path == url
        items.append({"key": key, "label": label, "url": url, "active": active})
    return items


def links() -> dict[str, str]:
    """URLs of the header's fixed links (the same on every page)."""
    return _links(*_url_key())


def _url_key() -> tuple[str, str]:
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


# URLs without arguments depend only on the URLconf and the script prefix: the sections and links
# are reversed once per process for each, instead of some fifteen reverse() calls on every page.
@lru_cache(maxsize=8)
def _section_urls(_prefix: str, urlconf: str) -> tuple[tuple, ...]:
    found = []
    for key, label, url_name in SECTIONS:
        try:
            found.append((key, label, reverse(url_name, urlconf=urlconf)))
        except NoReverseMatch:
            continue
    return tuple(found)


@lru_cache(maxsize=8)
def _links(_prefix: str, urlconf: str) -> dict[str, str]:
    return {key: reverse(name, urlconf=urlconf) for key, name in LINKS.items()}

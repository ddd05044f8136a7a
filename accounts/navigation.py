"""The header's sections and links. An app appears once it has a `<app>:home` URL."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

# key, label, URL name, who sees it (None: everyone signed in), keyboard shortcut shown in its tooltip.
SECTIONS = [
    ("home", _("Home"), "home", None, ""),
    # Call mode is the agents' main screen during a call: one click (or Alt+K) from any page.
    ("call", _("Call mode"), "knowledge:call_mode", None, "Alt+K"),
    ("knowledge", _("Manuals"), "knowledge:home", None, ""),
    # Managers' call data (imports, topics), apart from the manuals and their article import.
    ("calls", _("Call data"), "knowledge:calls_index", "manager", ""),
    ("bookclub", _("Book club"), "bookclub:home", None, ""),
    ("wellbeing", _("Work & wellbeing"), "wellbeing:home", None, ""),
    ("reports", _("Reports"), "reports:home", None, ""),
    ("directory", _("Directory"), "accounts:directory", None, ""),
]
# Sections that live under another section's URL namespace, found by their path instead.
BY_PATH = {"call", "calls", "directory"}

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
    "search": "knowledge:search",
    "call_mode": "knowledge:call_mode",
}


def sections(request) -> list[dict]:
    items = []
    current = request.resolver_match.namespace if getattr(request, "resolver_match", None) else ""
    found = _section_urls(*_url_key())
    by_path = next(
        (key for key, _label, url, *_rest in found if key in BY_PATH and request.path.startswith(url)), None
    )
    user = getattr(request, "user", None)
    manager = bool(user and (user.is_admin or user.is_manager))
    for key, label, url, audience, shortcut in found:
        if audience == "manager" and not manager:
            continue
        if key == "home":
            active = request.path == url
        elif by_path:
            active = key == by_path
        else:
            active = current == key
        items.append({"key": key, "label": label, "url": url, "active": active, "shortcut": shortcut})
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
    for key, label, url_name, audience, shortcut in SECTIONS:
        try:
            found.append((key, label, reverse(url_name, urlconf=urlconf), audience, shortcut))
        except NoReverseMatch:
            continue
    return tuple(found)


@lru_cache(maxsize=8)
def _links(_prefix: str, urlconf: str) -> dict[str, str]:
    return {key: reverse(name, urlconf=urlconf) for key, name in LINKS.items()}

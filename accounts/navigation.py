"""The header's sections. An app appears once it has a `<app>:home` URL."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

SECTIONS = [
    ("home", _("Home"), "home"),
    ("knowledge", _("Manuals"), "knowledge:home"),
    ("bookclub", _("Book club"), "bookclub:home"),
    ("wellbeing", _("Work & wellbeing"), "wellbeing:home"),
    ("reports", _("Reports"), "reports:home"),
    ("directory", _("Directory"), "accounts:directory"),
]


def sections(request) -> list[dict]:
    items = []
    current = request.resolver_match.namespace if getattr(request, "resolver_match", None) else ""
    for key, label, url_name in SECTIONS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = current == key or (key == "directory" and request.path.startswith(url))
        if key == "home":
            active = request.path == url
        items.append({"key": key, "label": label, "url": url, "active": active})
    return items

"""The home dashboard is assembled from widgets that each app offers in its own `dashboard.py`.

An app's `dashboard.widgets(request)` returns a list of `Widget`s; the home page renders them in
order. Apps without such a module simply add nothing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.module_loading import module_has_submodule

DASHBOARD_APPS = ["accounts", "knowledge", "wellbeing", "bookclub", "reports"]


@dataclass
class Widget:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    wide: bool = False


def collect(request) -> list[Widget]:
    widgets: list[Widget] = []
    for label in DASHBOARD_APPS:
        config = apps.get_app_config(label)
        if module_has_submodule(config.module, "dashboard") and label != "accounts":
            module = importlib.import_module(f"{config.name}.dashboard")
            widgets.extend(module.widgets(request))
    widgets.extend(widgets_for_accounts(request))
    return sorted(widgets, key=lambda w: w.order)


def widgets_for_accounts(request) -> list[Widget]:
    from . import selectors
    from .context_processors import remember_unread

    user = request.user
    notifications, unread = selectors.latest_notifications(user, 5)
    remember_unread(request, unread)  # the bell in the header shows the same count
    clients, team_name = selectors.clients_and_team(user)
    return [
        Widget(
            template="accounts/widgets/notifications.html",
            context={"notifications": notifications},
            order=90,
        ),
        Widget(
            template="accounts/widgets/profile.html",
            context={"clients": clients, "team_name": team_name},
            order=10,
        ),
    ]

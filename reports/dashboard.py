from __future__ import annotations

from django.utils import timezone

from accounts.dashboard import Widget
from core.dates import month_bounds, previous_month

from . import selectors
from .models import SnapshotStatus


def widgets(request) -> list[Widget]:
    """Managers and admins: last month's diagnoses of their clients and the team dashboard."""
    user = request.user
    if not selectors.can_see_dashboards(user):
        return []
    since, until = month_bounds(previous_month(timezone.localdate()))
    clients = selectors.clients_for(user)
    month = list(
        selectors.snapshots_for(user)
        .filter(period_start=since, period_end=until)
        .defer("figures")
        .order_by("client__name")
    )
    ready = [s for s in month if s.status == SnapshotStatus.DONE]
    return [
        Widget(
            template="reports/widgets/manager.html",
            context={
                "month": since,
                "ready": ready[:4],
                "ready_count": len(ready),
                "clients": clients.count(),
            },
            order=40,
        )
    ]

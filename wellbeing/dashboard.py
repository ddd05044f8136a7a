"""Home dashboard card: today's shutdown and overtime; for managers, the requests waiting for them."""

from __future__ import annotations

from accounts.dashboard import Widget

from . import selectors


def widgets(request) -> list[Widget]:
    user = request.user
    plan = selectors.shutdown_plan(user=user)
    decider = selectors.is_decider(user)
    return [
        Widget(
            template="wellbeing/widgets/today.html",
            context={
                "plan": plan,
                "pending": selectors.overtime_inbox(user).count() if decider else None,
            },
            order=20,
        )
    ]

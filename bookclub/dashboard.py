"""The book club's card on the home dashboard: this month's pick, my loans, the voting notice."""

from __future__ import annotations

from django.utils import timezone

from accounts.dashboard import Widget

from . import selectors
from .months import current_month


def widgets(request) -> list[Widget]:
    month = current_month()
    voting = selectors.voting_state(month)
    return [
        Widget(
            template="bookclub/widgets/dashboard.html",
            context={
                "pick": selectors.current_pick(),
                "loans": list(selectors.loans_for(request.user)[:5]),
                "voting_open": voting["open"],
                "voting_closes": voting["closes"],
                "today": timezone.localdate(),
            },
            order=40,
        )
    ]

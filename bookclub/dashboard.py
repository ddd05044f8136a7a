"""The book club's card on the home dashboard: this month's pick, my loans, the voting notice."""

from __future__ import annotations

from django.utils import timezone

from accounts.dashboard import Widget

from . import selectors


def widgets(request) -> list[Widget]:
    pick, open_votes = selectors.pick_and_open_votes()
    return [
        Widget(
            template="bookclub/widgets/dashboard.html",
            context={
                "pick": pick,
                "loans": list(selectors.loans_for(request.user)[:5]),
                "open_votes": open_votes,
                "today": timezone.localdate(),
            },
            order=40,
        )
    ]

from __future__ import annotations

from django.utils import timezone

from accounts.dashboard import Widget

from .manuals import selectors


def widgets(request) -> list[Widget]:
    """Agents: what changed in their clients' manuals. Managers: review queue and due verifications."""
    user = request.user
    if selectors.is_curator(user):
        due, due_count = selectors.due_for_verification_head(user, limit=4)
        return [
            Widget(
                template="knowledge/widgets/manager.html",
                context={
                    "queue_count": selectors.review_queue_count(user),
                    "due_count": due_count,
                    "due": due,
                    "today": timezone.localdate(),
                },
                order=20,
            )
        ]
    return [
        Widget(
            template="knowledge/widgets/agent.html",
            context={"recent": selectors.recently_updated(user)},
            order=20,
        )
    ]

"""Seed the throwaway load-test database: demo data plus N agents, each signed in already.

Run by bench/load/run.py in the bench environment; writes the agents' session cookies and the
search queries of their clients to the JSON file given as the first argument.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(out: str, agents: int) -> None:
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command

    from accounts.models import ClientAssignment, ClientCompany, Role, Team, User
    from bookclub.models import Review, ReviewStatus
    from knowledge.models import Article, ArticleStatus

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    call_command("seed_demo", verbosity=0)
    rng = random.Random(8)
    clients = list(ClientCompany.objects.order_by("slug"))
    teams = list(Team.objects.order_by("pk"))
    existing = User.objects.filter(email__endswith="@load.test").count()
    User.objects.bulk_create(
        [
            User(
                email=f"agent{i:03d}@load.test",
                name=f"부하상담사{i:03d}",
                role=Role.AGENT,
                team=teams[i % len(teams)],
                employee_number=f"L{i:04d}",
                password="!",  # unusable: the bench signs them in by session
            )
            for i in range(existing, agents)
        ]
    )
    people = list(User.objects.filter(email__endswith="@load.test").order_by("email")[:agents])
    ClientAssignment.objects.bulk_create(
        [
            ClientAssignment(user=u, client=c)
            for u in people
            for c in rng.sample(clients, k=min(2, len(clients)))
        ],
        ignore_conflicts=True,
    )
    # Queries agents type: words of the client's article titles, run together as typed in a hurry.
    queries: dict[str, list[str]] = {}
    for client in clients:
        titles = Article.objects.filter(client=client, status=ArticleStatus.PUBLISHED).values_list(
            "title", flat=True
        )
        found = set()
        for title in titles:
            words = [w for w in re.split(r"[^\w]+", title) if w]
            if words:
                found.add(words[0])
                found.add("".join(words[:2]))
                found.add(" ".join(words[:3]))
        queries[client.slug] = sorted(found)
    reviews = list(Review.objects.filter(status=ReviewStatus.PUBLISHED).values_list("pk", "author_id"))
    articles = {
        c.slug: list(
            Article.objects.filter(client=c, status=ArticleStatus.PUBLISHED).values_list("pk", flat=True)[:40]
        )
        for c in clients
    }
    sessions = []
    for user in people:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        slugs = list(user.clients.order_by("slug").values_list("slug", flat=True))
        sessions.append(
            {
                "email": user.email,
                "session": store.session_key,
                "clients": slugs,
                "articles": [pk for s in slugs for pk in articles[s]],
                "reviews": [pk for pk, author in reviews if author != user.pk],
            }
        )
    Path(out).write_text(json.dumps({"agents": sessions, "queries": queries}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))

"""No dead links (issue 13, item 10): as an agent, a manager and an admin, every internal link on
every page the browser journeys visit answers 2xx or 3xx.

The pages are those tests/e2e/ opens (directly, or by clicking through), over the objects of
tests/security/world.py; a page the role may not open is not crawled for that role (the permission
matrix covers who gets what). Links are `<a href>` to this site; each is fetched once per role.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.world import build_world

ROLES = ("agent_a", "manager_a", "admin")
HREF = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]+)\"", re.I)


def journey_pages(w) -> list[str]:
    """What the e2e journeys open, by name (tests/e2e/*.py: goto() and the links they click)."""
    slug = w.client_a.slug
    month = w.past_month
    named = [
        ("home", ()),
        ("knowledge:call_mode", ()),
        ("knowledge:home", ()),
        ("knowledge:client", (slug,)),
        ("knowledge:article", (w.article.pk,)),
        ("knowledge:history", (w.article.pk,)),
        ("knowledge:import", ()),
        ("knowledge:review", ()),
        ("knowledge:synonyms", ()),
        ("knowledge:search_gaps", ()),
        ("knowledge:calls_index", ()),
        ("knowledge:calls_home", (slug,)),
        ("knowledge:calls_upload", (slug,)),
        ("knowledge:calls_topics", (slug,)),
        ("knowledge:calls_topic", (w.topic.pk,)),
        ("knowledge:calls_records", (slug,)),
        ("knowledge:calls_record", (w.call.pk,)),
        ("knowledge:calls_job", (w.job.pk,)),
        ("reports:home", ()),
        ("reports:client", (slug,)),
        ("reports:snapshot", (w.snapshot.pk,)),
        ("reports:team", ()),
        ("reports:company", ()),
        ("bookclub:home", ()),
        ("bookclub:library", ()),
        ("bookclub:book", (w.book.pk,)),
        ("bookclub:loans", ()),
        ("bookclub:reviews", ()),
        ("bookclub:review", (w.review.pk,)),
        ("bookclub:results", (month,)),
        ("bookclub:meeting", (w.meeting.pk,)),
        ("bookclub:proposals", ()),
        ("wellbeing:home", ()),
        ("wellbeing:overtime_new", ()),
        ("wellbeing:overtime_list", ()),
        ("wellbeing:overtime_detail", (w.overtime.pk,)),
        ("wellbeing:inbox", ()),
        ("wellbeing:week", ()),
        ("wellbeing:day", ()),
        ("wellbeing:days_off", ()),
        ("wellbeing:flexible", ()),
        ("wellbeing:devices", ()),
        ("wellbeing:care", ()),
        ("accounts:notifications", ()),
        ("accounts:directory", ()),
    ]
    pages = [reverse(name, args=args) for name, args in named]
    return [*pages, reverse("knowledge:search") + "?q=분실", "/api/docs/"]


def internal_links(html: str) -> set[str]:
    links = set()
    for raw in HREF.findall(html):
        href = urldefrag(unescape(raw))[0]
        parts = urlsplit(href)
        if not href or parts.scheme or parts.netloc or not href.startswith("/"):
            continue  # mailto:, other sites, fragments and relative query links (?page=2) of the page
        links.add(href)
    return links


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def _get(client: Client, url: str):
    # Each request runs in a block rolled back afterwards, as TestCase's own blocks are: marked like
    # them so that the durable use cases (transaction.atomic(durable=True)) may open inside it.
    block = transaction.atomic()
    block._from_testcase = True
    with block:  # following a link never changes what the next one sees
        response = client.get(url)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("role", ROLES)
def test_every_link_on_the_journeys_pages_answers(world, role):
    client = Client()
    client.force_login(world.users[role])
    checked: dict[str, int] = {}
    dead: list[str] = []
    crawled = 0
    for page in journey_pages(world):
        response = _get(client, page)
        if response.status_code in (403, 404):
            continue  # not this role's page
        if response.status_code in (301, 302):
            response = _get(client, response["Location"])
        assert response.status_code == 200, f"{role}: {page} answered {response.status_code}"
        crawled += 1
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in sorted(internal_links(response.content.decode())):
            if link not in checked:
                checked[link] = _get(client, link).status_code
            if not 200 <= checked[link] < 400:
                dead.append(f"  {page} → {link}: {checked[link]}")
    assert crawled >= 25, f"{role}: only {crawled} pages crawled"
    assert len(checked) >= 40
    assert not dead, f"dead links as {role}:\n" + "\n".join(sorted(set(dead)))


def test_the_crawler_finds_a_dead_link():
    html = '<a href="/nowhere/">x</a> <a href="https://example.com/">y</a> <a href="#top">z</a> <a href="?page=2">p</a>'
    assert internal_links(html) == {"/nowhere/"}

"""Search and call mode one step away from every page, and what call mode shows an agent."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from knowledge.models import ClientPreference
from tests.accounts.factories import ClientCompanyFactory, UserFactory

from .helpers import indexed_article, indexed_articles

PAGES = ["home", "knowledge:home", "bookclub:home", "wellbeing:home", "reports:home", "knowledge:call_mode"]


@pytest.fixture
def manual(org):
    rows = [
        {"title": "카드 분실 신고", "answer": "분실 신고를 접수하고 카드를 정지합니다."},
        {"title": "해외에서 카드 분실", "answer": "해외 분실은 긴급 정지 후 재발급합니다."},
        {"title": "분실 카드 재발급", "answer": "카드 재발급은 앱에서 신청합니다."},
        {"title": "카드 한도 변경", "answer": "한도는 앱에서 바꿉니다."},
        {"title": "휴대폰 분실", "answer": "휴대폰 분실 시 회선을 정지합니다."},
    ]
    articles = indexed_articles(org["client_a"], rows)
    return {"articles": articles, **org}


@pytest.mark.parametrize("url_name", PAGES)
def test_every_page_has_the_header_search_and_a_call_mode_link(as_user, manual, url_name):
    html = as_user(manual["agent_a"]).get(reverse(url_name)).content.decode()
    search = reverse("knowledge:search")
    assert f'role="search" method="get" action="{search}"' in html
    assert 'id="header-search"' in html and 'name="q"' in html
    assert f'href="{reverse("knowledge:call_mode")}"' in html and 'data-nav="call"' in html
    # the shortcuts are shown, not only wired
    assert 'aria-keyshortcuts="Alt+K"' in html and 'aria-keyshortcuts="/"' in html
    assert 'id="shortcuts"' in html and "Alt+A" in html


def test_the_agents_home_opens_call_mode(as_user, manual):
    html = as_user(manual["agent_a"]).get(reverse("home")).content.decode()
    assert 'data-testid="home-call-mode"' in html
    assert f'href="{reverse("knowledge:call_mode")}" data-testid="home-call-mode"' in html


def test_the_header_search_opens_results_for_the_users_client(as_user, manual):
    response = as_user(manual["agent_a"]).get(reverse("knowledge:search"), {"q": "카드 분실"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["client"] == manual["client_a"]
    # the articles holding both words come first (their order is the backend's to decide)
    top = {h.title for h in response.context["result"].hits[:3]}
    assert top == {"카드 분실 신고", "해외에서 카드 분실", "분실 카드 재발급"}


def test_call_mode_is_active_in_the_navigation_on_its_page_only(as_user, manual):
    c = as_user(manual["agent_a"])
    on_call = c.get(reverse("knowledge:call_mode")).content.decode()
    assert 'data-nav="call" class="is-active" aria-current="page"' in on_call
    assert 'data-nav="knowledge" class="is-active"' not in on_call
    manuals = c.get(reverse("knowledge:home")).content.decode()
    assert 'data-nav="knowledge" class="is-active"' in manuals
    assert 'data-nav="call" class="is-active"' not in manuals


def test_managers_find_call_data_in_the_navigation_agents_do_not(as_user, manual):
    calls = reverse("knowledge:calls_index")
    for manager in (manual["manager_a"], manual["admin_user"]):
        html = as_user(manager).get(reverse("home")).content.decode()
        assert f'href="{calls}" data-nav="calls"' in html
    # distinct from the manuals entry (and its article import)
    html = as_user(manual["manager_a"]).get(calls, follow=True).content.decode()
    assert 'data-nav="calls" class="is-active"' in html
    assert 'data-nav="knowledge" class="is-active"' not in html
    assert 'data-nav="calls"' not in as_user(manual["agent_a"]).get(reverse("home")).content.decode()


# --- Which client call mode opens on ---------------------------------------------------------


def test_call_mode_opens_on_the_first_assigned_client_then_the_last_used(as_user, org):
    # Assigned 한빛카드 first, then 가나다몰, which comes first by name.
    first = org["client_a"]
    later = ClientCompanyFactory(slug="ganada-mall", name="가나다몰")
    agent = org["agent_a"]
    agent.clients.add(later)
    c = as_user(agent)
    assert c.get(reverse("knowledge:call_mode")).context["client"] == first
    assert next(x.name for x in c.get(reverse("knowledge:call_mode")).context["clients"]) == "가나다몰"

    # Reading an answer of the other client is using it: call mode reopens there.
    article = indexed_article(later, "가나다몰 반품 안내", answer="반품은 7일 안에 접수합니다.")
    c.get(reverse("knowledge:call_article", args=[article.pk]), HTTP_HX_REQUEST="true")
    assert c.get(reverse("knowledge:call_mode")).context["client"] == later
    # Switching (Alt+1..9 or a click) too; one remembered client per user.
    c.get(reverse("knowledge:call_mode"), {"client": first.slug})
    assert c.get(reverse("knowledge:call_mode")).context["client"] == first
    assert ClientPreference.objects.filter(user=agent, kind="current").count() == 1


def test_someone_elses_choice_does_not_move_mine(as_user, org):
    other = UserFactory(clients=[org["client_a"], org["client_b"]])
    c = as_user(other)
    c.get(reverse("knowledge:call_mode"), {"client": org["client_b"].slug})
    assert as_user(org["agent_a"]).get(reverse("knowledge:call_mode")).context["client"] == org["client_a"]


# --- What call mode shows ---------------------------------------------------------------------


def results(c, client, q):
    return c.get(reverse("knowledge:call_results"), {"client": client.slug, "q": q}, HTTP_HX_REQUEST="true")


def test_the_closest_match_note_shows_only_when_no_result_has_every_word(as_user, manual):
    c = as_user(manual["agent_a"])
    both = results(c, manual["client_a"], "카드 분실")
    hits = both.context["result"].hits
    # three articles hold both words; the rest (one word only) are listed below them
    assert sum(h.every_word for h in hits) == 3 and len(hits) > 3
    assert both.context["result"].fallback == "relaxed"
    assert 'data-testid="partial-note"' not in both.content.decode()

    none = results(c, manual["client_a"], "한도 휴대폰")
    assert none.context["result"].hits and not any(h.every_word for h in none.context["result"].hits)
    assert 'data-testid="partial-note"' in none.content.decode()


def test_agents_see_neither_scores_nor_timings(as_user, manual):
    c = as_user(manual["agent_a"])
    call = results(c, manual["client_a"], "카드 분실").content.decode()
    page = c.get(reverse("knowledge:search"), {"q": "카드 분실"}).content.decode()
    for html in (call, page):
        assert " ms<" not in html and " ms\n" not in html
        assert "relevance" not in html
    manager = (
        as_user(manual["manager_a"]).get(reverse("knowledge:search"), {"q": "카드 분실"}).content.decode()
    )
    assert "relevance" in manager and " ms" in manager


def test_an_answer_links_to_the_full_article(as_user, manual):
    article = manual["articles"][0]
    html = (
        as_user(manual["agent_a"])
        .get(reverse("knowledge:call_article", args=[article.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert f'href="{article.get_absolute_url()}"' in html and 'data-testid="full-article"' in html
    page = as_user(manual["agent_a"]).get(article.get_absolute_url())
    assert page.status_code == HTTPStatus.OK


def test_the_abusive_caller_report_is_in_call_mode(as_user, manual):
    html = as_user(manual["agent_a"]).get(reverse("knowledge:call_mode")).content.decode()
    assert f'action="{reverse("wellbeing:care_flag")}"' in html
    assert f'name="client" value="{manual["client_a"].pk}"' in html
    assert 'aria-keyshortcuts="Alt+A"' in html

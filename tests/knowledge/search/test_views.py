"""Call mode, the search page, synonyms and the gaps page: who may use them and what they see."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from knowledge.models import ArticleStatus, ClientPreference, SearchLog, SynonymGroup
from tests.accounts.factories import ClientCompanyFactory

from .helpers import indexed_article, indexed_articles


@pytest.fixture
def manual(org):
    a = indexed_article(
        org["client_a"], "해외에서 카드 분실 시 신고 방법", answer="해외 분실 신고를 접수합니다."
    )
    b = indexed_article(org["client_b"], "해외 로밍 분실 안내", answer="누리텔레콤 분실 안내")
    draft = indexed_article(org["client_a"], "분실 초안", answer="초안", status=ArticleStatus.DRAFT)
    return {"a": a, "b": b, "draft": draft, **org}


def results(client, user_client, q, **extra):
    """GET the results partial; HTTP_* keywords are request headers, the rest query parameters."""
    headers = {k: v for k, v in extra.items() if k.startswith("HTTP_")}
    params = {k: v for k, v in extra.items() if not k.startswith("HTTP_")}
    return client.get(
        reverse("knowledge:call_results"), {"client": user_client.slug, "q": q, **params}, **headers
    )


# --- Call mode --------------------------------------------------------------------------------


def test_call_mode_shows_the_agents_clients_and_a_focused_search_box(as_user, manual):
    response = as_user(manual["agent_a"]).get(reverse("knowledge:call_mode"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "한빛카드" in html and "누리텔레콤" not in html
    assert 'id="cm-q"' in html and "autofocus" in html
    assert 'data-slot="abusive-customer"' in html  # the wellbeing part's panel goes here


def test_call_mode_for_a_client_the_agent_does_not_serve_is_404(as_user, manual):
    c = as_user(manual["agent_a"])
    assert (
        c.get(reverse("knowledge:call_mode"), {"client": "nuri-telecom"}).status_code == HTTPStatus.NOT_FOUND
    )
    assert results(c, manual["client_b"], "분실").status_code == HTTPStatus.NOT_FOUND
    assert not SearchLog.objects.exists()


def test_results_while_typing_show_only_this_clients_published_articles(as_user, manual):
    response = results(as_user(manual["agent_a"]), manual["client_a"], "카드분실해외", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.templates[0].name == "knowledge/search/_call_results.html"
    assert "<mark>" in html and "해외에서 카드 분실 시 신고 방법" not in html  # the title comes highlighted
    assert "신고 방법" in html and "누리텔레콤" not in html and "초안" not in html
    assert len(html) < 4000  # small: it crosses a VPN on every keystroke


def test_results_while_typing_name_their_query_and_the_search_time(as_user, manual):
    response = results(as_user(manual["agent_a"]), manual["client_a"], " 카드분실 ", HTTP_HX_REQUEST="true")
    assert 'data-q="카드분실"' in response.content.decode()  # what the page checks the box against
    name, duration = response["Server-Timing"].split(",")[0].split(";dur=")
    assert name == "search" and float(duration) >= 0
    assert "app;dur=" in response["Server-Timing"]


def test_results_while_typing_cost_few_queries(as_user, manual, django_assert_max_num_queries):
    c = as_user(manual["agent_a"])
    results(c, manual["client_a"], "분실")  # warm the synonym cache and Kiwi
    with django_assert_max_num_queries(16):
        results(c, manual["client_a"], "카드분실해외", HTTP_HX_REQUEST="true")


def test_managers_and_admins_follow_the_same_rule(as_user, manual):
    assert results(as_user(manual["manager_a"]), manual["client_a"], "분실").status_code == HTTPStatus.OK
    assert (
        results(as_user(manual["manager_b"]), manual["client_a"], "분실").status_code == HTTPStatus.NOT_FOUND
    )
    assert results(as_user(manual["admin_user"]), manual["client_b"], "분실").status_code == HTTPStatus.OK


def test_opening_an_article_records_recent_use_and_the_search_it_came_from(as_user, manual):
    c = as_user(manual["agent_a"])
    results(c, manual["client_a"], "카드분실")
    log = SearchLog.objects.get()
    response = c.get(
        reverse("knowledge:call_article", args=[manual["a"].pk]), {"log": log.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == HTTPStatus.OK
    assert 'id="cm-script"' in response.content.decode()
    log.refresh_from_db()
    assert log.opened_article == manual["a"]
    empty = results(c, manual["client_a"], "").content.decode()
    assert "Recently used" in empty and "해외에서 카드 분실 시 신고 방법" in empty


@pytest.mark.parametrize("who", ["agent_a", "manager_b"])
def test_nobody_opens_or_pins_an_article_of_a_client_they_cannot_see(as_user, manual, who):
    c = as_user(manual[who])
    article = manual["b"] if who == "agent_a" else manual["a"]
    assert c.get(reverse("knowledge:call_article", args=[article.pk])).status_code == HTTPStatus.NOT_FOUND
    assert c.post(reverse("knowledge:call_pin", args=[article.pk])).status_code == HTTPStatus.NOT_FOUND
    assert not ClientPreference.objects.filter(article=article).exists()


def test_drafts_cannot_be_opened_in_call_mode(as_user, manual):
    response = as_user(manual["agent_a"]).get(reverse("knowledge:call_article", args=[manual["draft"].pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_pinning_toggles_and_pinned_articles_are_listed(as_user, manual):
    c = as_user(manual["agent_a"])
    url = reverse("knowledge:call_pin", args=[manual["a"].pk])
    assert c.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "Pinned" in c.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Pinned" in results(c, manual["client_a"], "").content.decode()
    c.post(url, HTTP_HX_REQUEST="true")
    assert not ClientPreference.objects.filter(kind="pinned").exists()


def test_the_chosen_client_is_remembered(as_user, manual):
    other = ClientCompanyFactory(slug="baro-mall", name="바로마켓")
    manual["agent_a"].clients.add(other)
    c = as_user(manual["agent_a"])
    # never used: the client assigned first (한빛카드), not the first by name (바로마켓)
    assert c.get(reverse("knowledge:call_mode")).context["client"] == manual["client_a"]
    c.get(reverse("knowledge:call_mode"), {"client": "baro-mall"})
    assert c.get(reverse("knowledge:call_mode")).context["client"] == other


def test_an_agent_without_clients_gets_a_clear_message(as_user, db):
    from tests.accounts.factories import UserFactory

    response = as_user(UserFactory()).get(reverse("knowledge:call_mode"))
    assert "No client companies are assigned to you yet." in response.content.decode()


# --- Search log ---------------------------------------------------------------------------------


def test_typing_refines_one_log_row_instead_of_adding_one_per_keystroke(as_user, manual):
    c = as_user(manual["agent_a"])
    log_id = results(c, manual["client_a"], "카").context["result"].log_id
    for partial in ["카드", "카드분ㅅ", "카드분실"]:
        assert results(c, manual["client_a"], partial, log=log_id).context["result"].log_id == log_id
    assert list(SearchLog.objects.values_list("query", "user", "client")) == [
        ("카드분실", manual["agent_a"].pk, manual["client_a"].pk)
    ]
    results(c, manual["client_a"], "요금제", log=log_id)  # a new query is a new row
    assert SearchLog.objects.count() == 2


def test_keys_sent_before_the_previous_answer_came_back_still_refine_one_row(as_user, manual):
    """On a slow server the page sends 카드분, 카드분실, 카드분실해외 before any answer (so with no log
    id): one row still holds the query as finally typed; an answer to an older, shorter key that
    arrives last does not put it back; the same search run again is another search."""
    c = as_user(manual["agent_a"])
    for partial in ["카드분", "카드분실", "카드분실해외", "카드분실"]:
        results(c, manual["client_a"], partial)
    assert list(SearchLog.objects.values_list("query", flat=True)) == ["카드분실해외"]
    results(c, manual["client_a"], "카드분실해외")
    c.force_login(manual["manager_a"])
    results(c, manual["client_a"], "카드분실해외 방법")  # another user: their own row
    rows = SearchLog.objects.order_by("pk").values_list("query", "user")
    agent, manager = manual["agent_a"].pk, manual["manager_a"].pk
    assert list(rows) == [("카드분실해외", agent), ("카드분실해외", agent), ("카드분실해외 방법", manager)]


def test_the_log_row_of_a_keystroke_is_written_without_waiting_for_the_disk(as_user, manual):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        log_id = results(as_user(manual["agent_a"]), manual["client_a"], "카드").context["result"].log_id
    assert SearchLog.objects.get(pk=log_id).query == "카드"
    unsynced = [q["sql"] for q in queries.captured_queries if "synchronous_commit" in q["sql"]]
    assert unsynced == (["SET LOCAL synchronous_commit TO OFF"] if connection.vendor == "postgresql" else [])


def test_nobody_rewrites_someone_elses_log_row(as_user, manual):
    c = as_user(manual["agent_a"])
    log_id = results(c, manual["client_a"], "카드").context["result"].log_id
    c.force_login(manual["manager_a"])
    results(c, manual["client_a"], "카드분실", log=log_id)
    assert sorted(SearchLog.objects.values_list("query", flat=True)) == ["카드", "카드분실"]


def test_search_page_links_record_the_opened_article(as_user, manual):
    c = as_user(manual["agent_a"])
    response = c.get(reverse("knowledge:search"), {"client": "hanbit-card", "q": "해외 분실"})
    log = SearchLog.objects.get()
    open_url = reverse("knowledge:search_open", args=[log.pk, manual["a"].pk])
    assert open_url in response.content.decode()
    assert c.get(open_url).status_code == HTTPStatus.FOUND
    log.refresh_from_db()
    assert log.opened_article == manual["a"]
    assert c.get(reverse("knowledge:search_open", args=[log.pk, manual["b"].pk])).status_code == 404


@pytest.fixture
def long_manual(org):
    """45 published articles that all match 분실: more than one screen of results."""
    indexed_articles(
        org["client_a"],
        [{"title": f"분실 안내 {n:02d}", "answer": f"분실 신고 절차 {n}번"} for n in range(45)],
    )
    return org


def search(client, q, **extra):
    """GET the search page; HTTP_* keywords are request headers, the rest query parameters."""
    headers = {k: v for k, v in extra.items() if k.startswith("HTTP_")}
    params = {k: v for k, v in extra.items() if not k.startswith("HTTP_")}
    return client.get(reverse("knowledge:search"), {"client": "hanbit-card", "q": q, **params}, **headers)


def hit_count(response) -> int:
    return response.content.decode().count('class="search-hit"')


def test_search_page_while_typing_sends_a_short_list_and_a_link_to_the_rest(as_user, long_manual):
    c = as_user(long_manual["agent_a"])
    typing = search(c, "분실", HTTP_HX_REQUEST="true")
    assert hit_count(typing) == 10
    assert typing["Server-Timing"].startswith("search;dur=")
    more = typing.context["more_page"]
    assert more == 1
    assert f"q=%EB%B6%84%EC%8B%A4&amp;page={more}" in typing.content.decode()

    # 더 보기 (htmx) and the full page without JS both show 20, then 40, then the last 45.
    assert hit_count(search(c, "분실", page=1, HTTP_HX_REQUEST="true")) == 20
    full = search(c, "분실")
    assert hit_count(full) == 20 and full.context["more_page"] == 2
    assert "<form" in full.content.decode() and 'name="q"' in full.content.decode()
    assert hit_count(search(c, "분실", page=2)) == 40
    last = search(c, "분실", page=3)
    assert hit_count(last) == 45 and last.context["more_page"] is None


def test_search_page_without_more_results_offers_no_more_link(as_user, manual):
    c = as_user(manual["agent_a"])
    response = search(c, "해외 분실", HTTP_HX_REQUEST="true")
    assert hit_count(response) == 1
    assert "data-search-more" not in response.content.decode()


@pytest.mark.parametrize("page", ["0", "-3", "abc", "999"])
def test_search_page_number_out_of_range_is_clamped(as_user, long_manual, page):
    c = as_user(long_manual["agent_a"])
    response = search(c, "분실", page=page)
    assert response.status_code == HTTPStatus.OK
    assert hit_count(response) == (45 if page == "999" else 20)


def test_search_page_typing_refines_one_log_row(as_user, manual):
    c = as_user(manual["agent_a"])
    log_id = search(c, "해외", HTTP_HX_REQUEST="true").context["result"].log_id
    assert (
        f'data-log-id="{log_id}"' in search(c, "해외 분", log=log_id, HTTP_HX_REQUEST="true").content.decode()
    )
    search(c, "해외 분실", log=log_id, HTTP_HX_REQUEST="true")
    assert list(SearchLog.objects.values_list("query", flat=True)) == ["해외 분실"]


# --- Gaps (zero-result queries) ----------------------------------------------------------------


def test_managers_see_their_clients_zero_result_queries(as_user, manual):
    results(as_user(manual["agent_a"]), manual["client_a"], "포인트 전환")
    results(as_user(manual["agent_a"]), manual["client_a"], "포인트 전환")
    results(as_user(manual["agent_b"]), manual["client_b"], "누리 비밀 질문")
    response = as_user(manual["manager_a"]).get(reverse("knowledge:search_gaps"))
    assert response.status_code == HTTPStatus.OK
    rows = response.context["rows"]
    assert [(r["query"], r["times"]) for r in rows] == [("포인트 전환", 2)]
    assert "누리 비밀 질문" not in response.content.decode()


def test_a_gap_becomes_a_draft_article_with_the_query_as_its_title(as_user, manual):
    results(as_user(manual["agent_a"]), manual["client_a"], "포인트 전환")
    c = as_user(manual["manager_a"])
    page = c.get(reverse("knowledge:search_gaps")).content.decode()
    create = (
        reverse("knowledge:create", args=["hanbit-card"])
        + "?title=%ED%8F%AC%EC%9D%B8%ED%8A%B8%20%EC%A0%84%ED%99%98"
    )
    assert create in page.replace("&amp;", "&")
    form = c.get(create).context["form"]
    assert form.initial["title"] == "포인트 전환"


def test_call_mode_speaks_korean(as_user, manual):
    c = as_user(manual["agent_a"])
    page = c.get(reverse("knowledge:call_mode"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "고객이 말하는 내용을 입력하세요" in page and "검색창으로" in page
    html = results(c, manual["client_a"], "카드분실해외", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "1건" in html


def test_gaps_page_is_refused_to_agents_and_other_managers_clients(as_user, manual):
    assert (
        as_user(manual["agent_a"]).get(reverse("knowledge:search_gaps")).status_code == HTTPStatus.FORBIDDEN
    )
    c = as_user(manual["manager_a"])
    assert c.get(reverse("knowledge:search_gaps"), {"client": "nuri-telecom"}).status_code == 404
    admin = as_user(manual["admin_user"])
    assert admin.get(reverse("knowledge:search_gaps"), {"client": "nuri-telecom"}).status_code == 200


# --- Synonyms -----------------------------------------------------------------------------------


def test_agents_cannot_edit_synonyms(as_user, manual):
    c = as_user(manual["agent_a"])
    assert c.get(reverse("knowledge:synonyms")).status_code == HTTPStatus.FORBIDDEN
    assert c.post(reverse("knowledge:synonyms"), {"terms": "폰, 휴대폰"}).status_code == HTTPStatus.FORBIDDEN
    assert not SynonymGroup.objects.exists()


def test_a_manager_adds_synonyms_for_their_client_and_search_uses_them(as_user, manual):
    c = as_user(manual["manager_a"])
    response = c.post(
        reverse("knowledge:synonyms"), {"client": manual["client_a"].pk, "terms": "잃어버림, 분실"}
    )
    assert response.status_code == HTTPStatus.FOUND
    group = SynonymGroup.objects.get()
    assert group.client == manual["client_a"] and group.terms == "잃어버림, 분실"
    assert AuditEvent.objects.filter(action="knowledge.synonyms.create").exists()
    hits = results(as_user(manual["agent_a"]), manual["client_a"], "잃어버림").context["result"].hits
    assert [h.article_id for h in hits] == [manual["a"].pk]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"terms": "해지"}, "Enter at least two words separated by commas."),
        ({"terms": "해지, !!!"}, "has no letters or digits."),
        ({"terms": ""}, "This field is required."),
    ],
)
def test_bad_synonym_input_is_explained_and_nothing_is_stored(as_user, manual, data, message):
    c = as_user(manual["manager_a"])
    response = c.post(reverse("knowledge:synonyms"), {"client": manual["client_a"].pk, **data})
    assert response.status_code == HTTPStatus.OK
    assert message in str(response.context["form"].errors)
    assert not SynonymGroup.objects.exists()


def test_a_manager_adds_a_colloquial_group_and_search_uses_it(as_user, manual):
    c = as_user(manual["manager_a"])
    data = {
        "client": manual["client_a"].pk,
        "kind": "colloquial",
        "terms": "분실",
        "phrases": "지갑 털렸어요",
    }
    assert c.post(reverse("knowledge:synonyms"), data).status_code == HTTPStatus.FOUND
    group = SynonymGroup.objects.get()
    assert (group.kind, group.phrase_list, group.term_list) == ("colloquial", ["지갑 털렸어요"], ["분실"])
    hits = results(as_user(manual["agent_a"]), manual["client_a"], "지갑 털렸어요").context["result"].hits
    assert hits and hits[0].article_id == manual["a"].pk
    page = as_user(manual["manager_a"]).get(reverse("knowledge:synonyms")).content.decode()
    assert "지갑 털렸어요" in page and "phrases ship with Dasan" in page


@pytest.mark.parametrize(
    ("phrases", "message"),
    [("", "Enter at least one phrase callers use."), ("가요", "is too vague to search by")],
)
def test_bad_colloquial_input_is_explained_and_nothing_is_stored(as_user, manual, phrases, message):
    c = as_user(manual["manager_a"])
    data = {"client": manual["client_a"].pk, "kind": "colloquial", "terms": "해지", "phrases": phrases}
    response = c.post(reverse("knowledge:synonyms"), data)
    assert response.status_code == HTTPStatus.OK
    assert message in str(response.context["form"].errors)
    assert not SynonymGroup.objects.exists()


def test_managers_cannot_add_global_or_other_clients_synonyms(as_user, manual):
    c = as_user(manual["manager_a"])
    response = c.post(reverse("knowledge:synonyms"), {"client": manual["client_b"].pk, "terms": "폰, 휴대폰"})
    assert "client" in response.context["form"].errors
    response = c.post(reverse("knowledge:synonyms"), {"client": "", "terms": "폰, 휴대폰"})
    assert "client" in response.context["form"].errors
    assert not SynonymGroup.objects.exists()


def test_admins_add_global_synonyms(as_user, manual):
    c = as_user(manual["admin_user"])
    c.post(reverse("knowledge:synonyms"), {"client": "", "terms": "폰, 휴대폰"})
    assert SynonymGroup.objects.get().client is None


def test_only_the_right_people_delete_synonyms(as_user, manual):
    own = SynonymGroup.objects.create(client=manual["client_a"], terms="a, b")
    shared = SynonymGroup.objects.create(terms="c, d")
    other = as_user(manual["manager_b"])
    assert other.post(reverse("knowledge:synonym_delete", args=[own.pk])).status_code == 404
    manager = as_user(manual["manager_a"])
    assert manager.post(reverse("knowledge:synonym_delete", args=[shared.pk])).status_code == 403
    assert manager.post(reverse("knowledge:synonym_delete", args=[own.pk])).status_code == 302
    assert list(SynonymGroup.objects.all()) == [shared]


def test_an_article_link_opened_as_a_full_page_shows_call_mode_with_the_article(as_user, manual):
    c = as_user(manual["agent_a"])
    c.post(reverse("knowledge:call_pin", args=[manual["a"].pk]))
    response = c.get(reverse("knowledge:call_article", args=[manual["a"].pk]))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert 'id="cm-script"' in page and 'id="cm-care-slot"' in page
    assert "해외에서 카드 분실 시 신고 방법" in page

"""The manuals API: /api/v1/knowledge/articles/... with the same visibility rule as the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts import services as account_services
from knowledge.models import ArticleStatus, ArticleSuggestion
from tests.knowledge.factories import ArticleFactory, DraftArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/knowledge/articles/"


@pytest.fixture
def api():
    return APIClient()


def as_api(api, user):
    api.force_authenticate(user)
    return api


def test_agent_lists_only_published_articles_of_their_clients(api, org, article_a, article_b):
    DraftArticleFactory(client=org["client_a"], title="초안")
    response = as_api(api, org["agent_a"]).get(LIST)
    assert response.status_code == 200
    titles = [r["title"] for r in response.json()["results"]]
    assert titles == ["해외에서 카드 분실 신고"]
    row = response.json()["results"][0]
    assert (
        row["client"] == "hanbit-card"
        and row["tags"] == ["분실", "해외"]
        and row["url"].endswith(f"/{article_a.pk}/")
    )


def test_manager_filters_by_client_and_status(api, org, article_a):
    DraftArticleFactory(client=org["client_a"], title="초안")
    c = as_api(api, org["manager_a"])
    response = c.get(LIST, {"client": "hanbit-card", "status": "draft"})
    assert [r["title"] for r in response.json()["results"]] == ["초안"]


def test_unknown_or_foreign_client_and_bad_status_are_400(api, org, article_b):
    c = as_api(api, org["agent_a"])
    for slug in ("nuri-telecom", "no-such"):
        response = c.get(LIST, {"client": slug})
        assert response.status_code == 400
        assert response.json()["client"] == [f"Unknown client '{slug}'."]
    response = c.get(LIST, {"status": "secret"})
    assert response.status_code == 400 and "status" in response.json()


def test_detail_follows_the_rule(api, org, article_a):
    url = f"{LIST}{article_a.pk}/"
    body = as_api(api, org["agent_a"]).get(url).json()
    assert body["answer"].startswith("고객님") and body["answer_html"].startswith("<p>")
    for who in ("agent_b", "manager_b"):
        assert as_api(APIClient(), org[who]).get(url).status_code == 404
    assert APIClient().get(url).status_code in (401, 403)


def test_agent_creates_a_suggestion_by_api_with_a_token(api, org, article_a):
    _token, key = account_services.api_token_create(user=org["agent_a"], name="CTI")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.post(
        f"{LIST}{article_a.pk}/suggestions/", {"answer": "API 제안", "note": "CTI"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    suggestion = ArticleSuggestion.objects.get()
    assert suggestion.author == org["agent_a"] and suggestion.answer == "API 제안"
    article_a.refresh_from_db()
    assert article_a.answer != "API 제안"


def test_suggestion_api_bad_input_and_other_clients(api, org, article_a):
    c = as_api(api, org["agent_a"])
    response = c.post(f"{LIST}{article_a.pk}/suggestions/", {}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    response = c.post(f"{LIST}{article_a.pk}/suggestions/", {"title": "가" * 201}, format="json")
    assert response.status_code == 400 and "title" in response.json()
    response = as_api(APIClient(), org["agent_b"]).post(
        f"{LIST}{article_a.pk}/suggestions/", {"answer": "남의 글"}, format="json"
    )
    assert response.status_code == 404
    draft = ArticleFactory(client=org["client_a"], status=ArticleStatus.DRAFT, created_by=org["agent_a"])
    response = c.post(f"{LIST}{draft.pk}/suggestions/", {"answer": "초안에 제안"}, format="json")
    assert response.status_code == 400
    assert not ArticleSuggestion.objects.exists()


def test_list_query_count(api, org, django_assert_max_num_queries):
    for i in range(20):
        ArticleFactory(client=org["client_a"], title=f"글 {i}")
    c = as_api(api, org["manager_a"])
    c.get(LIST)
    with django_assert_max_num_queries(8):
        assert c.get(LIST).status_code == 200


def test_an_empty_status_is_refused(api, org, article_a):
    # Schemathesis: `?status=` was read as "no filter" though the schema's enum has no "".
    response = as_api(api, org["manager_a"]).get(f"{LIST}?status=")
    assert response.status_code == 400
    assert response.json() == {"status": ["'' is not one of draft, review, published, archived"]}


@pytest.mark.parametrize("field", ["answer", "title"])
def test_an_empty_form_encoded_answer_or_title_is_refused_not_dropped(api, org, article_a, field):
    # Schemathesis: DRF reads an empty optional form field as "not sent", so `answer=` with a note
    # made a suggestion that left the answer as it was. Blank is refused, as in JSON.
    c = as_api(api, org["agent_a"])
    data = {field: "", "question": "바뀐 질문", "note": "양식"}
    for fmt in ("multipart", "json"):
        response = c.post(f"{LIST}{article_a.pk}/suggestions/", data, format=fmt)
        assert response.status_code == 400, fmt
        assert list(response.json()) == [field], fmt
    form_encoded = c.generic(
        "POST",
        f"{LIST}{article_a.pk}/suggestions/",
        f"{field}=&question=%EB%B0%94%EB%80%90&note=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert form_encoded.status_code == 400 and list(form_encoded.json()) == [field]
    assert not ArticleSuggestion.objects.exists()
    # Leaving the field out is still fine.
    response = c.post(f"{LIST}{article_a.pk}/suggestions/", {"question": "바뀐 질문"}, format="multipart")
    assert response.status_code == 201 and ArticleSuggestion.objects.get().answer == article_a.answer

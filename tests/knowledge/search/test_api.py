"""GET /api/v1/knowledge/search/: contract, status codes and the permission rule."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from accounts import services as account_services
from knowledge.models import SearchLog

from .helpers import indexed_article

URL = "/api/v1/knowledge/search/"


@pytest.fixture
def manual(org):
    article = indexed_article(
        org["client_a"],
        "해외에서 카드 분실 시 신고 방법",
        answer="해외 분실 신고를 접수합니다.",
        external_id="HB-001",
    )
    indexed_article(org["client_b"], "누리 요금제 변경", answer="요금제 변경")
    return {"article": article, **org}


def test_results_have_the_documented_shape(as_user, manual):
    response = as_user(manual["agent_a"]).get(URL, {"q": "카드분실해외", "client": "hanbit-card"})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) >= {"results", "count", "count_capped", "took_ms"}
    assert body["count"] == 1 and body["count_capped"] is False and isinstance(body["took_ms"], float)
    (hit,) = body["results"]
    assert set(hit) == {"id", "external_id", "title", "client", "category", "snippet", "score", "url"}
    assert hit["id"] == manual["article"].pk and hit["external_id"] == "HB-001"
    assert hit["client"] == "hanbit-card" and 0 < hit["score"] <= 1
    assert "<mark>" in hit["snippet"] and hit["url"]


def test_a_count_cut_at_the_candidate_cap_says_so(as_user, org, monkeypatch):
    from knowledge.search.backends import get_backend

    for i in range(6):
        indexed_article(org["client_a"], f"고객 안내 {i}", answer="고객 응대 공통 문구")
    monkeypatch.setattr(get_backend(), "candidates", 4)
    body = as_user(org["agent_a"]).get(URL, {"q": "고객", "client": "hanbit-card", "limit": 3}).json()
    assert body["count"] == 4 and body["count_capped"] is True
    assert len(body["results"]) == 3


def test_token_authentication_works_and_queries_are_logged(client, manual):
    _token, key = account_services.api_token_create(user=manual["agent_a"])
    response = client.get(URL, {"q": "분실", "client": "hanbit-card"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == HTTPStatus.OK and response.json()["count"] == 1
    assert SearchLog.objects.get().query == "분실"


def test_anonymous_callers_are_refused(client, manual):
    response = client.get(URL, {"q": "분실", "client": "hanbit-card"})
    assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"client": "hanbit-card"}, "q", "This field is required."),
        ({"q": "   ", "client": "hanbit-card"}, "q", "This field may not be blank."),
        ({"q": "분실"}, "client", "This field is required."),
        ({"q": "분실", "client": "no-such-client"}, "client", "Unknown client company “no-such-client”."),
        ({"q": "분실", "client": "hanbit-card", "limit": "0"}, "limit", "greater than or equal to 1"),
        ({"q": "분실", "client": "hanbit-card", "limit": "51"}, "limit", "less than or equal to 50"),
        ({"q": "분실", "client": "hanbit-card", "limit": "ten"}, "limit", "A valid integer is required."),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(as_user, manual, params, field, message):
    response = as_user(manual["agent_a"]).get(URL, params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in " ".join(response.json()[field])
    assert not SearchLog.objects.exists()


def test_limit_bounds_the_results(as_user, manual):
    for i in range(3):
        indexed_article(manual["client_a"], f"분실 안내 {i}", answer="분실")
    body = as_user(manual["agent_a"]).get(URL, {"q": "분실", "client": "hanbit-card", "limit": 2}).json()
    assert len(body["results"]) == 2 and body["count"] == 4


@pytest.mark.parametrize("who", ["agent_a", "manager_b"])
def test_a_client_the_caller_cannot_see_answers_like_one_that_does_not_exist(as_user, manual, who):
    """No existence oracle (issue 18): another team's client and a made-up slug get the same 400."""
    slug = "nuri-telecom" if who == "agent_a" else "hanbit-card"
    c = as_user(manual[who])
    hidden = c.get(URL, {"q": "요금제 분실", "client": slug})
    unknown = c.get(URL, {"q": "요금제 분실", "client": "no-such-client"})
    assert hidden.status_code == unknown.status_code == HTTPStatus.BAD_REQUEST
    assert hidden.json()["client"] == [m.replace("no-such-client", slug) for m in unknown.json()["client"]]
    assert "results" not in hidden.json()
    assert not SearchLog.objects.exists()


def test_admins_search_every_client(as_user, manual):
    response = as_user(manual["admin_user"]).get(URL, {"q": "요금제", "client": "nuri-telecom"})
    assert response.status_code == HTTPStatus.OK and response.json()["count"] == 1

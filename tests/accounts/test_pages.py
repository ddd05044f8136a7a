"""Directory, profile, notifications, API-token pages, and the anonymous sweep over every URL."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import services
from accounts.models import ApiToken, Notification
from tests.accounts.factories import UserFactory


def test_directory_finds_colleagues_by_name_and_team(as_user, org):
    c = as_user(org["agent_a"])
    response = c.get(reverse("accounts:directory"), {"q": "이서"})
    names = [p.name for p in response.context["page"]]
    assert names == ["이서준"]
    response = c.get(reverse("accounts:directory"), {"team": org["team_a"].pk})
    assert [p.name for p in response.context["page"]] == ["김민지", "박지현"]  # the member and the manager


def test_a_manager_is_listed_with_the_teams_they_manage(as_user, org):
    from tests.accounts.factories import TeamFactory

    TeamFactory(name="상담3팀", manager=org["manager_a"])
    c = as_user(org["agent_a"])
    found = c.get(reverse("accounts:directory"), {"q": "상담3"}).context["page"]
    assert [p.name for p in found] == ["박지현"]
    html = c.get(reverse("accounts:directory"), {"q": "박지현"}).content.decode()
    assert "manages" in html and "상담1팀, 상담3팀" in html
    profile = c.get(reverse("accounts:profile", args=[org["manager_a"].pk])).content.decode()
    assert "Manages" in profile and f"?team={org['team_a'].pk}" in profile


def test_directory_htmx_returns_only_the_results(as_user, org):
    response = as_user(org["agent_a"]).get(reverse("accounts:directory"), {"q": "김"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "accounts/_directory_results.html"
    assert "김민지" in response.content.decode()


def test_directory_ignores_a_bad_team_parameter(as_user, org):
    assert (
        as_user(org["agent_a"]).get(reverse("accounts:directory"), {"team": "abc"}).status_code
        == HTTPStatus.OK
    )


def test_profile_shows_the_person(as_user, org):
    response = as_user(org["agent_a"]).get(reverse("accounts:profile", args=[org["agent_b"].pk]))
    assert response.status_code == HTTPStatus.OK
    assert "누리텔레콤" in response.content.decode()


def test_profile_of_inactive_person_is_404(as_user, org):
    gone = UserFactory(is_active=False)
    assert (
        as_user(org["agent_a"]).get(reverse("accounts:profile", args=[gone.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )


def test_notify_stores_and_emails_once_committed(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([org["agent_a"], org["agent_b"]], "새 매뉴얼이 게시되었습니다", url="/knowledge/1/")
    assert Notification.objects.filter(verb="새 매뉴얼이 게시되었습니다").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["agent.a@dasan.test", "agent.b@dasan.test"]
    assert "/knowledge/1/" in mail.outbox[0].body


def test_bell_shows_unread_count_and_mark_read_clears_it(as_user, org):
    services.notify(org["agent_a"], "알림 하나", email=False)
    services.notify(org["agent_a"], "알림 둘", email=False)
    c = as_user(org["agent_a"])
    assert 'data-testid="unread-count">2<' in c.get(reverse("home")).content.decode()
    bell = c.get(reverse("accounts:notifications_bell")).content.decode()
    assert "알림 하나" in bell and "알림 둘" in bell
    c.post(reverse("accounts:notifications_read"))
    assert "unread-count" not in c.get(reverse("home")).content.decode()


def test_nobody_reads_someone_elses_notifications(as_user, org):
    services.notify(org["agent_b"], "비밀 알림", email=False)
    c = as_user(org["agent_a"])
    assert "비밀 알림" not in c.get(reverse("accounts:notifications")).content.decode()
    note = Notification.objects.get(verb="비밀 알림")
    c.post(reverse("accounts:notifications_read"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_read_does_not_redirect_off_site(as_user, org):
    response = as_user(org["agent_a"]).post(
        reverse("accounts:notifications_read"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:notifications")


def test_api_token_page_creates_shows_once_and_revokes(as_user, org):
    c = as_user(org["agent_a"])
    response = c.post(reverse("accounts:api_tokens"), {"name": "CTI 팝업"})
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=org["agent_a"])
    assert token.key_hash == ApiToken.hash_key(key) and token.name == "CTI 팝업"
    assert key not in c.get(reverse("accounts:api_tokens")).content.decode()
    c.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_another_persons_token(as_user, org):
    token, _key = services.api_token_create(user=org["agent_b"])
    response = as_user(org["agent_a"]).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    token.refresh_from_db()
    assert token.revoked_at is None


# --- Every URL is closed to anonymous visitors ----------------------------------------------
# Pages that must stay open: signing in, password reset, the language switch, the token exchange.
# Health checks answer load balancers without a sign-in (tests/ops/test_health.py).
PUBLIC_PREFIXES = (
    "/accounts/",
    "/i18n/",
    "/api/v1/auth/token/",
    "/favicon.ico",
    "/static/",
    "/media/",
    "/health/",
)


def _all_paths(resolver=None, prefix="/"):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _all_paths(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            path = prefix + route
            for token, value in (
                ("<int:", "1"),
                ("<slug:", "x"),
                ("<str:", "x"),
                ("<uuid:", "00000000-0000-0000-0000-000000000000"),
                ("<path:", "x"),
                ("<", "x"),
            ):
                while token in path:
                    start = path.index(token)
                    path = path[:start] + value + path[path.index(">", start) + 1 :]
            path = path.replace("^", "").replace("$", "").replace("\\Z", "")
            if any(ch in path for ch in "()[]?*+\\"):
                continue  # regex routes (admin internals); the admin has its own test
            yield path


@pytest.mark.django_db
def test_every_url_answers_redirect_or_refusal_to_anonymous(client):
    paths = sorted(set(_all_paths()))
    assert len(paths) > 10
    checked = 0
    for path in paths:
        if path.startswith(PUBLIC_PREFIXES) or path.startswith("/admin/"):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code in (
                HTTPStatus.FOUND,
                HTTPStatus.UNAUTHORIZED,
                HTTPStatus.FORBIDDEN,
                HTTPStatus.METHOD_NOT_ALLOWED,
                HTTPStatus.NOT_FOUND,
            ), f"{method.upper()} {path} answered {response.status_code} to an anonymous visitor"
            if response.status_code == HTTPStatus.FOUND:
                assert "/accounts/login/" in response["Location"], (
                    f"{path} redirects to {response['Location']}"
                )
            checked += 1
    assert checked > 10


def test_pages_carry_a_content_security_policy_without_inline_scripts(as_user, org):
    policy = as_user(org["agent_a"]).get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"

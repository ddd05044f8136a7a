"""Production settings pass `check --deploy`; pages carry a CSP and run no inline script; sessions
end when idle; managers and admins meet TOTP on every path."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import AdminFactory, ManagerFactory
from tests.security import matrix
from tests.security.test_permission_matrix import _url
from tests.security.world import build_world

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "DASAN_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DASAN_PRODUCTION": "1",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "intranet.example.com",
        "CACHE_URL": "rediscache://127.0.0.1:6379/1",
        "DASAN_VAR_DIR": str(ROOT / "var" / "deploy-check"),
    }
    return env | extra


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_can_fail():
    """The check above means something: debug on, or a cache each process keeps to itself, is caught."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env(DEBUG="1"))
    assert result.returncode != 0 and "security.W018" in result.stderr  # DEBUG in production
    env = _production_env()
    del env["CACHE_URL"]
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0 and "dasan.W001" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_security_settings():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','SECURE_SSL_REDIRECT',"
        "'SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_CONTENT_TYPE_NOSNIFF',"
        "'X_FRAME_OPTIONS','SECURE_PROXY_SSL_HEADER','SESSION_COOKIE_AGE','SESSION_COOKIE_SAMESITE',"
        "'CSRF_COOKIE_SAMESITE','DEBUG','SESSION_ENGINE','TRUSTED_PROXIES']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_production_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax" and values["DEBUG"] is False
    assert values["SESSION_COOKIE_AGE"] <= 12 * 3600
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"  # Redis, then PG
    # Limits key on the client behind the local proxy, and X-Forwarded-For is believed from it only.
    assert values["TRUSTED_PROXIES"] == ["127.0.0.1", "::1"]


# --- Content-Security-Policy and no inline script ------------------------------------------------
class _ScriptFinder(HTMLParser):
    """Collects inline script bodies, inline event handlers and javascript: URLs."""

    DATA_TYPES = ("application/json", "application/ld+json", "text/template")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._inline = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not attributes.get("src"):
            self._inline = (attributes.get("type") or "").lower() not in self.DATA_TYPES

    def handle_data(self, data):
        if self._inline and data.strip():
            self.problems.append(f"<script>{data.strip()[:60]}…")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline = False


def inline_script_problems(html: str) -> list[str]:
    finder = _ScriptFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_finds_what_it_must():
    assert inline_script_problems('<script>alert(1)</script><a onclick="x()">') == [
        "<script>alert(1)…",
        "<a onclick=…>",
    ]
    assert inline_script_problems('<script src="/static/js/app.js"></script><a href="/">x</a>') == []
    assert inline_script_problems('<script type="application/json">{"a": 1}</script>') == []


PAGES = [
    ("anon", "account_login", None),
    ("anon", "account_reset_password", None),
    ("agent_a", "home", None),
    ("agent_a", "knowledge:home", None),
    ("agent_a", "knowledge:client", "SLUG_A"),
    ("agent_a", "knowledge:article", "article"),
    ("agent_a", "knowledge:call_mode", None),
    ("agent_a", "knowledge:search", None),
    ("agent_a", "knowledge:suggest", "article"),
    ("agent_a", "knowledge:calls_home", "SLUG_A"),
    ("agent_a", "bookclub:home", None),
    ("agent_a", "bookclub:library", None),
    ("agent_a", "bookclub:book", "book"),
    ("agent_a", "bookclub:reviews", None),
    ("agent_a", "bookclub:review", "review"),
    ("agent_a", "bookclub:review_new", None),
    ("agent_a", "wellbeing:home", None),
    ("agent_a", "wellbeing:overtime_new", None),
    ("agent_a", "wellbeing:care", None),
    ("agent_a", "wellbeing:devices", None),
    ("agent_a", "accounts:directory", None),
    ("agent_a", "accounts:api_tokens", None),
    ("agent_a", "mfa_index", None),
    ("manager_a", "knowledge:review", None),
    ("manager_a", "knowledge:edit", "article"),
    ("manager_a", "knowledge:import", None),
    ("manager_a", "knowledge:calls_upload", "SLUG_A"),
    ("manager_a", "knowledge:calls_topics", "SLUG_A"),
    ("manager_a", "knowledge:suggestion", "suggestion"),
    ("manager_a", "wellbeing:inbox", None),
    ("manager_a", "wellbeing:week", None),
    ("admin", "bookclub:desk", None),
    ("admin", "bookclub:book_create", None),
    ("admin", "bookclub:results", "MONTH"),
    ("admin", "wellbeing:days_off", None),
    ("admin", "admin:index", None),
    ("admin", "admin:knowledge_article_changelist", None),
    ("admin", "api-docs", None),
]


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def test_main_pages_carry_the_policy_and_run_no_inline_script(world):
    checked = 0
    for actor, name, arg in PAGES:
        client = Client()
        if actor != "anon":
            client.force_login(world.users[actor])
        args = (
            None if arg is None else {"SLUG_A": matrix.SLUG_A, "MONTH": matrix.MONTH}.get(arg, matrix.pk(arg))
        )
        url = _url(name, args, world)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, f"{actor} {url}: {response.status_code}"
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'", url  # no 'unsafe-inline', no CDN
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        problems = inline_script_problems(response.content.decode())
        assert not problems, f"{url} ({actor}) runs inline script: {problems}"
        checked += 1
    assert checked == len(PAGES)


def test_no_template_holds_an_inline_script_or_handler():
    """The same rule over every template, including pages no test renders."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"{%.*?%}|{{.*?}}", "", text, flags=re.S)  # template tags are not HTML
        for problem in inline_script_problems(text):
            offenders.append(f"{path.relative_to(ROOT)}: {problem}")
    assert not offenders, "\n".join(offenders)


# --- Sessions end when idle -------------------------------------------------------------------
def test_an_idle_session_ends_and_an_active_one_lives_on(world):
    client = Client()
    client.post(
        reverse("account_login"), {"login": "agent.a@dasan.test", "password": "correct-horse-battery"}
    )
    start = timezone.now()
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start, tick=False) as clock:
        assert client.get(reverse("home")).status_code == HTTPStatus.OK
        # Working all day: every request within the idle limit keeps the session.
        for _hour in range(3):
            clock.shift(idle * 0.6)
            assert client.get(reverse("home")).status_code == HTTPStatus.OK
        clock.shift(idle + timedelta(minutes=1))
        response = client.get(reverse("home"))
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))


def test_working_does_not_write_the_session_on_every_request(world):
    from django.contrib.sessions.models import Session

    client = Client()
    client.force_login(world.users["agent_a"])
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(reverse("home"))
        first = Session.objects.get(pk=key).expire_date
        for _i in range(5):
            clock.shift(timedelta(minutes=5))
            client.get(reverse("knowledge:call_mode"))
        assert Session.objects.get(pk=key).expire_date == first  # 25 minutes of work, no write
        clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE // 10))
        client.get(reverse("home"))
        assert Session.objects.get(pk=key).expire_date > first  # renewed once a tenth has passed


def test_session_cookie_is_http_only_and_same_site(world):
    client = Client()
    client.post(
        reverse("account_login"), {"login": "agent.a@dasan.test", "password": "correct-horse-battery"}
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


# --- MFA on every path ----------------------------------------------------------------------------
# What a manager or admin without TOTP gets: the set-up page for HTML, 403 from the API. The PC
# agent's endpoints take no session at all (401), and the token exchange refuses them (tested in
# tests/accounts/test_api_auth.py).
# Health checks and /metrics ignore the session altogether (a load balancer, Prometheus).
MFA_FREE_PREFIXES = ("/accounts/", "/i18n/", "/favicon.ico", "/health/", "/metrics")
DEVICE_ROUTES = {"wellbeing-device-register", "wellbeing-device-plan", "wellbeing-device-events"}


@pytest.mark.parametrize("factory", [ManagerFactory, AdminFactory], ids=["manager", "admin"])
def test_without_totp_every_path_leads_to_the_mfa_set_up(world, factory):
    person = factory(totp=False)
    client = Client()
    client.force_login(person)
    setup = reverse("mfa_activate_totp")
    wrong = []
    paths = 0
    for key, (method, args, _expected, *extra) in sorted(matrix.ROUTES.items()):
        url = _url(key, args, world)
        if url.startswith(MFA_FREE_PREFIXES) or key == "api-token":
            continue
        data = extra[0](world) if extra else {}
        response = getattr(client, method)(url, data)
        if url.startswith("/api/"):
            want = HTTPStatus.UNAUTHORIZED if key in DEVICE_ROUTES else HTTPStatus.FORBIDDEN
            if response.status_code != want:
                wrong.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
        elif response.status_code != HTTPStatus.FOUND or not response["Location"].startswith(setup):
            wrong.append(f"{method.upper()} {url}: {response.status_code} {response.get('Location', '')}")
        paths += 1
    for url in ("/admin/", "/admin/accounts/user/", "/admin/knowledge/article/"):
        response = client.get(url)
        if not response.get("Location", "").startswith(setup):
            wrong.append(f"GET {url}: {response.status_code} {response.get('Location', '')}")
    assert paths > 100
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("factory", [ManagerFactory, AdminFactory], ids=["manager", "admin"])
def test_the_token_endpoint_demands_totp_of_managers_and_admins(db, factory):
    """No way round the second factor through the API: without TOTP no token; with it, the code."""
    from tests.accounts.factories import totp_code

    url = reverse("api-token")
    without = factory(totp=False)
    body = {"email": without.email, "password": "correct-horse-battery"}
    assert Client().post(url, body, content_type="application/json").status_code == HTTPStatus.FORBIDDEN
    person = factory()
    body = {"email": person.email, "password": "correct-horse-battery"}
    assert Client().post(url, body, content_type="application/json").status_code == HTTPStatus.BAD_REQUEST
    ok = Client().post(url, {**body, "otp": totp_code(person)}, content_type="application/json")
    assert ok.status_code == HTTPStatus.CREATED

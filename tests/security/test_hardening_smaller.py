"""Issue 18, item 8: upload cap before the body is read, gunicorn on loopback, no caching of
signed-in pages and exports, full-width formula starts."""

from __future__ import annotations

import importlib.util
import io
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from knowledge.manuals.exporting import safe_cell
from tests.knowledge.factories import published_article

ROOT = Path(__file__).resolve().parents[2]


class _ExplodingStream(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    def readable(self):
        return True


@pytest.mark.django_db
def test_a_too_large_multipart_upload_is_refused_before_its_body_is_read(org, settings):
    from django.core.handlers.wsgi import WSGIRequest

    settings.DASAN_UPLOAD_MAX_BYTES = 1024 * 1024
    c = Client()
    c.force_login(org["manager_a"])
    environ = c._base_environ(
        PATH_INFO=reverse("knowledge:import"),
        REQUEST_METHOD="POST",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    environ["wsgi.input"] = _ExplodingStream()
    request = WSGIRequest(environ)
    from config.hardening import UploadSizeLimitMiddleware

    response = UploadSizeLimitMiddleware(lambda r: r.POST and None)(request)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "at most 1 MB" in response.content.decode()


@pytest.mark.django_db
def test_the_upload_cap_answers_413_through_the_whole_stack(org, settings):
    settings.DASAN_UPLOAD_MAX_BYTES = 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    c = Client()
    c.force_login(org["manager_a"])
    big = io.BytesIO(b"x" * 10_000)
    big.name = "big.csv"
    response = c.post(reverse("knowledge:import"), {"file": big})
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def _gunicorn_config(monkeypatch, **env) -> dict:
    for key in ("GUNICORN_BIND", "WEB_BIND_ADDRESS", "TRUSTED_PROXIES", "PORT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "config" / "gunicorn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def test_gunicorn_listens_on_loopback_and_trusts_forwarded_headers_from_the_proxies_only(monkeypatch):
    conf = _gunicorn_config(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    conf = _gunicorn_config(monkeypatch, WEB_BIND_ADDRESS="10.0.0.5", PORT="9000", TRUSTED_PROXIES="10.0.0.2")
    assert conf["bind"] == "10.0.0.5:9000" and conf["forwarded_allow_ips"] == "10.0.0.2"


@pytest.mark.django_db
def test_signed_in_pages_and_exports_are_not_cached(org):
    c = Client()
    c.force_login(org["manager_a"])
    published_article(client=org["client_a"], by=org["manager_a"], title="안내")
    for url in (
        reverse("home"),
        reverse("knowledge:export", args=[org["client_a"].slug, "csv"]),
        "/api/v1/me/",
    ):
        response = c.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert response["Cache-Control"] == "private, no-store", url


@pytest.mark.parametrize(
    "value", ['＝HYPERLINK("http://evil.example")', "＋1", "－1", "＠SUM(A1)", "  =1+1", "\u3000＝1"]
)
def test_full_width_and_indented_formula_starts_are_kept_as_text(value):
    assert safe_cell(value) == "'" + value


def test_ordinary_text_is_left_alone():
    assert safe_cell("카드 분실 = 재발급") == "카드 분실 = 재발급"


@pytest.mark.django_db
def test_another_managers_team_answers_like_a_team_that_does_not_exist(org):
    c = Client()
    c.force_login(org["manager_a"])
    other = c.get(reverse("reports:team") + f"?team={org['team_b'].pk}")
    missing = c.get(reverse("reports:team") + "?team=999999")
    assert other.status_code == missing.status_code == HTTPStatus.NOT_FOUND

"""Request ids, JSON logs (LOG_FORMAT=json) and Sentry switched on by SENTRY_DSN."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from ops.logging import JsonFormatter, RequestIdFilter, request_id_var
from tests.ops.test_worker_registry import ROOT


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_keeps_a_sane_one_from_the_proxy(client):
    first = client.get(reverse("account_login"))["X-Request-ID"]
    second = client.get(reverse("account_login"))["X-Request-ID"]
    assert len(first) == 32 and first != second
    kept = client.get(reverse("account_login"), HTTP_X_REQUEST_ID="lb-7f3a9c21")["X-Request-ID"]
    assert kept == "lb-7f3a9c21"
    injected = client.get(reverse("account_login"), HTTP_X_REQUEST_ID="bad id\r\nSet-Cookie: x=1")
    assert injected["X-Request-ID"] != "bad id\r\nSet-Cookie: x=1"
    assert len(injected["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_every_response_tells_the_browser_how_long_the_server_took(client):
    timing = client.get(reverse("account_login"))["Server-Timing"]
    name, duration = timing.split(";dur=")
    assert name == "app" and float(duration) > 0


@pytest.mark.django_db
def test_log_lines_of_a_request_carry_its_id(client, caplog, monkeypatch):
    seen = []

    def view_logs(*args, **kwargs):
        record = logging.makeLogRecord({"msg": "inside"})
        RequestIdFilter().filter(record)
        seen.append(record.request_id)

    from django.contrib.auth import signals

    signals.user_login_failed.connect(view_logs, dispatch_uid="test-rid")
    try:
        response = client.post(
            reverse("account_login"), {"login": "nobody@dasan.test", "password": "wrong-password"}
        )
    finally:
        signals.user_login_failed.disconnect(dispatch_uid="test-rid")
    assert seen == [response["X-Request-ID"]]


def test_the_json_formatter_writes_one_object_with_the_request_id_and_extras():
    token = request_id_var.set("req-12345678")
    try:
        record = logging.LogRecord(
            "dasan.test", logging.WARNING, __file__, 1, "import %s failed", ("x.csv",), None
        )
        record.job_id = 7
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "import x.csv failed"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "req-12345678"
    assert line["job_id"] == 7
    assert line["time"].endswith("+00:00")


def _settings_in_a_fresh_process(env: dict, code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.strip()


def test_log_format_json_switches_the_console_handler():
    code = "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"
    assert _settings_in_a_fresh_process({"LOG_FORMAT": "json"}, code) == "json"
    assert _settings_in_a_fresh_process({"LOG_FORMAT": "plain"}, code) == "plain"


def test_sentry_is_initialised_from_settings_only_when_a_dsn_is_set():
    # No event is sent: only the client's configuration is read.
    code = (
        "import sentry_sdk; c = sentry_sdk.get_client(); "
        "print(c.is_active(), c.options.get('dsn'), c.options.get('send_default_pii'))"
    )
    dsn = "https://public@sentry.example.invalid/1"
    assert _settings_in_a_fresh_process({"SENTRY_DSN": dsn}, code) == f"True {dsn} False"
    assert _settings_in_a_fresh_process({"SENTRY_DSN": ""}, code).startswith("False")

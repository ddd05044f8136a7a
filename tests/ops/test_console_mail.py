"""In the embedded mode e-mail goes to the console, where a person reads it: Korean subjects and
bodies decoded, not MIME (issue 13, item 9)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.mail import EmailMultiAlternatives, get_connection

ROOT = Path(__file__).resolve().parents[2]


def test_the_embedded_default_prints_readable_mail():
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "config.mail.ReadableConsoleBackend"


def test_korean_subject_and_body_are_printed_as_written():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="[다산] 연장근무 요청이 승인되었습니다",
        body="김민지님, 오늘 20:00까지 연장근무가 승인되었습니다.\n링크: http://127.0.0.1:8000/wellbeing/",
        from_email="Dasan <no-reply@dasan.local>",
        to=["agent1@dasan.example"],
        connection=get_connection("config.mail.ReadableConsoleBackend", stream=stream),
    )
    message.attach_alternative("<p>김민지님</p>", "text/html")
    message.attach("안내.txt", "첨부", "text/plain")
    assert message.send() == 1
    printed = stream.getvalue()
    assert "Subject: [다산] 연장근무 요청이 승인되었습니다" in printed
    assert "김민지님, 오늘 20:00까지 연장근무가 승인되었습니다." in printed
    assert "To: agent1@dasan.example" in printed
    assert "[+ text/html version]" in printed and "[attachment: 안내.txt]" in printed
    assert "=?utf-8?" not in printed and "Content-Transfer-Encoding" not in printed

"""Korean is the default language; English is the second."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse


@override_settings(LANGUAGE_CODE="ko")
def test_pages_are_korean_by_default(as_user, org):
    html = as_user(org["agent_a"]).get(reverse("home")).content.decode()
    assert '<html lang="ko">' in html
    assert "안녕하세요" in html and "디렉터리" in html


@override_settings(LANGUAGE_CODE="ko")
def test_switching_to_english(as_user, org):
    c = as_user(org["agent_a"])
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = c.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html and "Hello" in html


@override_settings(LANGUAGE_CODE="ko")
def test_login_page_is_korean(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert "로그인" in html

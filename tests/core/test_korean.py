"""Korean particles, durations and days (core.korean), and the filters that use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from core.korean import format_day, format_duration, format_minutes, josa, resolve_particles


@pytest.mark.parametrize(
    "word,particle,expected",
    [
        ("지구 끝의 온실", "을", "지구 끝의 온실을"),
        ("지구 끝의 온실", "를", "지구 끝의 온실을"),  # either form may be asked for
        ("아몬드", "을", "아몬드를"),
        ("김민지", "이", "김민지가"),
        ("박지훈", "이", "박지훈이"),
        ("상담1팀", "은", "상담1팀은"),
        ("매니저", "은", "매니저는"),
        ("카드", "과", "카드와"),
        ("통장", "과", "통장과"),
        # 으로/로: ㄹ takes 로 like a vowel does
        ("서울", "으로", "서울로"),
        ("부산", "으로", "부산으로"),
        ("사내 SSO", "으로", "사내 SSO로"),
        # digits as read: 1 일, 2 이, 3 삼, 6 육, 10 십, 100 백
        ("1", "을", "1을"),
        ("2", "을", "2를"),
        ("3", "으로", "3으로"),
        ("7", "으로", "7로"),
        ("10", "이", "10이"),
        ("2,000", "이", "2,000이"),
        ("25", "가", "25가"),
        # Latin: abbreviations letter by letter, words by their ending
        ("HTML", "을", "HTML을"),
        ("KT", "이", "KT가"),
        ("Google", "을", "Google을"),
        ("manager", "는", "manager는"),
        # closing quotes and brackets are looked through
        ("『지구 끝의 온실』", "을", "『지구 끝의 온실』을"),
        ("“카드 분실”", "이", "“카드 분실”이"),
    ],
)
def test_josa_picks_the_particle_from_the_last_sound(word, particle, expected):
    assert josa(word, particle) == expected


def test_an_unknown_particle_is_an_error():
    with pytest.raises(ValueError):
        josa("책", "의")


def test_pairs_in_finished_sentences_are_resolved():
    text = "『아몬드』{을/를} 빌렸습니다. 사내 SSO{으로/로} 로그인. <strong>김민지</strong>{이/가} 썼습니다. r12{을/를}"
    assert (
        resolve_particles(text)
        == "『아몬드』를 빌렸습니다. 사내 SSO로 로그인. <strong>김민지</strong>가 썼습니다. r12를"
    )
    assert resolve_particles("no markers {here}") == "no markers {here}"


def test_durations_read_as_people_say_them():
    with translation.override("ko"):
        assert format_duration(311) == "5분 11초"
        assert format_duration(45) == "45초"
        assert format_duration(5400) == "1시간 30분"
        assert format_minutes(450) == "7시간 30분"
        assert format_minutes(480) == "8시간"
        assert format_minutes(0) == "0분"
    with translation.override("en"):
        assert format_duration(311) == "5 min 11 s"


def test_days_read_with_the_weekday():
    with translation.override("ko"):
        assert format_day(dt.date(2026, 12, 7)) == "12월 7일 (월)"
    with translation.override("en"):
        assert format_day(dt.date(2026, 12, 7)) == "Dec 7 (Mon)"


def test_template_filters():
    template = Template(
        '{% load korean %}{{ t|josa:"을" }} · {{ s|duration }} · {{ m|minutes }} · {{ h|hour_amount }} · {{ d|day }}'
    )
    with translation.override("ko"):
        out = template.render(
            Context({"t": "아몬드", "s": 311, "m": 90, "h": 5.48, "d": dt.date(2026, 12, 7)})
        )
    assert out == "아몬드를 · 5분 11초 · 1시간 30분 · 5시간 29분 · 12월 7일 (월)"


def test_pages_get_their_particles_picked(client, db, settings):
    """The middleware resolves pairs that translations leave in a finished page."""
    from django.http import HttpResponse

    from core.middleware import KoreanParticlesMiddleware

    page = KoreanParticlesMiddleware(lambda r: HttpResponse("<p>『아몬드』{을/를} 빌렸습니다</p>"))(None)
    assert page.content.decode() == "<p>『아몬드』를 빌렸습니다</p>"
    plain = KoreanParticlesMiddleware(lambda r: HttpResponse(b"\x89PNG {x}", content_type="image/png"))(None)
    assert plain.content == b"\x89PNG {x}"

"""knowledge.manuals.markdown.render: the one way user Markdown reaches a page."""

from __future__ import annotations

import threading

import markdown

from knowledge.manuals.markdown import render, sanitize

SAMPLES = [
    "**고객님**, 안내해 드리겠습니다.<script>alert(1)</script>",
    "| 요금제 | 월 |\n|---|---|\n| 5G | 55,000 |",
    "1. 본인 확인\n2. 분실 신고\n\n* 해외\n* 국내",
    "첫 줄\n둘째 줄\n\n    코드 블록\n\n`인라인`",
    "[위험](javascript:alert(3)) <img src=x onerror=alert(2)> [안전](https://example.com)",
    "",
]


def _fresh(text: str) -> str:
    html = markdown.markdown(text, extensions=["tables", "sane_lists", "nl2br"], output_format="html")
    return sanitize(html)


def test_the_reused_converter_renders_each_text_as_a_fresh_one_would():
    # Twice over, in both orders: nothing of one conversion may leak into the next.
    for text in SAMPLES + SAMPLES[::-1]:
        assert str(render(text)) == _fresh(text)


def test_each_thread_renders_with_its_own_converter():
    results, errors = {}, []

    def work(n):
        try:
            results[n] = [str(render(text)) for text in SAMPLES * 20]
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    expected = [_fresh(text) for text in SAMPLES * 20]
    assert all(r == expected for r in results.values())

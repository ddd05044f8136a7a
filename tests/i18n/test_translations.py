"""The Korean catalogue is assembled from one JSON file per part (locale/ko/<part>.json)."""

from __future__ import annotations

import json
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ko"


def test_parts_never_translate_the_same_string_differently():
    """One msgid has one translation: parts that mean something else must use a context (pgettext)."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted(LOCALE.glob("*.json")):
        for msgid, text in json.loads(path.read_text(encoding="utf-8")).items():
            if msgid in seen and seen[msgid][1] != text:
                clashes.append(f"{msgid!r}: {seen[msgid][0]}={seen[msgid][1]!r} vs {path.name}={text!r}")
            seen.setdefault(msgid, (path.name, text))
    assert not clashes, "add a context (pgettext / {% translate … context … %}):\n" + "\n".join(clashes)


def test_contexts_keep_different_meanings_apart(settings):
    from django.utils import translation

    with translation.override("ko"):
        assert translation.gettext("Copy") == "복사"
        assert translation.pgettext("book copy", "Copy") == "소장본"

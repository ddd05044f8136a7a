"""Nobody reads "을(를)": no template, code or message string writes both particles.

Where the particle depends on a name, the Korean writes the pair in braces ({을/를}) and
core.korean picks one; see core/korean.py.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FALLBACK = re.compile(r"\((?:을|를|이|가|은|는|과|와|으|으로|로|이나|나|아|야|이랑|랑|이에요|예요)\)")
PLACES = [
    "templates",
    "locale",
    "accounts",
    "knowledge",
    "bookclub",
    "wellbeing",
    "reports",
    "config",
    "core",
    "static/js",
]
SUFFIXES = {".html", ".txt", ".py", ".json", ".po", ".js"}


def test_no_both_particles_fallback_anywhere():
    offenders = []
    for place in PLACES:
        for path in (ROOT / place).rglob("*"):
            if path.suffix not in SUFFIXES or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if FALLBACK.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not offenders, "write {을/를} (resolved by core.korean) instead:\n" + "\n".join(offenders)


def test_one_word_for_password():
    """비밀번호, never 패스워드 (allauth's own Korean says both)."""
    offenders = [
        str(path.relative_to(ROOT))
        for place in ("templates", "locale/ko")
        for path in (ROOT / place).rglob("*")
        if path.suffix in {".html", ".txt", ".json", ".po"} and "패스워드" in path.read_text(encoding="utf-8")
    ]
    assert not offenders

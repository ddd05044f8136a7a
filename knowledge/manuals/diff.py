"""Readable differences between two versions of an article (difflib), per field.

Lines are matched first; changed lines are then compared character by character, which suits
Korean text (no spaces between many words). The output is already escaped HTML with <del>/<ins>.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass
class DiffRow:
    kind: str  # "same", "changed", "added", "removed"
    left: SafeString
    right: SafeString


@dataclass
class FieldDiff:
    name: str
    label: str
    changed: bool
    rows: list[DiffRow] = field(default_factory=list)


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 (callers pass only escaped text inside <del>/<ins>)


def _del(text: str) -> SafeString:
    return _safe(f"<del>{escape(text)}</del>")


def _ins(text: str) -> SafeString:
    return _safe(f"<ins>{escape(text)}</ins>")


def _inline(a: str, b: str) -> tuple[SafeString, SafeString]:
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append(escape(a[i1:i2]))
            right.append(escape(b[j1:j2]))
            continue
        if i2 > i1:
            left.append(_del(a[i1:i2]))
        if j2 > j1:
            right.append(_ins(b[j1:j2]))
    return _safe("".join(left)), _safe("".join(right))


def diff_text(old: str, new: str) -> list[DiffRow]:
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows: list[DiffRow] = []
    empty = _safe("")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [DiffRow("same", escape(line), escape(line)) for line in a[i1:i2]]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for k in range(max(len(olds), len(news))):
            if k < len(olds) and k < len(news):
                left, right = _inline(olds[k], news[k])
                rows.append(DiffRow("changed", left, right))
            elif k < len(olds):
                rows.append(DiffRow("removed", _del(olds[k]), empty))
            else:
                rows.append(DiffRow("added", empty, _ins(news[k])))
    return rows


def diff_versions(old, new, fields: list[tuple[str, str]]) -> list[FieldDiff]:
    """`old` and `new` are objects (revisions, suggestions, articles) with the given attributes."""
    out = []
    for name, label in fields:
        a, b = getattr(old, name, "") or "", getattr(new, name, "") or ""
        out.append(FieldDiff(name=name, label=label, changed=a != b, rows=diff_text(a, b)))
    return out

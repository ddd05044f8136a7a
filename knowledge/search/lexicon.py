"""The colloquial lexicon: callers' phrases → the nouns manuals use, applied at query time.

The shipped entries (lexicon_data.py) are parsed once per process; a client's own entries (edited
with the synonym groups, kind "colloquial") are added per client and cached with the synonyms. A
phrase matches when its morphemes occur in the query in order, at most MAX_GAP other morphemes
apart; the query words it covers then also match the manual words, with LEXICON credit (less than
the words typed). Nothing here reads the database or Kiwi per query beyond the query itself.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from . import tokenizer

MAX_GAP = 2
# Everyday verbs too vague to stand for anything alone (가다, 오다, 쓰다, 나다...).
_NEGATIONS = {"안", "못"}
_VAGUE_ALONE = {
    "가",
    "오",
    "쓰",
    "나",
    "나오",
    "들",
    "내",
    "놓",
    "두",
    "넣",
    "빼",
    "막",
    "안",
    "못",
    "더",
    "다",
}


@dataclass(frozen=True)
class Entry:
    phrase: tuple[str, ...]  # morphemes of the caller's phrase
    targets: tuple[tuple[str, ...], ...]  # each manual word as its morphemes (all must match)
    source: str = ""  # the phrase as written (for the admin page)


@dataclass
class Lexicon:
    by_first: dict[str, list[Entry]] = field(default_factory=dict)
    size: int = 0

    def add(self, entry: Entry) -> None:
        self.by_first.setdefault(entry.phrase[0], []).append(entry)
        self.size += 1

    def merged(self, extra: list[Entry]) -> Lexicon:
        if not extra:
            return self
        out = Lexicon({k: list(v) for k, v in self.by_first.items()}, self.size)
        for entry in extra:
            out.add(entry)
        return out

    def matches(self, lexemes: tuple[str, ...]) -> list[tuple[set[str], tuple[tuple[str, ...], ...], int]]:
        """(the query morphemes a phrase covered, its manual words, the phrase's length) for every
        phrase found."""
        found = []
        for i, first in enumerate(lexemes):
            for entry in self.by_first.get(first, ()):
                pos, covered = i, {first}
                for want in entry.phrase[1:]:
                    nxt = next(
                        (
                            j
                            for j in range(pos + 1, min(len(lexemes), pos + 2 + MAX_GAP))
                            if lexemes[j] == want
                        ),
                        None,
                    )
                    if nxt is None:
                        break
                    pos = nxt
                    covered.add(want)
                else:
                    found.append((covered, entry.targets, len(entry.phrase)))
        return found


def _terms(words: str) -> tuple[str, ...]:
    return tuple(t.term for t in tokenizer.analyze(words)) or (tokenizer.clean_term(words),)


def parse_entry(targets: list[str], phrases: list[str]) -> list[Entry]:
    """Entries for one line: each phrase → all the manual words. Phrases reduced to nothing
    meaningful (only filler, or one vague everyday verb) are left out."""
    target_terms = tuple(t for t in (_terms(w) for w in targets if w.strip()) if all(t))
    if not target_terms:
        return []
    out = []
    for phrase in phrases:
        morphemes = tuple(m for m in tokenizer.lexemes(phrase) if m not in tokenizer.QUERY_STOPWORDS)
        if not morphemes or (len(morphemes) == 1 and morphemes[0] in _VAGUE_ALONE):
            continue
        # 안 쓰다, 못 내다: a negated everyday verb says something; 가 + 오 alone does not.
        if all(m in _VAGUE_ALONE for m in morphemes) and not _NEGATIONS & set(morphemes[:-1]):
            continue
        if len(morphemes) == 1 and len(phrase.split()) > 1:
            continue  # 하나만 환불 → 환불: what made it specific was dropped
        out.append(Entry(morphemes, target_terms, phrase.strip()))
    return out


def parse_lines(text: str) -> list[Entry]:
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "<=" not in line:
            continue
        left, right = line.split("<=", 1)
        entries += parse_entry(left.split(","), right.split("|"))
    return entries


_shipped: Lexicon | None = None
_lock = threading.Lock()


def shipped() -> Lexicon:
    """The product's lexicon, parsed once per process (Kiwi reduces each phrase once)."""
    global _shipped
    if _shipped is None:
        with _lock:
            if _shipped is None:
                from .lexicon_data import LEXICON

                lexicon = Lexicon()
                for entry in parse_lines(LEXICON):
                    lexicon.add(entry)
                _shipped = lexicon
    return _shipped

"""Words near in meaning, from the Korean language model Kiwi ships (its CoNg morpheme embeddings).

A caller describes a situation in words the manual never uses (임신 where the article says 출산,
통장 where it says 계좌, 돌려주다 where it says 환급). The lexicon lists the phrasings we thought of;
this finds, for any content word, the words Kiwi's embeddings put nearest, and the engine keeps those
the client's manuals use, with less credit than a lexicon word (engine._expand_by_meaning). It is
asked only when the strict phase left room (a caller's sentence, not a title).
"""

from __future__ import annotations

import threading
from functools import lru_cache

from . import tokenizer

TOP_N = 100  # neighbours asked per word: about 1.5 ms a word (1.3 ms for 60)
MIN_SIMILARITY = 0.6  # below this the neighbours are associations, not the same thing (기계 → 화학)
FLAT_AT, FLAT_SPREAD = 10, 0.015  # the 1st and 10th neighbours closer than this: an untrained vector
_TAGS = {"NNG", "NNP", "VV", "VA", "XR"}
_lock = threading.Lock()


def nearest(text: str) -> dict[str, tuple[tuple[str, float], ...]]:
    """Each content word of `text` (as the index stores it) → its nearest words in meaning."""
    text = tokenizer.normalize(text)[:400]
    if not text.strip():
        return {}
    out: dict[str, tuple[tuple[str, float], ...]] = {}
    for t in tokenizer.get_kiwi().tokenize(text):
        term = tokenizer.clean_term(t.form)
        if term and term not in out and t.tag.split("-")[0] in _TAGS:
            # By Kiwi's morpheme id: a form alone may name several (걷 as VV and VV-I).
            out[term] = neighbours(t.id)
    return out


def nearest_word(word: str) -> tuple[tuple[str, float], ...]:
    """The nearest words of one word read alone: in a sentence Kiwi may read a compound the index
    keeps whole as two (집주인한테 → 집 + 주인), so the sentence's words lack it."""
    tokens = tokenizer.get_kiwi().tokenize(tokenizer.normalize(word)[:40])
    if len(tokens) != 1 or tokens[0].tag.split("-")[0] not in _TAGS:
        return ()
    return neighbours(tokens[0].id)


@lru_cache(maxsize=8192)
def neighbours(morpheme_id: int) -> tuple[tuple[str, float], ...]:
    """The content words nearest a morpheme in meaning, with their cosine similarity, nearest first;
    () for a morpheme the model has no embedding for."""
    try:
        with _lock:  # one caller at a time in the model's similarity search
            found = tokenizer.get_kiwi().most_similar_morphemes(morpheme_id, top_n=TOP_N)
    except (ValueError, KeyError, RuntimeError):
        return ()
    # A word the model barely saw has an untrained vector: its "neighbours" are random words all
    # at about the same similarity (세뱃돈 → 가모, 추신 … 0.92); a trained one's fall away.
    if len(found) >= FLAT_AT and found[0].score - found[FLAT_AT - 1].score < FLAT_SPREAD:
        return ()
    out: dict[str, float] = {}
    for m in found:
        if m.score < MIN_SIMILARITY or m.tag.split("-")[0] not in _TAGS:
            continue
        form = tokenizer.clean_term(m.form)
        if form and form not in out:
            out[form] = round(float(m.score), 3)
    return tuple(out.items())


def warm_up() -> None:
    """Read the model's embeddings now (the first similarity search loads them)."""
    nearest("해지")

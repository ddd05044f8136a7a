"""Short phrases customers say ("숫자가 안 날아와요", "당분간 안 쓰려고요"): 2–3 content morphemes in
order, with a negation kept on its verb. Learning (services.learned_from_calls) stores the ones
specific to an article as learned expressions; a query is cut into phrases the same way, and a
phrase the client's index knows counts for every word it covers (engine._apply_phrases).

A phrase's index term is its units written together (숫자 + 안날아오 → 숫자안날아오): letters and
digits only, like every other term, and no single typed word produces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import tokenizer
from .query import EVERYDAY

NEGATION = frozenset({"안", "못"})
# Everyday words that do carry the meaning of a phrase (이제 필요 없어서): kept.
MEANINGFUL = frozenset({"없"})
# The conversation around a request (안녕하세요, 수고하십니다, 다름이 아니라, 급한데요, 확인 부탁드립니다,
# 궁금해서요): said on any call, so never part of a phrase. A client's own filler is found from its
# calls as well (services._client_filler); this floor covers clients with few linked articles.
CONVERSATION = frozenset(
    {"안녕", "수고", "다르", "급하", "답답하", "확인", "부탁", "궁금", "여쭈", "알리", "말씀", "감사", "죄송"}
)
FILLER = frozenset((EVERYDAY | tokenizer.QUERY_STOPWORDS | CONVERSATION) - MEANINGFUL)
_UNIT_TAGS = frozenset({"NNG", "NNP", "SL", "XR", "VV", "VA", "MAG"})
_VERB_TAGS = frozenset({"VV", "VA"})
_BREAK_TAGS = frozenset({"SF", "SP", "SE"})  # a phrase does not run across a sentence or a list
MAX_MORPHEMES = 3


@dataclass(frozen=True, slots=True)
class Unit:
    text: str  # 숫자, 안날아오
    morphemes: tuple[str, ...]  # (숫자,), (안, 날아오)
    adverb: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Phrase:
    term: str  # the index term: 숫자안날아오
    morphemes: frozenset[str]
    surface: str  # as the customer said it: 숫자가 안 날아와


@lru_cache(maxsize=8192)
def _segments(text: str) -> tuple[tuple[Unit, ...], ...]:
    """Runs of units between sentence breaks. Fillers (좀, 하다, 이번) are skipped without breaking
    a run; a negation (안, 못, a verb followed by 않) is glued to its verb."""
    segments: list[tuple[Unit, ...]] = []
    run: list[Unit] = []
    negation: tuple[str, int] | None = None  # (안, start) waiting for its verb
    for t in tokenizer.get_kiwi().tokenize(text):
        tag = t.tag.split("-")[0]
        if tag in _BREAK_TAGS:
            if run:
                segments.append(tuple(run))
            run, negation = [], None
            continue
        term = tokenizer.clean_term(t.form)
        if not term:
            continue
        if tag == "MAG" and term in NEGATION:
            negation = (term, t.start)
            continue
        if tag == "VX" and term in ("않", "못하") and run and not run[-1].adverb and run[-1].morphemes[-1:]:
            last = run[-1]
            if len(last.morphemes) == 1 and last.text not in NEGATION:
                run[-1] = Unit("안" + last.text, ("안", last.text), False, last.start, t.start + t.len)
            continue
        if tag not in _UNIT_TAGS or term.isdigit():
            continue
        if tag in _VERB_TAGS and negation is not None:
            run.append(Unit(negation[0] + term, (negation[0], term), False, negation[1], t.start + t.len))
            negation = None
            continue
        negation = None
        if term in FILLER:
            continue
        run.append(Unit(term, (term,), tag == "MAG", t.start, t.start + t.len))
    if run:
        segments.append(tuple(run))
    return tuple(segments)


def plain_units(text: str) -> set[str]:
    """The units of `text` that may be a client's filler (anything but a negated verb)."""
    text = tokenizer.normalize(text)[:2000]
    return (
        {u.text for seg in _segments(text) for u in seg if len(u.morphemes) == 1} if text.strip() else set()
    )


def phrases(text: str, drop: frozenset[str] | set[str] = frozenset()) -> list[Phrase]:
    """The phrases of `text`: each 2 or 3 neighbouring units of at most 3 morphemes, over more than one
    written word, not all adverbs. Units in `drop` (a client's everyday filler) are skipped first."""
    text = tokenizer.normalize(text)[:2000]
    if not text.strip():
        return []
    out: dict[str, Phrase] = {}
    for segment in _segments(text):
        units = [u for u in segment if u.text not in drop] if drop else segment
        for size in (2, 3):
            for i in range(len(units) - size + 1):
                group = units[i : i + size]
                morphemes = [m for u in group for m in u.morphemes]
                if len(morphemes) > MAX_MORPHEMES or all(u.adverb for u in group):
                    continue
                if len({u.text for u in group}) < size:
                    continue  # 카드 카드
                surface = " ".join(text[group[0].start : group[-1].end].split())
                if " " not in surface:
                    continue  # one written word (분실신고): a compound, indexed as a word already
                term = "".join(u.text for u in group)
                out.setdefault(term, Phrase(term, frozenset(morphemes), surface))
    return list(out.values())

"""The search procedure shared by both backends: phases, relevance score, snippets.

1. strict: every slot of the query matches (카드분실해외 → 카드 ∧ 분실 ∧ 해외);
2. typo: when the strict phase finds fewer than TYPO_BELOW articles and a typed word is not in the
   client's vocabulary, that word also matches vocabulary terms one jamo away (분싷 → 분실); when
   that finds nothing, the fallbacks keep the corrections of words Kiwi's dictionary does not know;
3. relaxed: while fewer than FALLBACK_BELOW articles are found, the query's words also match words
   near in meaning, then articles matching the subject words alone, all but one slot, all but two,
   ... are added (a colloquial query with a filler word still finds its article); a longer page
   gets more relaxed matches below the first ones.

The score of a hit is a normalised relevance in [0, 1] (documented in docs/architecture.md):
    score = Σ weight × credit × (1 in the title, else 0.75) / Σ weight
the credit of a slot is how well the article matches it (1 for an exact word, 0.9 for a synonym or
a completion of a half-typed word, 0.8 for a typo correction, less for a colloquial lexicon word,
and less again when that manual word is only in the body: query.LEXICON_BODY, or when a typed verb
is only in the body of an article missing other words: query.VERB_BODY); a slot the title holds
counts in full, one only in the body 0.75 of it, whatever else the article lacks (a title holding
half of a caller's sentence is about it). An article matching every word in its body scores 0.75,
in its title 1.0; a "good match" is score ≥ 0.6 (every typed word found somewhere). Order: score, then phase (the
phases decide which articles are looked at, not their order: an article whose title is what a
caller's sentence means outranks one holding every word in passing), the share of the title the
query covers, the backend's text rank (to
two significant digits, so near-equal ranks tie), then helpfulness, then recency.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import TYPE_CHECKING

from django.utils.html import escape

from . import query as q
from . import tokenizer

if TYPE_CHECKING:
    from .backends.base import ArticleRow

TYPO_BELOW = 3
POOL = 20  # the hits a match ranks at least, per phase (see run())
# The fallbacks run while the strict match found fewer hits than this, whatever the limit: they add
# words near in meaning that rescore the strict hits too, so deciding by the limit ranked a 5-hit
# API request and Enter's 20 apart from the 10 shown while typing. A longer page gets more relaxed
# matches below those 10 (run()); fallbacks aiming at 20 doubled a colloquial query's time at 100k.
FALLBACK_BELOW = 10
NEAR_TERMS = 5  # typo candidates per word
GOOD_MATCH = 0.6


@dataclass
class Found:
    article_id: int
    rank: float
    phase: int
    score: float = 0.0
    helpfulness: float = 0.0
    published: float = 0.0
    title_fit: float = 0.0  # the share of the title's terms the query matched (see score())
    article: ArticleRow | None = None  # the hit's article fields (set by score())


@dataclass
class EngineResult:
    found: list[Found] = field(default_factory=list)
    count: int = 0
    count_capped: bool = False
    fallback: str = ""  # "", "typo" or "relaxed"
    corrections: dict[str, list[str]] = field(default_factory=dict)
    parsed: q.ParsedQuery | None = None


def _correct_typos(lookups: _Lookups, parsed: q.ParsedQuery) -> dict[str, list[str]]:
    """Words unknown to the client's vocabulary, with their one-jamo neighbours: the whole word
    (로믱 → 로밍), else one part of it as a compound (로밍신쳥 → 로밍 + 신청, 청약철휘 → 청약 + 철회)."""
    words = {_typed(s) for s in parsed.slots}
    words.discard("")
    known = lookups.known_terms(words)
    corrections: dict[str, list[str]] = {}
    # Every unknown word's neighbours in one statement (a typed word split into slots asked once).
    lookups.near_terms_of(
        [
            main
            for main in dict.fromkeys(_typed(s) for s in parsed.slots)
            if main and main not in known and not tokenizer.is_chosung_word(main)
        ]
    )
    for slot in parsed.slots:
        main = _typed(slot)
        if not main or main in known or tokenizer.is_chosung_word(main):
            continue
        near = lookups.near_terms(main)
        if not near and slot.main and slot.word != slot.main:
            near = lookups.near_terms(tokenizer.clean_term(slot.word))
        alternatives: list[q.Expr] = [q.Term(t, credit=q.TYPO) for t in near]
        if not near:
            parts = _compound_correction(lookups, main)
            if parts:
                near = [" ".join(p) for p in parts]
                alternatives = [q.all_of([q.Term(t, credit=q.TYPO) for t in p]) for p in parts]
        if near:
            corrections[main] = [t for n in near for t in n.split()]
            slot.expr = q.any_of([slot.expr, *alternatives])
    return corrections


def _keep_real_words(parsed: q.ParsedQuery, typed: list[q.Expr]) -> None:
    """When no article holds every word with the corrections, a word Kiwi's dictionary knows was the
    caller's own, not a typo of the manual's (머리가 아파요 is not 처리, 하나도 not 한파): the
    fallbacks take it as typed. A word Kiwi does not know (보이스피씽) keeps its corrections."""
    for slot, expr in zip(parsed.slots, typed, strict=True):
        if slot.expr != expr and _in_dictionary(_typed(slot)):
            slot.expr = expr


@lru_cache(maxsize=4096)
def _in_dictionary(word: str) -> bool:
    """Whether Kiwi reads `word` as one word of its dictionary; one outside it comes back without a
    base form (로믱, 보이스피씽), a typed compound in several pieces (이체한도증엑)."""
    tokens = tokenizer.get_kiwi().tokenize(tokenizer.normalize(word))
    return len(tokens) == 1 and bool(tokens[0].base_form)


def _typed(slot: q.Slot) -> str:
    return slot.main or tokenizer.clean_term(slot.word)


def _compound_splits(word: str) -> list[tuple[str, str]]:
    """The ways a compound noun's typo is looked for: two sides of at least two syllables, at most 4."""
    if len(word) < 4 or not all(0xAC00 <= ord(ch) <= 0xD7A3 for ch in word):
        return []
    return [(word[:i], word[i:]) for i in range(2, len(word) - 1)][:4]


def _compound_correction(lookups: _Lookups, word: str) -> list[tuple[str, ...]]:
    """A typo inside a compound noun: split the word in two where one side is a known term and the
    other is one jamo away from a known term (or is one itself). At most 4 splits are tried; failing
    that, the word read as 3+ known nouns but one (이체한도증엑 → 이체 + 한도 + 증액), two look-ups."""
    splits = _compound_splits(word)
    if not splits:
        return []
    known = lookups.known_terms({p for split in splits for p in split})
    found: list[tuple[str, ...]] = []
    lookups_left, tried = 2, set()
    # The longest known side first; at most two typo look-ups (each a trigram query) per word.
    for left, right in sorted(
        splits, key=lambda s: -max(len(p) for p in s if p in known) if set(s) & known else 0
    ):
        if lookups_left == 0 or (left in known) == (right in known):
            continue  # neither side known, or both real words (할부전화 = 할부 + 전화)
        lookups_left -= 1
        tried.add(right if left in known else left)
        if left in known:
            found += [(left, t) for t in lookups.near_terms(right)[:3]]
        else:
            found += [(t, right) for t in lookups.near_terms(left)[:3]]
    if not found and len(word) <= 8:
        pieces = {word[i:j] for i in range(len(word)) for j in range(i + 2, len(word) + 1)}
        known_pieces = lookups.known_terms(pieces)
        untried = [s for s in tokenizer.compound_splits(word, known_pieces) if s[0][s[1]] not in tried]
        for parts, at in untried[:2]:
            found += [(*parts[:at], t, *parts[at + 1 :]) for t in lookups.near_terms(parts[at])[:3]]
            if found:
                break
    return found[:6]


class _Lookups:
    """The vocabulary look-ups of one query, each asked of the database once. The parser may look up
    one prefix twice (a whole word and its last part); phrases, typos and compound splits all ask
    whether terms are known, so every term any of them may ask about goes in the first look-up."""

    def __init__(self, backend, client_id: int):
        self.backend, self.client_id = backend, client_id
        self.seen: dict[tuple, list[str]] = {}
        self.expected: set[str] = set()  # terms a later step may ask about (see expect())
        self.asked: set[str] = set()
        self.known: set[str] = set()

    def chosung_terms(self, client_id: int, key: str, prefix: bool, limit: int) -> list[str]:
        args = ("c", client_id, key, prefix, limit)
        if args not in self.seen:
            self.seen[args] = self.backend.chosung_terms(client_id, key, prefix, limit)
        return self.seen[args]

    def jamo_prefix_terms(self, client_id: int, jamo: str, limit: int) -> list[str]:
        args = ("j", client_id, jamo, limit)
        if args not in self.seen:
            self.seen[args] = self.backend.jamo_prefix_terms(client_id, jamo, limit)
        return self.seen[args]

    def near_terms(self, word: str) -> list[str]:
        args = ("n", word)  # a typed word split into several slots is looked up once
        if args not in self.seen:
            self.seen[args] = self.backend.near_terms(self.client_id, word, NEAR_TERMS)
        return self.seen[args]

    def near_terms_of(self, words: list[str]) -> None:
        """Look up the neighbours of several words at once (near_terms() then answers them)."""
        words = [w for w in words if ("n", w) not in self.seen]
        if words:
            found = self.backend.near_terms_of(self.client_id, words, NEAR_TERMS)
            for word in words:
                self.seen[("n", word)] = found.get(word, [])

    def expect(self, terms) -> None:
        self.expected.update(t for t in terms if t)

    def known_terms(self, terms) -> set[str]:
        terms = {t for t in terms if t}
        missing = terms - self.asked
        if missing:
            ask = sorted(missing | (self.expected - self.asked))
            self.known.update(self.backend.known_terms(self.client_id, ask))
            self.asked.update(ask)
        return terms & self.known


CORE_PHASE = 2  # every subject word matched, the everyday words around them not
RELAXED_PHASE = 3  # some slots missing: ordered by score among themselves


def run(
    backend, *, client_id: int, query: str, limit: int, synonyms: q.Synonyms, lexicon=None
) -> EngineResult:
    lookups = _Lookups(backend, client_id)
    parsed = q.parse(query, client_id=client_id, vocab=lookups, synonyms=synonyms, lexicon=lexicon)
    result = EngineResult(parsed=parsed)
    if parsed.empty:
        return result
    from . import phrases

    found_phrases = phrases.phrases(parsed.raw)
    # Whatever the phrases, typos and compound splits below may ask about: one look-up at most.
    lookups.expect(p.term for p in found_phrases)
    for slot in parsed.slots:
        lookups.expect([_typed(slot), tokenizer.clean_term(slot.word)])
        lookups.expect(part for split in _compound_splits(_typed(slot)) for part in split)
    _apply_phrases(lookups, parsed, found_phrases)
    docs: dict = {}  # what the matches read of their hits' articles (see Backend.match)
    # Each match ranks the same pool whatever the limit, and the fallbacks run by the same rule
    # (FALLBACK_BELOW), so the 10 hits shown while typing are the first 10 of the 20 shown on Enter
    # and the 5 of an API request are their first 5.
    pool = max(limit, POOL) * 2
    enough = FALLBACK_BELOW
    strict = parsed.strict()
    ranked, result.count = backend.match(client_id, strict, limit=pool, documents=docs)
    found = [Found(pk, rank, 0) for pk, rank in ranked]
    if len(found) < TYPO_BELOW:
        typed = [s.expr for s in parsed.slots]
        corrections = _correct_typos(lookups, parsed)
        if corrections:
            seen = {f.article_id for f in found}
            ranked, matched = backend.match(
                client_id, parsed.strict(), limit=pool, exclude=seen, documents=docs
            )
            if ranked:
                found += [Found(pk, rank, 1) for pk, rank in ranked]
                result.fallback, result.corrections = "typo", corrections
                result.count = max(result.count, matched)
            elif not found:
                _keep_real_words(parsed, typed)
    n = len(parsed.slots)
    if len(found) < enough and n > 1:
        _expand_by_meaning(lookups, parsed)
    elif not found and n == 1:
        # One word the client's manuals do not use, nor any word one typo away: its nearest
        # words in meaning that they do (집주인 → 임대인), rather than nothing at all.
        _expand_by_meaning(lookups, parsed)
        ranked, matched = backend.match(client_id, parsed.strict(), limit=pool, documents=docs)
        if ranked:
            found = [Found(pk, rank, RELAXED_PHASE) for pk, rank in ranked]
            result.fallback, result.count = "relaxed", matched
    relaxed = None
    if len(found) < enough and n > 1:
        relaxed = _Relaxed(backend, client_id, parsed, pool, docs, result)
        relaxed.core_phase(found)
        relaxed.fill(found, enough)
    found = score(backend, client_id, parsed, found, docs)
    found.sort(key=order_key)
    if len(found) < limit and n > 1:
        # A page longer than the typing list (Enter's 20) keeps the typing list's hits in their
        # order and adds more relaxed matches below them, ranked among themselves.
        relaxed = relaxed or _Relaxed(backend, client_id, parsed, pool, docs, result)
        more: list[Found] = []
        relaxed.fill(more, limit - len(found), seen=frozenset(f.article_id for f in found))
        more = score(backend, client_id, parsed, more, docs)
        more.sort(key=order_key)
        found += more
    # Each phase's expression includes the one before, so its count includes theirs.
    result.count_capped = result.count >= backend.candidates
    result.found = found[:limit]
    return result


class _Relaxed:
    """The fallbacks after the strict match: the subject words alone, then articles matching k of
    the slots for k = n - 1 down to 1 (no k beyond the slots that match anything)."""

    def __init__(
        self, backend, client_id: int, parsed: q.ParsedQuery, pool: int, docs: dict, result: EngineResult
    ):
        self.backend, self.client_id = backend, client_id
        self.pool, self.docs, self.result = pool, docs, result
        # How many articles each slot matches (one statement): the nouns' rarity weighs them, and a
        # slot matching nothing cannot help any fallback, so the phases below leave it out.
        counts = backend.counts(client_id, [s.expr for s in parsed.slots])
        self.core = [s for s in parsed.slots if s.weight >= q.NOUN_WEIGHT]  # before rarity scales them
        _weigh_by_rarity(backend, parsed, counts)
        self.live = [s for s, c in zip(parsed.slots, counts, strict=True) if c]
        self.n = len(parsed.slots)
        self.k = min(self.n - 1, len(self.live))

    def _add(self, found: list[Found], expr: q.Expr, phase: int, seen: frozenset[int]) -> None:
        ranked, matched = self.backend.match(
            self.client_id, expr, limit=self.pool, exclude=seen, documents=self.docs
        )
        if ranked:
            found += [Found(pk, rank, phase) for pk, rank in ranked]
            self.result.fallback = self.result.fallback or "relaxed"
            self.result.count = max(self.result.count, matched)

    def core_phase(self, found: list[Found]) -> None:
        core_ids, live_ids = {id(s) for s in self.core}, {id(s) for s in self.live}
        if 0 < len(self.core) < self.n and core_ids <= live_ids:
            # A long sentence: the subject words without the everyday ones around them.
            self._add(
                found,
                q.all_of([s.expr for s in self.core]),
                CORE_PHASE,
                frozenset(f.article_id for f in found),
            )

    def fill(self, found: list[Found], enough: int, seen: frozenset[int] = frozenset()) -> None:
        """Relaxed matches into `found` until it holds `enough`, resuming where the last fill stopped."""
        while len(found) < enough and self.k >= 1:
            self._add(found, _any_k(self.live, self.k), RELAXED_PHASE, seen | {f.article_id for f in found})
            self.k -= 1


MEANING_CREDIT = 0.6  # × the similarity: a word near in meaning counts 0.36-0.5, under a lexicon word
MEANING_PER_WORD = 8  # the nearest words of the client's vocabulary kept per typed word


def _expand_by_meaning(lookups: _Lookups, parsed: q.ParsedQuery) -> None:
    """Before the fallbacks: each content word of a sentence also matches the client's words nearest
    it in meaning (임신 → 출산), one vocabulary look-up for all of them (see meaning.py)."""
    from . import meaning

    near_words = meaning.nearest(parsed.raw)
    wanted: dict[int, list[tuple[str, float]]] = {}
    for i, slot in enumerate(parsed.slots):
        if not slot.main or slot.main in q.EVERYDAY:
            continue
        near = near_words[slot.main] if slot.main in near_words else meaning.nearest_word(slot.main)
        if near:
            wanted[i] = [(t, s) for t, s in near if t != slot.main]
    known = lookups.known_terms({t for pairs in wanted.values() for t, _s in pairs})
    for i, pairs in wanted.items():
        alts = [q.Term(t, credit=round(MEANING_CREDIT * s, 3)) for t, s in pairs if t in known][
            :MEANING_PER_WORD
        ]
        if alts:
            slot = parsed.slots[i]
            slot.expr = q.any_of([slot.expr, *alts])


def _any_k(slots: list[q.Slot], k: int) -> q.Expr:
    """Articles matching any k of the slots (at most 24 combinations, as ParsedQuery.relaxed)."""
    subsets = list(combinations([s.expr for s in slots], k))[:24]
    return q.any_of([q.all_of(list(c)) for c in subsets])


def _apply_phrases(lookups: _Lookups, parsed: q.ParsedQuery, found) -> None:
    """A phrase of the query that the client's index knows (a customer phrase learned from calls:
    숫자가 안 날아와요) also satisfies every slot whose word it holds, so the article that learned
    it matches them all, above one that shares a single word."""
    known = lookups.known_terms(p.term for p in found) if found else set()
    for phrase in found:
        if phrase.term not in known:
            continue
        for slot in parsed.slots:
            words = {slot.main} if slot.main else set(tokenizer.lexemes(slot.word))
            if words & phrase.morphemes:
                slot.expr = q.any_of([slot.expr, q.Term(phrase.term)])


def _weigh_by_rarity(backend, parsed: q.ParsedQuery, counts: list[int]) -> None:
    """Before the fallbacks: a word matching few of the client's articles says more than one
    matching many (군대 가다 → 일시정지 against 폰), so each slot's weight is scaled by its rarity,
    counted by the backend up to its candidate cap."""
    cap = backend.candidates
    # Only the subject words compete (verbs and everyday words already weigh less).
    nouns = [(s, c) for s, c in zip(parsed.slots, counts, strict=True) if s.weight >= q.NOUN_WEIGHT]
    if len(nouns) < 2:
        return
    for slot, matched in nouns:
        slot.weight *= math.log(1 + cap / max(matched, 1)) / math.log(1 + cap)


def score(
    backend, client_id: int, parsed: q.ParsedQuery, found: list[Found], read: dict | None = None
) -> list[Found]:
    """Score the found articles; those the article table no longer publishes for the client drop out.
    `read`: the documents the matches already read (None for an unpublished article)."""
    docs = dict(read or {})
    missing = [f.article_id for f in found if f.article_id not in docs]
    if missing:
        docs.update(backend.documents(client_id, missing))
    weights = [s.weight for s in parsed.slots]
    total = sum(weights) or 1.0
    kept = []
    for f in found:
        doc = docs.get(f.article_id)
        if doc is None:
            continue
        kept.append(f)
        f.article = doc.article
        anywhere = [_credit(s.expr, doc) for s in parsed.slots]
        if all(anywhere):  # every word found: the typed verbs count fully wherever they are
            anywhere = [_credit(s.expr, doc, verb_body=1.0) for s in parsed.slots]
        in_title = [q.credit(s.expr, doc.title) for s in parsed.slots]
        # Each slot's credit counts 0.75 found in the body only and in full found in the title,
        # whatever else the article lacks (a title holding half the sentence is about it).
        f.score = round(
            sum(w * c * (1.0 if t else 0.75) for w, c, t in zip(weights, anywhere, in_title, strict=True))
            / total,
            3,
        )
        # Between equal scores, the title the query covers most is the one about just that
        # (하나만 환불 → 부분 환불 before 환불 계좌 변경), not the backend's near-zero rank noise.
        # Filler words of a title (문의, 방법) do not make it about something else.
        title = doc.title - tokenizer.QUERY_STOPWORDS
        if title:
            f.title_fit = sum(1 for t in title if any(q.credit(s.expr, {t}) for s in parsed.slots)) / len(
                title
            )
        f.helpfulness, f.published = doc.helpfulness, doc.published
    return kept


LEARNED_FACTOR = 0.7  # a word only in the learned customer expressions counts this much of its credit


def _credit(expr: q.Expr, doc, verb_body: float = q.VERB_BODY) -> float:
    found = q.credit(expr, doc.every, doc.title, doc.learned, verb_body)
    if found or not doc.learned:
        return found
    return q.credit(expr, doc.every | doc.learned, doc.title, doc.learned, verb_body) * LEARNED_FACTOR


def rank_band(rank: float) -> float:
    """The text rank to two significant digits: ranks this close are a tie for helpfulness to break."""
    return float(f"{rank:.2g}")


def order_key(f: Found) -> tuple:
    return (
        -f.score,
        f.phase,
        -round(f.title_fit, 2),
        -rank_band(f.rank),
        -f.helpfulness,
        -f.published,
        f.article_id,
    )


# --- Snippets ---------------------------------------------------------------------------------

_MARKDOWN = re.compile(r"[*_#`|]+|^\s*>+|\[|\]\([^)]*\)|^\s*[-+]\s+|^\s*\d+\.\s+", re.MULTILINE)
_SPACES = re.compile(r"\s+")


def plain(text: str) -> str:
    return _SPACES.sub(" ", _MARKDOWN.sub(" ", text or "")).strip()


@lru_cache(maxsize=256)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """The terms as one case-insensitive pattern, built once per result list, not once per hit."""
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None


def highlight(text: str, terms: list[str], *, width: int | None = None) -> str:
    """Escaped text with <mark> around the query's terms; cut to a window around the first match."""
    pattern = _terms_pattern(tuple([t for t in terms if len(t) >= 1][:40]))
    matches = list(pattern.finditer(text)) if pattern else []
    if width is not None and len(text) > width:
        start = max(0, matches[0].start() - width // 4) if matches else 0
        end = min(len(text), start + width)
        prefix, suffix = ("…" if start else ""), ("…" if end < len(text) else "")
        text = text[start:end]
        matches = list(pattern.finditer(text)) if pattern else []
    else:
        prefix = suffix = ""
    out: list[str] = []
    pos = 0
    for m in matches:
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return prefix + "".join(out) + suffix


def snippet(article, terms: list[str], width: int = 150) -> str:
    answer = plain(article.answer)
    question = plain(article.question)
    pattern = _terms_pattern(tuple(terms))
    source = answer
    if pattern is not None and question and not pattern.search(answer) and pattern.search(question):
        source = question
    return highlight(source or question, terms, width=width)

"""From what an agent typed to a small boolean expression over index terms.

A query is a list of *slots*, one per meaningful morpheme the agent typed; an article matches when
every slot matches (strict phase). A slot is an OR of alternatives: the term itself, its synonyms,
and, for the word still being typed, prefixes and vocabulary completions. Backends compile the
expression to their own syntax (FTS5 MATCH, PostgreSQL tsquery); every term holds letters and digits
only (tokenizer.clean_term), and is quoted on top of that, so typed text never becomes query syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations, pairwise
from typing import Any, Protocol

from . import tokenizer
from .lexicon import lexemes_by_word
from .tokenizer import Token

# Credit a slot gets in the relevance score, by how it matched (see engine.score()): a word of the
# colloquial lexicon or a learned customer expression counts less than the words typed.
EXACT, SYNONYM, PARTIAL, TYPO, LEXICON = 1.0, 0.9, 0.9, 0.8, 0.7
LEXICON_PHRASE = 0.8
LEXICON_LONGER = 0.04  # per word a phrase covers beyond two (at most SYNONYM)
LEXICON_FALLBACK = 0.05  # less for an entry's second and later manual words
LEXICON_SPECIFIC = 0.02  # more for a manual word of several words (환불 일정 against 환불)
# How much a slot weighs in the score, by what kind of word it came from: in a long sentence the
# everyday verbs and time words around the subject must not outweigh it.
NOUN_WEIGHT, VERB_WEIGHT, EVERYDAY_WEIGHT = 1.0, 0.5, 0.3
EVERYDAY = {
    *("이번", "달", "주", "다음", "오늘", "어제", "내일", "지금", "아직", "나중", "이제", "요즘", "전", "후"),
    *("사람", "일", "날", "시간", "동안", "정도", "때", "번", "거", "것", "제", "저", "계속", "자꾸"),
    *("너무", "정말", "진짜", "그냥", "혹시", "다시", "빨리", "바로", "같", "많", "없", "이상"),
}
# Affixes, bound nouns and numerals (지갑째 → 째, 한 달 → 달, 하나): never the subject of a sentence.
_EVERYDAY_TAGS = ("XSN", "XPN", "NNB", "NR")
VOCAB_EXPANSIONS = 12  # completions per half-typed word / per initial-consonant segment


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False
    credit: float = EXACT
    lexicon: bool = False  # a manual word the lexicon put for the caller's phrase (see credit())
    verb: bool = False  # a verb or adjective the caller typed (see credit())


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


Expr = Term | And | Or


def _flat(kind: type[Any], parts: list[Any]) -> list[Any]:
    """Nested ORs of ORs (ANDs of ANDs) become one, duplicates go: a smaller query for the database."""
    out: list[Any] = []
    for part in parts:
        out.extend(part.parts if isinstance(part, kind) else [part])
    return list(dict.fromkeys(out))


def any_of(parts: list) -> Expr:
    parts = _flat(Or, parts)
    return parts[0] if len(parts) == 1 else Or(tuple(parts))


def all_of(parts: list) -> Expr:
    parts = _flat(And, parts)
    return parts[0] if len(parts) == 1 else And(tuple(parts))


@dataclass
class Slot:
    expr: Expr
    word: str  # the typed word this slot comes from (for messages and typo correction)
    main: str = ""  # the plain term, when there is one (checked against the vocabulary for typos)
    weight: float = NOUN_WEIGHT  # its share of the score (see slot_weight)


# Nouns said on any call about anything (돈이 안 들어왔어요, 돈 받을 수 있나요): they weigh like the
# everyday words in the score, but stay content words for phrases and learning.
EVERYDAY_NOUNS = {"돈"}


VERB_TAGS = ("VV", "VA")


def slot_weight(term: str, tag: str) -> float:
    if term in EVERYDAY or term in EVERYDAY_NOUNS or tag in _EVERYDAY_TAGS:
        return EVERYDAY_WEIGHT
    if tag in VERB_TAGS:
        return VERB_WEIGHT
    return NOUN_WEIGHT


@dataclass
class ParsedQuery:
    raw: str
    slots: list[Slot] = field(default_factory=list)
    corrections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.slots

    def strict(self) -> Expr | None:
        return all_of([s.expr for s in self.slots]) if self.slots else None

    def relaxed(self, k: int) -> Expr | None:
        """Articles matching any k of the slots (k < number of slots)."""
        exprs = [s.expr for s in self.slots]
        subsets = list(combinations(exprs, k))[:24]
        return any_of([all_of(list(c)) for c in subsets]) if subsets else None

    def terms(self) -> list[str]:
        """Every term text in the query (for highlighting), longest first."""
        out: set[str] = set()

        def walk(e: Expr) -> None:
            if isinstance(e, Term):
                out.add(e.text)
            else:
                for p in e.parts:
                    walk(p)

        for s in self.slots:
            walk(s.expr)
        return sorted(out, key=len, reverse=True)


class Vocabulary(Protocol):
    def chosung_terms(self, client_id: int, key: str, prefix: bool, limit: int) -> list[str]: ...
    def jamo_prefix_terms(self, client_id: int, jamo: str, limit: int) -> list[str]: ...


Synonyms = dict[str, list[tuple[str, ...]]]


def _with_synonyms(term: str, synonyms: Synonyms, tag: str = "") -> list[Expr]:
    verb = tag in VERB_TAGS
    alts: list[Expr] = [Term(term, verb=verb)]
    for group in synonyms.get(term, []):
        alts.append(all_of([Term(t, credit=SYNONYM, verb=verb) for t in group]))
    return alts


def _chosung_slot(word: str, *, client_id: int, vocab: Vocabulary, last: bool) -> Slot:
    """ㅋㄷㅂㅅ: terms whose initials are the whole key, or the key split into 2-3 terms (ㅋㄷ + ㅂㅅ)."""

    def lookup(key: str, prefix: bool) -> Expr | None:
        found = vocab.chosung_terms(client_id, key, prefix, VOCAB_EXPANSIONS)
        return any_of([Term(t, credit=PARTIAL) for t in found]) if found else None

    alternatives: list[Expr] = []
    whole = lookup(word, last)
    if whole is not None:
        alternatives.append(whole)
    n = len(word)
    splits = [[word[:i], word[i:]] for i in range(2, n - 1)]
    splits += [[word[:i], word[i:j], word[j:]] for i in range(2, n - 3) for j in range(i + 2, n - 1)]
    for parts in splits[:8]:
        exprs = [lookup(p, last and p is parts[-1]) for p in parts]
        if all(e is not None for e in exprs):
            alternatives.append(all_of(exprs))
    if not alternatives:
        alternatives.append(Term(word))  # matches nothing: the strict phase finds nothing
    return Slot(any_of(alternatives), word)


_POLITE_ENDINGS = ("요", "용", "여", "욤")
_SENTENCE_ENDINGS = ("요", "다", "죠", "까", "네", "데", "고", "서", "지", "니")
# Grammatical morphemes: a word still being typed ends in one of these only when it is complete.
_GRAMMAR_PREFIXES = ("J", "E", "VCP", "VX", "XSV", "XSA", "SF", "SP", "SE")


def _partial_slots(word: str, *, client_id: int, vocab: Vocabulary, synonyms: Synonyms) -> list[Slot]:
    """The last word, which may still be under the IME: 소액결, 카드분ㅅ, 카드분시 (→ 카드분실), 위약그 (→ 위약금).

    Kiwi reads an unfinished word as something else (위약그 → 위 + 약 + 그), so besides its analysis
    the word may also match as a prefix: its last noun plus a syllable being typed, or the whole word
    as the start of a vocabulary term (compared in keystroke jamo, so 그 is on the way to 금).
    """
    core = word.rstrip("".join(tokenizer._COMPAT_JAMO))
    if core == word and core.endswith(_SENTENCE_ENDINGS) and not tokenizer.analyze(core):
        return []  # 거예요, 했어요: a finished ending, nothing being typed
    slots = _partial_analysis(word, core, client_id=client_id, vocab=vocab, synonyms=synonyms)
    if slots and all(s.main in tokenizer.QUERY_STOPWORDS for s in slots):
        return slots  # a filler word (방법, 문의): dropped later, never made into a required prefix
    half_built = tokenizer.ends_half_built(word)
    alternatives: list[Expr] = []
    if half_built and core == word and len(core) >= 2:
        # 카드분시 is one unknown noun to Kiwi: read it as 카드분 + a syllable still being typed.
        stem = tokenizer.analyze(core[:-1])
        if stem:
            last = stem[-1]
            alts: list[Expr] = [Term(tokenizer.clean_term(core[last.start :]), prefix=True, credit=PARTIAL)]
            for t in vocab.jamo_prefix_terms(client_id, tokenizer.jamo(core[last.start :]), VOCAB_EXPANSIONS):
                alts.append(Term(t, credit=PARTIAL))
            alternatives.append(
                all_of([any_of(_with_synonyms(t.term, synonyms)) for t in stem[:-1]] + [any_of(alts)])
            )
    whole = tokenizer.clean_term(word)
    completions: list[str] = []
    if len(whole) >= 2 and (half_built or len(slots) >= 2):
        completions = vocab.jamo_prefix_terms(client_id, tokenizer.jamo(whole), VOCAB_EXPANSIONS)
        if completions:
            alternatives.append(any_of([Term(t, credit=PARTIAL) for t in completions]))
    if not completions and core == word and _misread(core):
        # Kiwi dropped part of the word (전입신 → 입신): complete it, or split it by the vocabulary.
        completions = vocab.jamo_prefix_terms(client_id, tokenizer.jamo(whole), VOCAB_EXPANSIONS)
        split = None if completions else _vocabulary_split(whole, client_id=client_id, vocab=vocab)
        if completions:
            alternatives.append(any_of([Term(t, credit=PARTIAL) for t in completions]))
        if split is not None:
            head, rest = split
            rest_alts: list[Expr] = [Term(rest, prefix=True, credit=PARTIAL)]
            for t in vocab.jamo_prefix_terms(client_id, tokenizer.jamo(rest), VOCAB_EXPANSIONS):
                rest_alts.append(Term(t, credit=PARTIAL))
            alternatives.append(all_of([any_of(_with_synonyms(head, synonyms)), any_of(rest_alts)]))
    if len(core) >= 3 and core[-1] in _POLITE_ENDINGS and core == word and not _copula_ending(core):
        # A word cut short, then a polite ending (현금영수요, 주문취요): the part before it as a prefix.
        cut = _partial_slots(core[:-1], client_id=client_id, vocab=vocab, synonyms=synonyms)
        if cut and not all(s.main in tokenizer.QUERY_STOPWORDS for s in cut):
            alternatives.append(all_of([s.expr for s in cut]))
    first = all_of([s.expr for s in slots]) if slots else None
    combined = any_of([e for e in (first, *alternatives) if e is not None]) if alternatives else first
    if combined is None or combined == first:
        return slots
    # A verb being typed (나왔죠, 쓰려면요) weighs as a verb; anything else as a noun.
    weight = max((s.weight for s in slots), default=NOUN_WEIGHT)
    return [Slot(combined, word, "", weight)]


def _copula_ending(word: str) -> bool:
    """Kiwi reads the word as a noun, the copula and a sentence ending (진짜예요, 얼마예요, 어디예요):
    a finished word, whose noun is not cut short before a polite ending (진짜예 + 요)."""
    raw = tokenizer.get_kiwi().tokenize(tokenizer.normalize(word))
    return len(raw) >= 3 and raw[-2].tag == "VCP" and raw[-1].tag == "EF"


def _misread(word: str) -> bool:
    """Kiwi's content morphemes leave out the start or a middle part of `word` (전입신 → 전 + 입신,
    전 an adnominal): its dictionary guessed at a word cut short."""
    tokens = tokenizer.analyze(word)
    return not tokens or tokens[0].start > 0 or any(a.end < b.start for a, b in pairwise(tokens))


def _known(term: str, *, client_id: int, vocab: Vocabulary) -> bool:
    """Whether `term` is in the client's vocabulary (the completion look-up lists it first)."""
    return term in vocab.jamo_prefix_terms(client_id, tokenizer.jamo(term), VOCAB_EXPANSIONS)


def _vocabulary_split(word: str, *, client_id: int, vocab: Vocabulary) -> tuple[str, str] | None:
    """A word being typed that the vocabulary does not know, read as its longest known head and the
    start of the next noun: 전입신 → 전입 + 신(청), 이전설 → 이전 + 설(치). Kiwi guesses such a cut word
    from its own dictionary (전 + 입신, 이 + 전설), which is no help when the manual spaces the
    nouns (전입 신청). Complete syllables only (a half-built one has its own reading)."""
    if not 3 <= len(word) <= 8 or not all(0xAC00 <= ord(ch) <= 0xD7A3 for ch in word):
        return None
    if _known(word, client_id=client_id, vocab=vocab):
        return None
    for i in range(len(word) - 1, 1, -1):
        if _known(word[:i], client_id=client_id, vocab=vocab):
            return word[:i], word[i:]
    return None


def _partial_analysis(
    word: str, core: str, *, client_id: int, vocab: Vocabulary, synonyms: Synonyms
) -> list[Slot]:
    raw = list(tokenizer.get_kiwi().tokenize(tokenizer.normalize(core))) if core else []
    cut = None
    for t in reversed(raw):
        if not t.tag.startswith(_GRAMMAR_PREFIXES):
            cut = t.start
            break
    tokens = tokenizer.analyze(core) if core else []
    head: list[Token] = [t for t in tokens if cut is None or t.end <= cut]
    tail_token = next((t for t in tokens if cut is not None and t.start == cut), None)
    slots = [
        Slot(any_of(_with_synonyms(t.term, synonyms, t.tag)), word, t.term, slot_weight(t.term, t.tag))
        for t in head
    ]
    if cut is None:
        return slots
    tail_surface = tokenizer.clean_term(core[cut:])
    alts: list[Expr] = []
    verb = tail_token is not None and tail_token.tag in VERB_TAGS
    if tail_token is not None:
        alts += _with_synonyms(tail_token.term, synonyms, tail_token.tag)
    if tail_surface:
        alts.append(Term(tail_surface, prefix=True, credit=PARTIAL, verb=verb))
    if tokenizer.ends_half_built(word):
        partial_jamo = tokenizer.jamo(tokenizer.clean_term(word[cut:]) or word[cut:])
        for t in vocab.jamo_prefix_terms(client_id, partial_jamo, VOCAB_EXPANSIONS):
            alts.append(Term(t, credit=PARTIAL))
    if alts:
        main = tail_token.term if tail_token else ""
        weight = slot_weight(main, tail_token.tag) if tail_token else NOUN_WEIGHT
        slots.append(Slot(any_of(alts), word, main, weight))
    return slots


def _phrase_credit(covered: int) -> float:
    """A phrase of several words (군대 가다, 안 쓰다) is surer than one word standing for another, and
    one covering three words (빠져나가는 날짜 바꾸다 → 결제일) surer than two (날짜 바꾸다 → 예약 변경)."""
    if covered <= 1:
        return LEXICON
    return min(LEXICON_PHRASE + LEXICON_LONGER * (covered - 2), SYNONYM)


def _apply_lexicon(query: ParsedQuery, text: str, lexicon) -> None:
    """Callers' phrases (정리하려고요, 당분간 안 쓰려고요) also match the manual's words (해지,
    일시정지): every slot a phrase covers also matches the phrase's manual words. So an article in
    the manual's words gets each word the phrase covers (작아서 다른 치수로 바꾸고 → 교환 outweighs
    옷, the one word an article about washing clothes shares), and one holding some of the words as
    typed keeps their credit."""
    # Kiwi reads a word differently inside the sentence (비번 틀렸어요 → 비 + 틀리) and alone (비번),
    # which is how the slots read it: phrases are looked for in both readings.
    by_word = lexemes_by_word(text)
    in_sentence = tuple(m for word in by_word for m in word)
    word_by_word = tuple(m for word in text.split() for m in tokenizer.lexemes(word))
    read_in_sentence = dict(zip(text.split(), by_word, strict=False))
    found = lexicon.matches(in_sentence)
    if word_by_word != in_sentence:
        seen = {(frozenset(c), t) for c, t, _n in found}
        found += [m for m in lexicon.matches(word_by_word) if (frozenset(m[0]), m[1]) not in seen]
    extra: dict[int, list[Expr]] = {}  # slot index → the manual words' expressions it also matches
    wordless: list[
        tuple[set[str], list[Expr]]
    ] = []  # phrases of adverbs only (당분간, 잠깐): a slot of their own
    for covered, targets, _length in found:
        credit = _phrase_credit(len(covered))
        # The first manual word of an entry is what the phrase means, the others are fallbacks; a
        # manual word of several words (환불 일정) is surer than one (환불).
        target_expr = any_of(
            [
                all_of([Term(t, credit=_target_credit(credit, i, len(target)), lexicon=True) for t in target])
                for i, target in enumerate(targets)
            ]
        )
        idx = [i for i, s in enumerate(query.slots) if _covers(covered, s, read_in_sentence)]
        for i in idx:
            extra.setdefault(i, []).append(target_expr)
        if not idx:
            group = next((g for g in wordless if g[0] & covered), None)
            if group is None:
                wordless.append((set(covered), [target_expr]))
            else:
                group[0].update(covered)
                group[1].append(target_expr)
    for i, exprs in extra.items():
        slot = query.slots[i]
        # A verb a phrase covers stands for a manual noun now (훔쳐간 → 도난): it weighs as one, and
        # is among the subject words the core phase keeps. Everyday words (돈, 이번) stay light.
        weight = slot.weight if slot.weight <= EVERYDAY_WEIGHT else max(slot.weight, NOUN_WEIGHT)
        query.slots[i] = Slot(any_of([slot.expr, *exprs]), slot.word, slot.main, weight)
    query.slots += [Slot(any_of(exprs), "", "", NOUN_WEIGHT) for _words, exprs in wordless]


def _target_credit(credit: float, position: int, morphemes: int) -> float:
    fallback = LEXICON_FALLBACK if position else 0.0
    return round(min(credit - fallback + (LEXICON_SPECIFIC if morphemes > 1 else 0.0), SYNONYM), 3)


def _covers(words: set[str], slot: Slot, read_in_sentence: dict[str, tuple[str, ...]]) -> bool:
    """Whether a phrase covering `words` covers the slot: its word, or, when Kiwi read the typed word
    differently in the sentence (계정 없애 주세요: 없애) than alone (없, the slot), a morpheme of
    that typed word as the sentence read it."""
    if slot.main in words:
        return True
    if not slot.word:
        return False
    # A slot without a plain term is the word still being typed (켜져요): covered by its morphemes,
    # as the sentence or the word alone reads them (잃어버렸어요: 잃 + 버리 in a sentence).
    for reading in (read_in_sentence.get(slot.word, ()), tokenizer.lexemes(slot.word)):
        if slot.main not in reading and words & set(reading):
            return True
    return False


def _particle_misread(word: str, tokens: list[Token]) -> str:
    """A short noun Kiwi read as one syllable and a particle (자가 → 자 + 가, as in 자가 검침): the
    whole word, which the manual may hold (자가검침 → 자가 + 검침), as an alternative; else ""."""
    whole = tokenizer.clean_term(word)
    if len(tokens) == 1 and len(tokens[0].term) == 1 and tokens[0].start == 0 and len(whole) == 2:
        return whole
    return ""


def parse(
    raw: str,
    *,
    client_id: int,
    vocab: Vocabulary,
    synonyms: Synonyms,
    lexicon=None,
    max_slots: int = 8,
) -> ParsedQuery:
    text = tokenizer.normalize(raw)[:200]
    words = text.split()
    typing = bool(words) and not text[-1:].isspace()  # the last word may be unfinished
    query = ParsedQuery(raw=raw)
    for i, word in enumerate(words):
        last = typing and i == len(words) - 1
        if tokenizer.is_chosung_word(word):
            query.slots.append(_chosung_slot(word, client_id=client_id, vocab=vocab, last=last))
        elif last:
            query.slots += _partial_slots(word, client_id=client_id, vocab=vocab, synonyms=synonyms)
        else:
            tokens = tokenizer.analyze(word)
            whole = _particle_misread(word, tokens)
            for tok in tokens:
                weight = slot_weight(tok.term, tok.tag)
                alts = _with_synonyms(tok.term, synonyms, tok.tag) + ([Term(whole)] if whole else [])
                query.slots.append(Slot(any_of(alts), word, tok.term, weight))
    if lexicon is not None and len(words) > 0:
        _apply_lexicon(query, text, lexicon)
    # Filler words (방법, 문의, 하다…) go unless nothing else is left; repeated slots go; at most 8.
    meaningful = [s for s in query.slots if s.main not in tokenizer.QUERY_STOPWORDS]
    seen, unique = set(), []
    for slot in meaningful or query.slots:
        if slot.expr not in seen:
            seen.add(slot.expr)
            unique.append(slot)
    query.slots = unique[:max_slots]
    return query


# --- Evaluating an expression against one document's terms (for the relevance score) ----------


# A manual word the lexicon stands in for counts fully in an article's title (the article is about
# it) and this much in its body only, where any article may mention it in passing (해지 in 번호 이동).
LEXICON_BODY = 0.75
# In an article missing some of the query's words, a verb the caller typed counts this much when
# only the body holds it: an answer script says 타다, 받다, 나오다 in passing whatever it is about, its
# title says what it is about (돌려받다 in 청약 철회's answer is weaker evidence than 해지 in 보험
# 해지's title). An article holding every word keeps full credit (a good match, engine.score()).
VERB_BODY = 0.5


def credit(
    expr: Expr,
    terms: set[str],
    title: set[str] | None = None,
    learned: frozenset[str] = frozenset(),
    verb_body: float = VERB_BODY,
) -> float:
    """How well `terms` satisfy `expr`: 0 when not at all, else the credit of the best alternative.
    `title`: the article's title terms, when a lexicon word or a typed verb found only outside them
    counts less; `learned`: the article's learned customer expressions, which hold a customer's verb
    because it is said about this article (it counts fully there); `verb_body`: what such a verb
    counts in the body only."""
    if isinstance(expr, Term):
        if not _holds(expr, terms):
            return 0.0
        if title is not None and expr.lexicon and not _holds(expr, title):
            return expr.credit * LEXICON_BODY
        if title is not None and expr.verb and not _holds(expr, title) and not _holds(expr, learned):
            return expr.credit * verb_body
        return expr.credit
    if isinstance(expr, And):
        values = [credit(p, terms, title, learned, verb_body) for p in expr.parts]
        return min(values) if all(values) else 0.0
    return max((credit(p, terms, title, learned, verb_body) for p in expr.parts), default=0.0)


def _holds(term: Term, terms: set[str] | frozenset[str]) -> bool:
    return any(t.startswith(term.text) for t in terms) if term.prefix else term.text in terms

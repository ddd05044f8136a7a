"""The Korean tokenizer shared by indexing and querying (Kiwi morphological analysis).

Index time and query time normalise the same way, so a particle or an ending never decides a match:
환불해주세요 → 환불, 카드를 잃어버렸어요 → 카드 + 잃어버리. Nouns written together are indexed whole
*and* split (카드분실신고 → 카드, 분실, 신고, 카드분실신고, 카드분실, 분실신고; 요금제 → 요금, 제, 요금제),
so a query spaced either way finds them.

Kiwi costs about a second and a few hundred MB to load: it is built once per process, lazily and
under a lock (config/wsgi.py warms it up so gunicorn --preload shares it), never per request.
Analysing a short query then takes well under a millisecond.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

_kiwi = None
_kiwi_pid = 0  # the process that loaded Kiwi (see batch_ok())
_lock = threading.Lock()

# Morpheme tags that carry meaning for search (Sejong tag set as used by Kiwi).
CONTENT_TAGS = {"NNG", "NNP", "SL", "SN", "SH", "XR", "VV", "VA", "XSN", "XPN"}
# Tags that can form a compound noun with their neighbour when written without a space.
NOMINAL_TAGS = {"NNG", "NNP", "XSN", "XPN", "SN", "SL", "XR"}
# Words agents type around the real keywords ("어떻게 해야 하나요", "환불 받고 싶어요"): dropped from
# queries only (never from the index), and only when something else is left.
QUERY_STOPWORDS = {
    "하",
    "되",
    "있",
    "싶",
    "주",
    "보",
    "어떻",
    "어떡하",
    "그렇",
    "않",
    "드리",
    "알",
    "좀",
    "방법",
    "문의",
    "어디",
    "언제",
    "뭐",
    "무엇",
    "왜",
    "얼마",
    "받",
    "가능",
    "님",  # 고객님, 상담사님: an honorific, not a topic
}

CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
JONG = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]
# Compound jamo as they are typed on a 2-beolsik keyboard, so a jamo string follows the keystrokes:
# 닭 is typed ㄷㅏㄹㄱ, and a half-typed 달 is then a prefix of it.
_SPLIT = {
    "ㄳ": "ㄱㅅ",
    "ㄵ": "ㄴㅈ",
    "ㄶ": "ㄴㅎ",
    "ㄺ": "ㄹㄱ",
    "ㄻ": "ㄹㅁ",
    "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ",
    "ㄿ": "ㄹㅍ",
    "ㅀ": "ㄹㅎ",
    "ㅄ": "ㅂㅅ",
    "ㅘ": "ㅗㅏ",
    "ㅙ": "ㅗㅐ",
    "ㅚ": "ㅗㅣ",
    "ㅝ": "ㅜㅓ",
    "ㅞ": "ㅜㅔ",
    "ㅟ": "ㅜㅣ",
    "ㅢ": "ㅡㅣ",
}
_COMPAT_JAMO = set(CHO) | set(JUNG) | {j for j in JONG if j}


def get_kiwi():
    """The process-wide Kiwi instance (thread-safe lazy singleton)."""
    global _kiwi, _kiwi_pid
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi()
                kiwi.tokenize("카드 분실 신고를 도와드릴게요")  # the first call builds lazy tables
                _kiwi, _kiwi_pid = kiwi, os.getpid()
    return _kiwi


def batch_ok() -> bool:
    """Whether Kiwi may be given a list in one call here. A list runs on Kiwi's thread pool, which a
    process forked after Kiwi was loaded (a gunicorn --preload worker, a Celery prefork child of a
    master that had loaded it) does not have: the call would wait for ever."""
    return _kiwi is not None and _kiwi_pid == os.getpid()


def warm_up() -> None:
    """Load Kiwi and parse the shipped lexicon now (called from config/wsgi.py so a preloading
    server does both once, before it forks its workers)."""
    get_kiwi()
    from .lexicon import shipped
    from .meaning import warm_up as meaning_warm_up

    shipped()
    meaning_warm_up()


@dataclass(frozen=True, slots=True)
class Token:
    term: str
    tag: str
    start: int
    end: int


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").lower()


def clean_term(term: str) -> str:
    """Only letters and digits reach the index or a query: nothing can carry query syntax."""
    return "".join(ch for ch in normalize(term) if ch.isalnum())


def is_jamo(ch: str) -> bool:
    return ch in _COMPAT_JAMO


@lru_cache(maxsize=4096)
def _analyze_cached(text: str) -> tuple[Token, ...]:
    tokens = []
    raw = get_kiwi().tokenize(text)
    for i, t in enumerate(raw):
        tag = t.tag.split("-")[0]  # VA-I / VV-R: irregular conjugation marks
        if tag in _MISREAD_PREFIX_TAGS and _misread_prefix(text, raw, i):
            tag = PREFIX_TAG  # kept for index_terms' compounds; analyze() leaves it out
        elif tag not in CONTENT_TAGS:
            continue
        term = clean_term(t.form)
        if term:
            tokens.append(Token(term, tag, t.start, t.start + t.len))
    return tuple(tokens)


# Kiwi reads some one-syllable Sino-Korean prefixes written onto a noun as an interjection, a
# numeral or an adnominal (오배송 → 오 IC + 배송, 오입금 → 오 NR, 구주소 → 구 MM). The index keeps
# the whole word too, so a typed 오배 completes to 오배송; the syllable alone stays out of queries
# and the index (as Kiwi's reading would have it: 새 폰 is not 새폰's 새 either).
_MISREAD_PREFIX_TAGS = {"IC", "NR", "MM"}
PREFIX_TAG = "PFX"


def _misread_prefix(text: str, raw, i: int) -> bool:
    t = raw[i]
    nxt = raw[i + 1] if i + 1 < len(raw) else None
    return (
        len(t.form) == 1
        and 0xAC00 <= ord(t.form) <= 0xD7A3
        and (t.start == 0 or text[t.start - 1].isspace())  # it starts a word
        and nxt is not None
        and nxt.tag in ("NNG", "NNP")
        and nxt.start == t.start + t.len  # written onto the noun
    )


# What the colloquial lexicon matches on: content morphemes plus adverbs, so negation and
# duration words (안 쓰다, 당분간, 잠깐) take part in a phrase.
LEXEME_TAGS = CONTENT_TAGS | {"MAG", "MM", "NP"}


@lru_cache(maxsize=4096)
def lexemes(text: str) -> tuple[str, ...]:
    """The morphemes the colloquial lexicon compares (안 쓸 거예요 → 안, 쓰), in order."""
    text = normalize(text)[:400]
    if not text.strip():
        return ()
    out = []
    for t in get_kiwi().tokenize(text):
        if t.tag.split("-")[0] in LEXEME_TAGS:
            term = clean_term(t.form)
            if term:
                out.append(term)
    return tuple(out)


def analyze(text: str) -> list[Token]:
    """Content morphemes of `text` (particles, endings, punctuation dropped), with their offsets."""
    return [t for t in _read(text) if t.tag != PREFIX_TAG]


def _read(text: str) -> tuple[Token, ...]:
    """Kiwi's reading of `text` as analyze() and index_terms() take it, misread prefixes included."""
    text = normalize(text)
    return _analyze_cached(text[:20000]) if text.strip() else ()


def compounds(tokens: list[Token]) -> list[str]:
    """Whole forms of nouns written together: each run of adjacent nominal morphemes, and its pairs."""
    out: list[str] = []
    run: list[Token] = []

    def flush() -> None:
        if len(run) >= 2:
            out.append("".join(t.term for t in run))
            if len(run) >= 3:
                out.extend(a.term + b.term for a, b in pairwise(run))
        run.clear()

    for tok in tokens:
        if tok.tag in NOMINAL_TAGS and run and run[-1].end == tok.start:
            run.append(tok)
        else:
            flush()
            if tok.tag in NOMINAL_TAGS or tok.tag == PREFIX_TAG:
                run.append(tok)
    flush()
    return out


@lru_cache(maxsize=16384)
def split_noun(noun: str) -> tuple[str, ...]:
    """The parts of a long noun Kiwi kept whole in context (비밀번호 재설정 → 비밀번호), as Kiwi splits
    it on its own (비밀 + 번호); empty when it stays whole."""
    parts = [t for t in _analyze_cached(noun) if t.tag in NOMINAL_TAGS]
    return tuple(t.term for t in parts) if len(parts) >= 2 else ()


def index_terms(text: str) -> list[str]:
    """The terms stored for a text: morphemes, whole compounds, and the parts of long nouns."""
    terms: list[str] = []
    for line in (text or "").splitlines():
        read = list(_read(line))
        tokens = [t for t in read if t.tag != PREFIX_TAG]
        terms += [t.term for t in tokens] + compounds(read)
        for t in tokens:
            if t.tag in ("NNG", "NNP") and len(t.term) >= 3:
                terms += split_noun(t.term)
    return terms


# --- Jamo -------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def jamo(text: str) -> str:
    """Keystroke-order compatibility jamo: 분실 → ㅂㅜㄴㅅㅣㄹ, 닭 → ㄷㅏㄹㄱ. Other characters are kept."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            lead, rest = divmod(code, 588)
            vowel, tail = divmod(rest, 28)
            out.append(CHO[lead] + _SPLIT.get(JUNG[vowel], JUNG[vowel]))
            if tail:
                out.append(_SPLIT.get(JONG[tail], JONG[tail]))
        else:
            out.append(_SPLIT.get(ch, ch))
    return "".join(out)


def chosung(text: str) -> str:
    """Initial consonants: 카드분실 → ㅋㄷㅂㅅ. Other characters are kept."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        out.append(CHO[code // 588] if 0 <= code < 11172 else ch)
    return "".join(out)


def is_chosung_word(word: str) -> bool:
    """A word typed as initial consonants only (ㅋㄷㅂㅅ)."""
    return len(word) >= 2 and all(ch in CHO for ch in word)


def ends_half_built(word: str) -> bool:
    """True when the last character may still be changing under the IME (a lone jamo or a syllable
    without a final consonant: 분ㅅ, 분시 on the way to 분실)."""
    if not word:
        return False
    last = word[-1]
    if is_jamo(last):
        return True
    code = ord(last) - 0xAC00
    return 0 <= code < 11172 and code % 28 == 0


def compound_splits(word: str, known: set[str]) -> list[tuple[list[str], int]]:
    """Ways to read `word` as nouns of two syllables or more, every one in `known` but one (its index),
    fewest parts first: 이체한도증엑 → (이체, 한도, 증엑), 2, the part a typo correction looks at."""
    n, out = len(word), []

    def walk(pos: int, parts: list[str], unknown: int | None) -> None:
        if pos == n:
            if unknown is not None and len(parts) >= 2:
                out.append((parts, unknown))
            return
        for end in range(n, pos + 1, -1):  # the longest piece first
            piece = word[pos:end]
            if piece in known:
                walk(end, [*parts, piece], unknown)
            elif unknown is None:
                walk(end, [*parts, piece], len(parts))

    if n <= 8:
        walk(0, [], None)
    return sorted(out, key=lambda split: len(split[0]))


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """Damerau distance ≤ 1 (one substitution, insertion, deletion or swap of neighbours)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]

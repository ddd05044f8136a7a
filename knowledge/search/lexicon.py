"""The colloquial lexicon: callers' phrases → the nouns manuals use, applied at query time.

The shipped entries (lexicon_data.py) are parsed once per process; a client's own entries (edited
with the synonym groups, kind "colloquial") are added per client and cached with the synonyms. A
phrase matches when its morphemes occur in the query in order, at most MAX_GAP other morphemes
apart; the query words it covers then also match the manual words, with LEXICON credit (less than
the words typed). Nothing here reads the database or Kiwi per query beyond the query itself.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import tokenizer

logger = logging.getLogger(__name__)

MAX_GAP = 2
# Everyday verbs too vague to stand for anything alone (가다, 오다, 쓰다, 나다...).
_NEGATIONS = {"안", "못"}
_NEGATED_FILLER = {"되", "하"}
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
# Question words and 받다 are filler around a query's keywords, but they are what a phrase is about
# when its other word alone would be dropped: 한도 얼마, 언제 와요, 새벽에 받 (not 한도, 오, 새벽).
_KEPT_WHEN_NEEDED = frozenset({"언제", "어디", "얼마", "왜", "뭐", "무엇", "받"})


@dataclass(frozen=True)
class Entry:
    phrase: tuple[str, ...]  # morphemes of the caller's phrase
    targets: tuple[tuple[str, ...], ...]  # each manual word as its morphemes (all must match)
    source: str = ""  # the phrase as written (for the admin page)

    @property
    def word(self) -> bool:
        """A phrase of one written noun (비번, 치수): usable as an alias inside other phrases."""
        return len(self.phrase) == 1 and " " not in self.source and self.phrase[0] not in _VAGUE_ALONE


@dataclass
class Lexicon:
    by_first: dict[str, list[Entry]] = field(default_factory=dict)
    size: int = 0
    # One everyday noun for one manual noun (비번 → 비밀번호, 치수 → 사이즈): inside a phrase the
    # everyday word stands for the manual one too, so 비번 틀렸어요 matches the phrase 비밀번호 틀리다.
    aliases: dict[str, set[str]] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        self.by_first.setdefault(entry.phrase[0], []).append(entry)
        self.size += 1
        if entry.word:
            for target in entry.targets:
                if len(target) == 1 and target[0] != entry.phrase[0]:
                    self.aliases.setdefault(entry.phrase[0], set()).add(target[0])

    def merged(self, extra: list[Entry]) -> Lexicon:
        if not extra:
            return self
        out = Lexicon(
            {k: list(v) for k, v in self.by_first.items()},
            self.size,
            {k: set(v) for k, v in self.aliases.items()},
        )
        for entry in extra:
            out.add(entry)
        return out

    def matches(self, lexemes: tuple[str, ...]) -> list[tuple[set[str], tuple[tuple[str, ...], ...], int]]:
        """(the query morphemes a phrase covered, its manual words, the phrase's length) for every
        phrase found. A query word also counts as the manual words it is an alias of. A phrase of
        two words matches them the other way round too (통장 바꾸: 바꾸려는 통장, 은행 옮기: 옮긴
        은행), unless one is a negation (안 쓰 is not 쓰던 게 안 돼)."""
        found = []
        # Each query position as the words it stands for: itself, then its aliases.
        forms = [(lexeme, *self.aliases.get(lexeme, ())) for lexeme in lexemes]
        n = len(lexemes)
        for i, first_forms in enumerate(forms):
            for first in first_forms:
                for entry in self.by_first.get(first, ()):
                    pos, covered = i, {lexemes[i]}
                    for want in entry.phrase[1:]:
                        nxt = next(
                            (j for j in range(pos + 1, min(n, pos + 2 + MAX_GAP)) if want in forms[j]), None
                        )
                        if nxt is None:
                            break
                        pos = nxt
                        covered.add(lexemes[nxt])
                    else:
                        found.append((covered, entry.targets, len(entry.phrase)))
                        continue
                    if len(entry.phrase) == 2 and not _NEGATIONS & set(entry.phrase):
                        before = range(max(0, i - 1 - MAX_GAP), i)
                        back = next((j for j in before if entry.phrase[1] in forms[j]), None)
                        if back is not None:
                            found.append(({lexemes[back], lexemes[i]}, entry.targets, 2))
        return found


def _terms(words: str) -> tuple[str, ...]:
    return tuple(t.term for t in tokenizer.analyze(words)) or (tokenizer.clean_term(words),)


def _target_readings(words: str) -> list[tuple[str, ...]]:
    """A manual word as Kiwi reads it, and, when that differs, as written (이전 설치 alone is
    이 + 설치 to Kiwi, in an article's title 이전 + 설치)."""
    read = _terms(words)
    written = tuple(tokenizer.clean_term(w) for w in words.split())
    if len(read) == 1 and len(read[0]) == 1 and len("".join(written)) > 1:
        # Kiwi kept one syllable of the word (착불 → 불, 위임 → 위, 입고 → 입): as a target it would
        # credit every article about fire, above or wearing. The word as written only.
        return [written]
    return [read] if written == read or (len(written) == 1 and len(read) > 1) else [read, written]


def _content(lexemes: tuple[str, ...], keep: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The phrase's morphemes without filler (하다, 되다, 좀) but those in `keep`, and a filler verb
    right after a negation: 결제가 안 돼 is (결제, 안, 되), not (결제, 안), which 결제할 때 안 먹혀요
    would match."""
    out = []
    for i, m in enumerate(lexemes):
        if (
            m not in tokenizer.QUERY_STOPWORDS
            or m in keep
            or (i and lexemes[i - 1] in _NEGATIONS and m in _NEGATED_FILLER)
        ):
            out.append(m)
    return tuple(out)


def _usable(morphemes: tuple[str, ...], phrase: str) -> bool:
    """Whether a phrase reduced to `morphemes` still says something specific."""
    if not morphemes or (len(morphemes) == 1 and morphemes[0] in _VAGUE_ALONE):
        return False
    # 안 쓰다, 못 내다: a negated everyday verb says something; 가 + 오 alone does not.
    if all(m in _VAGUE_ALONE for m in morphemes) and not _NEGATIONS & set(morphemes[:-1]):
        return False
    # 하나만 환불 → 환불: what made it specific was dropped.
    return not (len(morphemes) == 1 and len(phrase.split()) > 1)


@lru_cache(maxsize=4096)
def lexemes_by_word(text: str) -> tuple[tuple[str, ...], ...]:
    """tokenizer.lexemes of `text` read as one sentence, grouped by the written word each comes from
    (Kiwi reads 없애 in 계정 없애 주세요 as 없애, alone as 없)."""
    text = tokenizer.normalize(text)[:400]
    starts, pos = [], 0
    for word in text.split():
        pos = text.index(word, pos)
        starts.append(pos)
        pos += len(word)
    out: list[list[str]] = [[] for _ in starts]
    for t in tokenizer.get_kiwi().tokenize(text) if starts else ():
        term = tokenizer.clean_term(t.form)
        if term and t.tag.split("-")[0] in tokenizer.LEXEME_TAGS:
            i = max(j for j, start in enumerate(starts) if start <= t.start) if t.start >= starts[0] else 0
            out[i].append(term)
    return tuple(tuple(w) for w in out)


def batch_lexemes(texts: list[str]) -> dict[str, tuple[str, ...]]:
    """tokenizer.lexemes of many phrases, keyed by the normalised phrase. One Kiwi call per phrase:
    a list in one call runs on Kiwi's thread pool, which a gunicorn worker forked after the master
    loaded Kiwi (--preload) does not have, and the call then waits for ever holding the GIL."""
    unique = list(dict.fromkeys(tokenizer.normalize(t)[:400] for t in texts if t.strip()))
    out = {}
    kiwi = tokenizer.get_kiwi()
    for text in unique:
        tokens = kiwi.tokenize(text)
        terms = (tokenizer.clean_term(t.form) for t in tokens if t.tag.split("-")[0] in tokenizer.LEXEME_TAGS)
        out[text] = tuple(term for term in terms if term)
    return out


def parse_entry(
    targets: list[str], phrases: list[str], known: dict[str, tuple[str, ...]] | None = None
) -> list[Entry]:
    """Entries for one line: each phrase → all the manual words. Phrases reduced to nothing
    meaningful (only filler, or one vague everyday verb) are left out. `known`: lexemes already
    computed (batch_lexemes)."""
    target_terms = tuple(t for w in targets if w.strip() for t in _target_readings(w) if all(t))
    if not target_terms:
        return []
    out = []
    for phrase in phrases:
        lexemes = known.get(tokenizer.normalize(phrase)[:400]) if known else None
        lexemes = lexemes if lexemes is not None else tokenizer.lexemes(phrase)
        morphemes = _content(lexemes)
        if not _usable(morphemes, phrase):
            morphemes = _content(lexemes, _KEPT_WHEN_NEEDED)
            if not _usable(morphemes, phrase):
                continue
        out.append(Entry(morphemes, target_terms, phrase.strip()))
        whole = tokenizer.clean_term(phrase)
        if len(morphemes) > 1 and "".join(morphemes) == whole:
            # 할인권 alone is 할인 + 권 to Kiwi, but one word inside a sentence: match either.
            out.append(Entry((whole,), target_terms, phrase.strip()))
    return out


def parse_lines(text: str) -> list[Entry]:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "<=" not in line:
            continue
        left, right = line.split("<=", 1)
        rows.append((left.split(","), right.split("|")))
    known = batch_lexemes([phrase for _targets, phrases in rows for phrase in phrases])
    return [entry for targets, phrases in rows for entry in parse_entry(targets, phrases, known)]


_shipped: Lexicon | None = None
_lock = threading.Lock()


def shipped() -> Lexicon:
    """The product's lexicon, parsed once per process (Kiwi reduces each phrase once), or read from
    the parse a process on this machine saved before (see _cache_file)."""
    global _shipped
    if _shipped is None:
        with _lock:
            if _shipped is None:
                from .lexicon_data import LEXICON

                lexicon = Lexicon()
                for entry in _cached_parse(LEXICON):
                    lexicon.add(entry)
                _shipped = lexicon
    return _shipped


def _cache_file(text: str) -> Path | None:
    """Where the parse of `text` is saved: under VAR_DIR, named by a hash of everything the parse
    depends on (the text, the parsing code, Kiwi and its model), so an upgrade or an edit never
    reads a stale parse. Parsing takes Kiwi 1-2 s per process; reading the file, a tenth of that."""
    from django.conf import settings

    var_dir = getattr(settings, "VAR_DIR", None)
    if not var_dir:
        return None
    digest = hashlib.sha256(text.encode())
    for module in (__file__, tokenizer.__file__):
        digest.update(Path(module).read_bytes())
    for package in ("kiwipiepy", "kiwipiepy_model"):
        try:
            digest.update(importlib.metadata.version(package).encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(b"-")
    return Path(var_dir) / "cache" / f"lexicon-{digest.hexdigest()[:24]}.json"


def _cached_parse(text: str) -> list[Entry]:
    path = _cache_file(text)
    if path is not None:
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            return [
                Entry(tuple(phrase), tuple(tuple(t) for t in targets), source)
                for phrase, targets, source in rows
            ]
        except (OSError, ValueError, TypeError):
            pass  # not saved yet, or unreadable: parse again and save over it
    entries = parse_lines(text)
    if path is not None:
        _save(path, [[e.phrase, e.targets, e.source] for e in entries])
    return entries


def _save(path: Path, rows: list) -> None:
    """Written whole or not at all (another process may be reading), old parses removed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as f:
            json.dump(rows, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(f.name, path)
        for old in path.parent.glob("lexicon-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        logger.warning("could not save the lexicon's parse to %s", path, exc_info=True)

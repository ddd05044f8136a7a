"""Writes of the search part: call-mode memory (current client, recent and pinned articles),
the synonym table, and which article a search led to."""

from __future__ import annotations

import re
from collections import Counter

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import ClientCompany, User
from accounts.permissions import can_manage_client, can_see_client
from accounts.services import audit_record
from knowledge.models import (
    Article,
    CallRecord,
    ClientPreference,
    LearnedExpression,
    SearchDocument,
    SearchLog,
    SynonymGroup,
)

from . import interface, lexicon, tokenizer
from .query import EVERYDAY
from .selectors import RECENT_KEEP, can_edit_synonym_group


def call_client_remember(*, user: User, client: ClientCompany) -> None:
    """Call mode opens next time on the client the agent used last (switched to, or read an answer of)."""
    if not can_see_client(user, client):
        raise PermissionDenied
    _remember_current(user=user, client_id=client.pk)


def _remember_current(*, user: User, client_id: int) -> None:
    current = ClientPreference.objects.filter(user=user, kind="current")
    if current.update(client_id=client_id, used_at=timezone.now()):
        return
    try:
        with transaction.atomic():
            ClientPreference.objects.create(user=user, client_id=client_id, kind="current")
    except IntegrityError:  # another tab remembered one first (one "current" per user)
        current.update(client_id=client_id, used_at=timezone.now())


def call_article_opened(*, user: User, article: Article, log_id: int | None = None) -> None:
    """The agent opened an article in call mode: it goes to the top of their recent list."""
    with transaction.atomic(durable=True):
        pref, created = ClientPreference.objects.get_or_create(
            user=user, client_id=article.client_id, article=article, kind="recent"
        )
        if not created:
            pref.save(update_fields=["used_at"])
        stale = ClientPreference.objects.filter(
            user=user, client_id=article.client_id, kind="recent"
        ).values_list("pk", flat=True)[RECENT_KEEP:]
        ClientPreference.objects.filter(pk__in=list(stale)).delete()
    # Reading an answer is using that client: call mode opens on it next time.
    _remember_current(user=user, client_id=article.client_id)
    if log_id:
        search_result_opened(user=user, log_id=log_id, article=article)


def search_result_opened(*, user: User, log_id: int, article: Article) -> None:
    """An article opened from a search result: noted on the agent's log row, and the query becomes
    the article's learned expression once KNOWLEDGE_SEARCH_LEARN_AGENTS agents agree."""
    interface.log_opened(user=user, log_id=log_id, article_id=article.pk)
    row = SearchLog.objects.filter(pk=log_id, user=user, opened_article=article).values_list(
        "client_id", "query"
    )
    for client_id, query in row[:1]:
        learned_from_search(client_id=client_id, query=query, article_id=article.pk)


def call_article_pin_toggle(*, user: User, article: Article) -> bool:
    """Pin or unpin an article for its client; returns whether it is pinned now."""
    with transaction.atomic(durable=True):
        existing = ClientPreference.objects.select_for_update().filter(
            user=user, client_id=article.client_id, article=article, kind="pinned"
        )
        if existing.exists():
            existing.delete()
            return False
        ClientPreference.objects.create(
            user=user, client_id=article.client_id, article=article, kind="pinned"
        )
        return True


def clean_synonym_terms(raw: str, *, minimum: int = 2) -> str:
    words = []
    for part in raw.replace("\n", ",").split(","):
        word = " ".join(part.split())
        if word and word not in words:
            words.append(word)
    if len(words) < minimum:
        if minimum == 1:
            raise ValidationError({"terms": _("Enter the words the manuals use.")})
        raise ValidationError({"terms": _("Enter at least two words separated by commas.")})
    for word in words:
        if not tokenizer.clean_term(word):
            raise ValidationError({"terms": _("“%(word)s” has no letters or digits.") % {"word": word}})
        if len(word) > 40:
            raise ValidationError(
                {"terms": _("“%(word)s” is longer than 40 characters.") % {"word": word[:40]}}
            )
    return ", ".join(words)


def clean_colloquial_phrases(raw: str) -> str:
    """Callers' phrases, one per line; each must say something once reduced to its morphemes."""
    phrases = list(dict.fromkeys(" ".join(p.split()) for p in raw.replace("|", "\n").splitlines()))
    phrases = [p for p in phrases if p]
    if not phrases:
        raise ValidationError({"phrases": _("Enter at least one phrase callers use.")})
    for phrase in phrases:
        if len(phrase) > 80:
            raise ValidationError(
                {"phrases": _("“%(phrase)s” is longer than 80 characters.") % {"phrase": phrase[:80]}}
            )
        if not lexicon.parse_entry(["x"], [phrase]):
            raise ValidationError(
                {
                    "phrases": _(
                        "“%(phrase)s” is too vague to search by: add the object or the negation "
                        "(e.g. “안 쓸 거예요”, “카드 정리하려고요”)."
                    )
                    % {"phrase": phrase}
                }
            )
    return "\n".join(phrases)


def synonym_group_create(
    *, by: User, client: ClientCompany | None, terms: str, kind: str = "synonym", phrases: str = ""
) -> SynonymGroup:
    """A synonym group, or a colloquial group (callers' phrases → the manual's words)."""
    if client is None and not by.is_admin:
        raise PermissionDenied
    if client is not None and not can_manage_client(by, client):
        raise PermissionDenied
    if kind not in SynonymGroup.Kind.values:
        raise ValidationError({"kind": _("Choose synonyms or colloquial phrases.")})
    colloquial = kind == SynonymGroup.Kind.COLLOQUIAL
    cleaned = clean_synonym_terms(terms, minimum=1 if colloquial else 2)
    cleaned_phrases = clean_colloquial_phrases(phrases) if colloquial else ""
    with transaction.atomic(durable=True):
        group = SynonymGroup.objects.create(
            client=client, terms=cleaned, kind=kind, phrases=cleaned_phrases, created_by=by
        )
        audit_record(
            actor=by,
            action=AuditAction.SYNONYMS_CREATE,
            target=group,
            data={"terms": cleaned, "kind": kind, "phrases": cleaned_phrases},
        )
    return group


def synonym_group_delete(*, by: User, group: SynonymGroup) -> None:
    if not can_edit_synonym_group(by, group):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        audit_record(actor=by, action=AuditAction.SYNONYMS_DELETE, target=group, data={"terms": group.terms})
        group.delete()


# --- Learned customer expressions -----------------------------------------------------------------
_PLACEHOLDER = re.compile(r"\[[^\]]*\]|<[^>]*>|[•*]{2,}")
LEARN_MAX_PER_ARTICLE = 30  # words, and as many phrases
LEARN_MIN_SPECIFICITY = 0.6  # share of the linked calls using a word that are this article's
# Everyday filler (인사, 확인 부탁, 주문번호) is used about as often in every topic of the client: a
# word or phrase is kept only when the article's calls use it this many times as often as a sample
# of the client's other calls do (linked or not). Below LEARN_MIN_BACKGROUND other calls there is no
# measure, and specificity alone decides.
LEARN_MIN_LIFT = 3.0
LEARN_BACKGROUND = 5000
LEARN_MIN_BACKGROUND = 30


def _call_words(text: str) -> set[str]:
    """The words a customer used on a call, as index terms: masked placeholders ([고객번호]),
    numbers, filler and everyday words left out."""
    text = _PLACEHOLDER.sub(" ", text or "")
    return {
        t.term
        for t in tokenizer.analyze(text)
        if t.tag in ("NNG", "NNP", "VV", "VA", "XR", "SL")
        and len(t.term) >= 1
        and not t.term.isdigit()
        and t.term not in tokenizer.QUERY_STOPWORDS
        and t.term not in EVERYDAY
    }


def _call_terms(text: str, filler: frozenset[str]) -> dict[str, tuple[str, frozenset[str]]]:
    """Index term → (what the customer said, its words): the call's words and its phrases, the
    client's filler left out of both."""
    from . import phrases

    out = {w: (w, frozenset([w])) for w in _call_words(text) - filler}
    for p in phrases.phrases(_PLACEHOLDER.sub(" ", text or ""), drop=filler):
        out.setdefault(p.term, (p.surface, p.morphemes))
    return out


LEARN_FILLER_SHARE = 0.05


def _client_filler(rows: list[tuple[int | None, str]]) -> frozenset[str]:
    """Words said on ≥ 5 % of the calls of at least half of the client's groups of calls (each
    article's linked calls, and the calls linked to none), in at least three groups: greetings,
    확인 부탁드립니다, 주문번호. They are every topic's words, so no topic's."""
    from . import phrases

    sizes: Counter[int | None] = Counter()
    counts: dict[int | None, Counter[str]] = {}
    for article_id, text in rows:
        sizes[article_id] += 1
        counts.setdefault(article_id, Counter()).update(
            phrases.plain_units(_PLACEHOLDER.sub(" ", text or ""))
        )
    if len(sizes) < 3:
        return frozenset()
    spread: Counter[str] = Counter()
    for group, counter in counts.items():
        spread.update(u for u, n in counter.items() if n >= LEARN_FILLER_SHARE * sizes[group])
    return frozenset(u for u, n in spread.items() if n >= max(3, len(sizes) / 2))


def learned_from_calls(*, client: ClientCompany) -> int:
    """Recompute the client's call-learned expressions: for each article with calls linked to it,
    the words and short phrases customers used on those calls (phrases.py), weighted by how many
    calls used them × how specific they are to that article (share of all linked calls using the
    term), kept when that share is ≥ LEARN_MIN_SPECIFICITY and the article's calls use them at least
    LEARN_MIN_LIFT times as often as the client's calls in general; the client's everyday filler
    (_client_filler: said across its topics) is left out of words and phrases alike.
    Words already in the article are left out, and phrases all of whose words are; removed
    expressions stay removed. Returns how many are active."""
    per_article: dict[int, Counter[str]] = {}
    calls_per_article: Counter[int] = Counter()
    overall: Counter[str] = Counter()
    said: dict[str, Counter[str]] = {}  # term → how customers said it
    words_of: dict[str, frozenset[str]] = {}
    rows = list(
        CallRecord.objects.filter(client=client, article__isnull=False).values_list("article_id", "inquiry")
    )
    # The background: an even sample of all the client's calls, with the article each is linked to.
    ids = list(CallRecord.objects.filter(client=client).order_by("pk").values_list("pk", flat=True))
    sample = ids[:: max(1, len(ids) // LEARN_BACKGROUND)][:LEARN_BACKGROUND]
    sampled: list[tuple[int | None, str]] = []
    for start in range(0, len(sample), 2000):
        chunk = CallRecord.objects.filter(pk__in=sample[start : start + 2000])
        sampled += list(chunk.values_list("article_id", "inquiry"))
    filler = _client_filler(rows + [(None, text) for article_id, text in sampled if article_id is None])
    for article_id, inquiry in rows:
        terms = _call_terms(inquiry, filler)
        per_article.setdefault(article_id, Counter()).update(terms.keys())
        calls_per_article[article_id] += 1
        overall.update(terms.keys())
        for term, (surface, words) in terms.items():
            said.setdefault(term, Counter())[surface] += 1
            words_of[term] = words
    background: Counter[str] = Counter()
    background_of: dict[int | None, Counter[str]] = {}
    background_calls: Counter[int | None] = Counter()
    for sampled_article, sampled_text in sampled:
        sampled_terms = set(_call_terms(sampled_text, filler))
        background.update(sampled_terms)
        background_of.setdefault(sampled_article, Counter()).update(sampled_terms)
        background_calls[sampled_article] += 1
    own = {
        pk: set(f"{t} {q} {a}".split())
        for pk, t, q, a in SearchDocument.objects.filter(article_id__in=list(per_article)).values_list(
            "article_id", "title_terms", "question_terms", "answer_terms"
        )
    }
    wanted: dict[tuple[int, str], tuple[str, int, float]] = {}
    for article_id, counts in per_article.items():
        floor = max(2, round(0.03 * calls_per_article[article_id]))
        others = len(sample) - background_calls[article_id]
        mine = background_of.get(article_id, Counter())
        known = own.get(article_id, set())
        scored = []
        for term, n in counts.items():
            specificity = n / overall[term]
            if n < floor or specificity < LEARN_MIN_SPECIFICITY or words_of[term] <= known:
                continue
            if others >= LEARN_MIN_BACKGROUND:
                elsewhere = (background[term] - mine[term] + 0.5) / (others + 1)
                if n / calls_per_article[article_id] < LEARN_MIN_LIFT * elsewhere:
                    continue
            scored.append((n * specificity, term, n, len(words_of[term]) > 1))
        for phrase in (False, True):
            best = sorted((s for s in scored if s[3] == phrase), reverse=True)[:LEARN_MAX_PER_ARTICLE]
            for weight, term, n, _phrase in best:
                text = min(said[term].items(), key=lambda kv: (-kv[1], kv[0]))[0][:200]
                wanted[(article_id, term)] = (text, n, round(weight, 2))
    with transaction.atomic():
        existing = {
            (e.article_id, e.terms): e
            for e in LearnedExpression.objects.select_for_update().filter(
                client=client, source=LearnedExpression.Source.CALLS
            )
        }
        stale = [e.pk for key, e in existing.items() if key not in wanted and e.removed_at is None]
        LearnedExpression.objects.filter(pk__in=stale).delete()
        changed = set()
        for (article_id, term), (text, n, weight) in wanted.items():
            e = existing.get((article_id, term))
            if e is None:
                LearnedExpression.objects.get_or_create(
                    article_id=article_id,
                    text=text,
                    defaults={
                        "client": client,
                        "terms": term,
                        "source": LearnedExpression.Source.CALLS,
                        "calls": n,
                        "weight": weight,
                    },
                )
                changed.add(article_id)
            elif (e.calls, e.weight) != (n, weight):
                LearnedExpression.objects.filter(pk=e.pk).update(calls=n, weight=weight)
        changed |= {existing_key[0] for existing_key, e in existing.items() if e.pk in stale}
        interface.index_articles(changed)
    return len(wanted)


def learned_from_search(*, client_id: int, query: str, article_id: int) -> bool:
    """After an agent opened `article_id` from `query`: once KNOWLEDGE_SEARCH_LEARN_AGENTS distinct
    agents (default 3) did the same, the query becomes a learned expression of the article."""
    query = " ".join(query.split())[:200]
    if not query:
        return False
    needed = getattr(settings, "KNOWLEDGE_SEARCH_LEARN_AGENTS", 3)
    agents = (
        SearchLog.objects.filter(client_id=client_id, query=query, opened_article_id=article_id)
        .values("user_id")
        .distinct()
        .count()
    )
    if agents < needed:
        return False
    if not Article.objects.filter(pk=article_id, client_id=client_id).exists():
        return False  # an article of another client is never taught this client's words
    terms = " ".join(dict.fromkeys(tokenizer.index_terms(query)))
    if not terms:
        return False
    with transaction.atomic():
        expression, created = LearnedExpression.objects.get_or_create(
            article_id=article_id,
            text=query,
            defaults={
                "client_id": client_id,
                "terms": terms[:400],
                "source": LearnedExpression.Source.SEARCH,
                "calls": agents,
                "weight": float(agents),
            },
        )
        if not created:
            if expression.removed_at is None and expression.calls != agents:
                LearnedExpression.objects.filter(pk=expression.pk).update(calls=agents, weight=float(agents))
            return False
        interface.index_articles([article_id])
    return True


def learned_expression_link(
    *, by: User, client: ClientCompany, query: str, article: Article
) -> LearnedExpression:
    """A manager links a query (a zero-result one from the gaps page) to an article: it becomes a
    learned expression of that article at once."""
    if not can_manage_client(by, client):
        raise PermissionDenied
    text = " ".join(query.split())[:200]
    if article.client_id != client.pk:
        raise ValidationError({"article": _("Choose an article of this client.")})
    terms = " ".join(dict.fromkeys(tokenizer.index_terms(text)))
    if not terms:
        raise ValidationError({"query": _("Enter words with letters or digits.")})
    with transaction.atomic(durable=True):
        expression, _created = LearnedExpression.objects.update_or_create(
            article=article,
            text=text,
            defaults={
                "client": client,
                "terms": terms[:400],
                "source": LearnedExpression.Source.MANAGER,
                "removed_at": None,
                "removed_by": None,
                "weight": 10.0,
            },
        )
        audit_record(actor=by, action=AuditAction.LEARNED_LINK, target=article, data={"query": text})
        interface.index_articles([article.pk])
    return expression


def learned_expression_remove(*, by: User, expression: LearnedExpression) -> None:
    """A manager removes a learned expression: search stops using it at once (the article is
    re-indexed on commit) and later learning runs do not bring it back."""
    if not can_manage_client(by, expression.client):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        expression.removed_at = timezone.now()
        expression.removed_by = by
        expression.save(update_fields=["removed_at", "removed_by", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.LEARNED_REMOVE,
            target=expression.article,
            data={"expression": expression.text, "source": expression.source},
        )
        interface.index_articles([expression.article_id])

"""Models of the search part (index, vocabulary, synonyms, search log), gathered with the others by
knowledge/models/__init__.py.

The full-text structures themselves are vendor-specific and created by the migration
(knowledge/migrations/0002_search_index.py): on PostgreSQL generated `tsvector` columns with GIN
indexes and a pg_trgm index on the vocabulary; on SQLite FTS5 tables kept in sync by triggers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import ClientCompany
from core.caching import VersionedQuerySet, bump_on_save_and_delete

from .caches import INDEX, SYNONYMS

__all__ = [
    "ClientPreference",
    "LearnedExpression",
    "SearchDocument",
    "SearchLog",
    "SearchTerm",
    "SynonymGroup",
]


class IndexQuerySet(VersionedQuerySet):
    """Index writes (bulk by nature) make every cached result list stale (knowledge.search.interface)."""

    cache_versions = (INDEX,)


class SynonymQuerySet(VersionedQuerySet):
    cache_versions = (SYNONYMS,)


class SearchDocument(models.Model):
    """One row per published article: its Kiwi terms per field, space separated."""

    article = models.OneToOneField(
        "knowledge.Article", primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    title_terms = models.TextField(blank=True)
    question_terms = models.TextField(blank=True)  # question + tags
    answer_terms = models.TextField(blank=True)  # answer script + steps + cautions
    # Customers' words learned for the article (LearnedExpression): matched with less credit.
    learned_terms = models.TextField(blank=True)
    # Tie-breakers after text relevance (see docs/architecture.md, "Search"): a helpfulness score in
    # [0, 1] from settings.KNOWLEDGE_SEARCH_HELPFULNESS, and the publication date.
    helpfulness = models.FloatField(default=0.0)
    published_at = models.DateTimeField(null=True, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    objects = IndexQuerySet.as_manager()

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [models.Index(fields=["client"], name="kb_searchdoc_client")]

    def __str__(self) -> str:
        return f"search document {self.article_id}"


class SearchTerm(models.Model):
    """The vocabulary of a client's index, for initial-consonant, half-typed and typo lookups."""

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=100)
    jamo = models.CharField(max_length=300)  # keystroke-order jamo (분실 → ㅂㅜㄴㅅㅣㄹ)
    chosung = models.CharField(max_length=100)  # initial consonants (분실 → ㅂㅅ)

    objects = IndexQuerySet.as_manager()

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.UniqueConstraint(fields=["client", "term"], name="kb_searchterm_unique")]

    def __str__(self) -> str:
        return self.term


class SynonymGroup(models.Model):
    """Words that mean the same to a caller (해지, 탈퇴, 해약). Applied when a query is parsed.

    A group without a client applies to every client (admins edit those); managers edit the groups
    of the clients they manage. A "colloquial" group maps callers' phrases (`phrases`: 정리하려고요,
    안 쓸 거예요) to manual words (`terms`: 해지), with less credit than a synonym; it adds to the
    lexicon shipped with the product (knowledge/search/lexicon_data.py).
    """

    class Kind(models.TextChoices):
        SYNONYM = "synonym", _("Synonyms")
        COLLOQUIAL = "colloquial", _("Colloquial phrases")

    client = models.ForeignKey(
        ClientCompany,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="synonym_groups",
        verbose_name=_("client company"),
        help_text=_("Empty: applies to every client."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SYNONYM)
    terms = models.CharField(
        _("words"), max_length=300, help_text=_("Comma separated, e.g. 해지, 탈퇴, 해약")
    )
    phrases = models.TextField(
        _("caller phrases"),
        blank=True,
        help_text=_("Colloquial groups: what callers say, one phrase per line, e.g. 정리하려고요"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SynonymQuerySet.as_manager()

    class Meta:
        ordering = ["client__name", "terms"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.split(",") if t.strip()]

    @property
    def phrase_list(self) -> list[str]:
        return [p.strip() for p in self.phrases.replace("|", "\n").splitlines() if p.strip()]


bump_on_save_and_delete(SynonymGroup, SYNONYMS)


class SearchLog(models.Model):
    """One query as the agent finally typed it: what they searched, how many hits, what they opened."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(_("query"), max_length=200)
    result_count = models.PositiveIntegerField(_("results"), default=0)
    took_ms = models.FloatField(default=0.0)
    fallback = models.CharField(max_length=20, blank=True)
    opened_article = models.ForeignKey(
        "knowledge.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("search log entry")
        verbose_name_plural = _("search log")
        indexes = [
            models.Index(fields=["client", "result_count", "created_at"], name="kb_searchlog_gaps"),
        ]

    def __str__(self) -> str:
        return self.query


class ClientPreference(models.Model):
    """Call mode's per-user memory: the last client, and articles pinned or recently used per client."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        "knowledge.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        max_length=10, choices=[("current", "current"), ("pinned", "pinned"), ("recent", "recent")]
    )
    used_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-used_at"]
        verbose_name = _("call mode preference")
        verbose_name_plural = _("call mode preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(kind="current"), name="kb_callpref_one_current"
            ),
            models.UniqueConstraint(
                fields=["user", "client", "article", "kind"],
                condition=models.Q(article__isnull=False),
                name="kb_callpref_unique_article",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.client_id} {self.article_id}"


class LearnedExpression(models.Model):
    """Words customers use for an article, learned from the client's own data: the calls linked to
    the article (an import's manual column, or a topic drafted into / linked to it), searches after
    which several agents opened it, or a manager linking a zero-result query. Per article, so never
    shared between clients. Indexed as the article's lowest-weight field; a removed one stays
    removed (the next learning run does not bring it back)."""

    class Source(models.TextChoices):
        CALLS = "calls", pgettext_lazy("learned from", "Calls")
        SEARCH = "search", pgettext_lazy("learned from", "Searches")
        MANAGER = "manager", pgettext_lazy("learned from", "Manager")

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        "knowledge.Article", on_delete=models.CASCADE, related_name="learned_expressions"
    )
    text = models.CharField(_("expression"), max_length=200)
    terms = models.CharField(max_length=400)  # index terms of the text, space separated
    source = models.CharField(_("learned from"), max_length=10, choices=Source.choices)
    calls = models.PositiveIntegerField(_("calls"), default=0)  # calls (or agents) that used it
    weight = models.FloatField(default=0.0)  # calls × specificity to this article
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-weight", "text"]
        verbose_name = _("learned customer expression")
        verbose_name_plural = _("learned customer expressions")
        constraints = [
            models.UniqueConstraint(fields=["article", "text"], name="kb_learned_unique_text"),
        ]

    def __str__(self) -> str:
        return self.text

"""The models of the knowledge app, gathered from its three parts so Django (app label `knowledge`)
and callers find them in one place: `from knowledge.models import Article, SearchLog, CallRecord`.

Each part keeps its own models module: manuals (`knowledge/manuals/models.py`), search
(`knowledge/search/models.py`) and call data (`knowledge/calls/models.py`). Migrations name the
models by app label only, except `_attachment_path`, which migration 0002_manuals reads from here.
"""

from knowledge.calls.models import (
    CallChannel,
    CallRecord,
    ImportJob,
    ImportMapping,
    ImportStatus,
    MiningRun,
    MiningStatus,
    Topic,
    TopicArticle,
    TopicRule,
)
from knowledge.manuals.models import (
    CONTENT_FIELDS,
    Article,
    ArticleFeedback,
    ArticleQuerySet,
    ArticleRevision,
    ArticleStatus,
    ArticleSuggestion,
    Attachment,
    Category,
    RevisionKind,
    SuggestionStatus,
    VerificationReminder,
    _attachment_path,
)
from knowledge.search.models import (
    ClientPreference,
    LearnedExpression,
    SearchDocument,
    SearchLog,
    SearchTerm,
    SynonymGroup,
)

__all__ = [
    "CONTENT_FIELDS",
    "Article",
    "ArticleFeedback",
    "ArticleQuerySet",
    "ArticleRevision",
    "ArticleStatus",
    "ArticleSuggestion",
    "Attachment",
    "CallChannel",
    "CallRecord",
    "Category",
    "ClientPreference",
    "ImportJob",
    "ImportMapping",
    "ImportStatus",
    "LearnedExpression",
    "MiningRun",
    "MiningStatus",
    "RevisionKind",
    "SearchDocument",
    "SearchLog",
    "SearchTerm",
    "SuggestionStatus",
    "SynonymGroup",
    "Topic",
    "TopicArticle",
    "TopicRule",
    "VerificationReminder",
    "_attachment_path",
]

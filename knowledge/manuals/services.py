"""Writes for the manuals: one function per use case. Views, the API, tasks and commands call these.

Every publish (direct, accepted suggestion, restore, import with --publish) writes an
ArticleRevision with who/when/why and an audit event; the search index is told on commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import ClientCompany, User
from accounts.permissions import can_manage_client, can_see_client
from accounts.services import audit_record, notify
from knowledge.search import interface as search

from . import files
from .models import (
    CONTENT_FIELDS,
    Article,
    ArticleFeedback,
    ArticleRevision,
    ArticleStatus,
    ArticleSuggestion,
    Attachment,
    Category,
    RevisionKind,
    SuggestionStatus,
    VerificationReminder,
)


def _require_curator(user: User, client: ClientCompany) -> None:
    if not can_manage_client(user, client):
        raise PermissionDenied(_("Only managers of this client may do this."))


def _require_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why (the comment is required).")})
    return comment


def _clean_tags(tags: str) -> str:
    seen: list[str] = []
    for tag in (tags or "").replace("，", ",").split(","):
        tag = tag.strip().lstrip("#")
        if tag and tag not in seen:
            seen.append(tag)
    return ", ".join(seen)


def _normalise(name: str, value: str | None) -> str:
    """Browsers send CRLF line ends; stored text uses LF so revisions and diffs compare cleanly."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _clean_tags(value) if name == "tags" else value.strip()


def _apply_content(article: Article, content: Mapping[str, str]) -> list[str]:
    changed = []
    for name in CONTENT_FIELDS:
        if name in content:
            value = _normalise(name, content[name])
            if getattr(article, name) != value:
                setattr(article, name, value)
                changed.append(name)
    if changed:
        article.edit_version += 1
    return changed


class ArticleChanged(ValidationError):
    """The article changed after the reviewer opened it: nothing was published."""


def _validate_content(article: Article) -> None:
    errors = {}
    if not article.title.strip():
        errors["title"] = _("Title is required.")
    elif len(article.title) > 200:
        errors["title"] = _("Title is longer than 200 characters.")
    if len(article.tags) > 500:
        errors["tags"] = _("Tags are longer than 500 characters.")
    if errors:
        raise ValidationError(errors)


# --- Categories -------------------------------------------------------------------------------
def category_path_split(path: str) -> list[str]:
    return [part.strip() for part in (path or "").replace("›", ">").split(">")]


def category_get_or_create(*, client: ClientCompany, path: str) -> Category | None:
    """'카드 > 분실' → the leaf Category, creating missing nodes. Empty path → None."""
    if not (path or "").strip():
        return None
    parent = None
    for name in category_path_split(path):
        if not name:
            raise ValidationError(
                {"category": _("Category path has an empty part: %(path)s") % {"path": path}}
            )
        parent, _created = Category.objects.get_or_create(client=client, parent=parent, name=name[:80])
    return parent


# --- Revisions --------------------------------------------------------------------------------
def _write_revision(*, article: Article, by: User | None, comment: str, kind: str) -> ArticleRevision:
    # The article row is locked by the caller, so numbers cannot collide; the constraint backs it up.
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ArticleRevision.objects.create(
        article=article,
        number=number,
        kind=kind,
        title=article.title,
        question=article.question,
        answer=article.answer,
        steps=article.steps,
        cautions=article.cautions,
        tags=article.tags,
        category_path=article.category.path if article.category else "",
        comment=comment,
        created_by=by,
    )


_PUBLISH_ACTIONS = {
    RevisionKind.PUBLISH: AuditAction.ARTICLE_PUBLISH,
    RevisionKind.SUGGESTION: AuditAction.ARTICLE_SUGGESTION,
    RevisionKind.RESTORE: AuditAction.ARTICLE_RESTORE,
    RevisionKind.IMPORT: AuditAction.ARTICLE_IMPORT,
}


def _publish_locked(
    *, article: Article, by: User | None, comment: str, kind: RevisionKind
) -> ArticleRevision:
    was_published = article.status == ArticleStatus.PUBLISHED
    article.status = ArticleStatus.PUBLISHED
    article.published_at = timezone.now()
    article.save()
    revision = _write_revision(article=article, by=by, comment=comment, kind=kind)
    audit_record(
        actor=by,
        action=_PUBLISH_ACTIONS[kind],
        target=article,
        reason=comment,
        data={"revision": revision.number, "client": article.client.slug, "was_published": was_published},
    )
    search.index_articles([article.pk])
    return revision


def _locked(article: Article) -> Article:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to category.
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("client", "category")
        .get(pk=article.pk)
    )


# --- Articles ---------------------------------------------------------------------------------
def article_create_draft(
    *,
    client: ClientCompany,
    title: str,
    question: str,
    answer: str,
    by: User | None,
    category: Category | None = None,
    tags: str = "",
    source_note: str = "",
) -> Article:
    """A new draft article (used by the manual editor and by topic mining). Nothing is published."""
    with transaction.atomic():
        article = Article(client=client, category=category, created_by=by, status=ArticleStatus.DRAFT)
        _apply_content(article, {"title": title, "question": question, "answer": answer, "tags": tags})
        _validate_content(article)
        if category is not None and category.client_id != client.pk:
            raise ValidationError({"category": _("The category belongs to another client.")})
        article.save()
        audit_record(
            actor=by,
            action=AuditAction.ARTICLE_CREATE,
            target=article,
            reason=source_note,
            data={"client": client.slug},
        )
    return article


@dataclass
class ArticleMeta:
    """What the editor sets besides content."""

    category: Category | None = None
    owner: User | None = None
    verify_by: date | None = None
    related: Iterable[Article] | None = None


def _apply_meta(article: Article, meta: ArticleMeta | None) -> None:
    if meta is None:
        return
    if meta.category is not None and meta.category.client_id != article.client_id:
        raise ValidationError({"category": _("The category belongs to another client.")})
    article.category = meta.category
    article.owner = meta.owner
    article.verify_by = meta.verify_by


def _set_related(article: Article, meta: ArticleMeta | None) -> None:
    if meta is None or meta.related is None:
        return
    related = [a for a in meta.related if a.client_id == article.client_id and a.pk != article.pk]
    article.related.set(related)


def article_create(
    *,
    client: ClientCompany,
    by: User,
    content: Mapping[str, str],
    meta: ArticleMeta | None = None,
    submit: bool = False,
) -> Article:
    """Managers create drafts; agents propose articles (they go straight to review)."""
    if not can_see_client(by, client):
        raise PermissionDenied(_("You do not serve this client."))
    curator = can_manage_client(by, client)
    with transaction.atomic(durable=True):
        article = Article(client=client, created_by=by, status=ArticleStatus.DRAFT)
        _apply_content(article, content)
        _validate_content(article)
        _apply_meta(article, meta if curator else ArticleMeta(category=meta.category if meta else None))
        if submit or not curator:
            article.status = ArticleStatus.REVIEW
        article.save()
        if curator:
            _set_related(article, meta)
        audit_record(
            actor=by, action=AuditAction.ARTICLE_CREATE, target=article, data={"client": client.slug}
        )
        if article.status == ArticleStatus.REVIEW and not curator:
            _notify_curators(article, _("New article proposed: %(title)s") % {"title": article.title}, by)
    return article


def _curators_of(client: ClientCompany) -> list[User]:
    """Managers of the teams whose agents serve the client."""
    return list(
        User.objects.filter(managed_teams__members__assignments__client=client, is_active=True).distinct()
    )


def _notify_curators(article: Article, verb: str, by: User) -> None:
    recipients = [u for u in _curators_of(article.client) if u.pk != by.pk]
    if recipients:
        notify(recipients, verb, actor=by, target=article)


def article_update(
    *,
    article: Article,
    by: User,
    content: Mapping[str, str],
    meta: ArticleMeta | None = None,
    comment: str = "",
) -> Article:
    """Edit an article directly.

    Drafts and articles in review change in place (by a curator or the agent who proposed them).
    A published article changes only through a curator, and that change is a publish: a new revision
    with the required comment. Agents propose changes to published articles with suggestion_create.
    """
    curator = can_manage_client(by, article.client)
    with transaction.atomic():
        article = _locked(article)
        own_draft = article.created_by_id == by.pk and article.status in (
            ArticleStatus.DRAFT,
            ArticleStatus.REVIEW,
        )
        if not curator and not (own_draft and can_see_client(by, article.client)):
            raise PermissionDenied(_("Propose a change instead: only managers edit this article."))
        if not curator and article.status == ArticleStatus.REVIEW:
            # Locked while in review: the reviewer publishes the text they read, not one swapped in.
            raise ValidationError(
                _("This article is in review: it cannot be changed until the reviewer sends it back.")
            )
        if article.status == ArticleStatus.PUBLISHED:
            comment = _require_comment(comment)
        _apply_content(article, content)
        _validate_content(article)
        if curator:
            _apply_meta(article, meta)
        elif meta is not None and meta.category is not None:
            _apply_meta(article, ArticleMeta(category=meta.category))
        if curator and meta is not None:
            article.edit_version += 1  # the category or owner may have moved too
        if article.status == ArticleStatus.PUBLISHED:
            _publish_locked(article=article, by=by, comment=comment, kind=RevisionKind.PUBLISH)
        else:
            article.save()
        if curator:
            _set_related(article, meta)
    return article


def article_submit(*, article: Article, by: User) -> Article:
    """Draft → in review."""
    with transaction.atomic():
        article = _locked(article)
        if not (can_manage_client(by, article.client) or article.created_by_id == by.pk):
            raise PermissionDenied
        if article.status != ArticleStatus.DRAFT:
            raise ValidationError(_("Only drafts can be sent for review."))
        article.status = ArticleStatus.REVIEW
        article.save(update_fields=["status", "updated_at"])
        if not can_manage_client(by, article.client):
            _notify_curators(article, _("Article sent for review: %(title)s") % {"title": article.title}, by)
    return article


def article_publish(
    *, article: Article, by: User, comment: str, seen_version: int | None = None
) -> ArticleRevision:
    """Draft, in review or archived → published, as a new revision. Tells the author.

    People publish through the pages with ``seen_version``, the article's ``edit_version`` on the
    page they reviewed: if it changed since, nothing is published (``ArticleChanged``). Code that
    publishes what it just wrote (demo data, imports) passes none.
    """
    _require_curator(by, article.client)
    comment = _require_comment(comment)
    with transaction.atomic():
        article = _locked(article)
        if article.status == ArticleStatus.PUBLISHED:
            raise ValidationError(_("This article is already published."))
        if seen_version is not None and seen_version != article.edit_version:
            raise ArticleChanged(
                _(
                    "This article has changed since you opened it: nothing was published. "
                    "Read the current text, then publish again."
                )
            )
        revision = _publish_locked(article=article, by=by, comment=comment, kind=RevisionKind.PUBLISH)
        _tell_author(
            article, by, _("Your article was published: %(title)s") % {"title": article.title}, comment
        )
    return revision


def _tell_author(article: Article, by: User, message: str, comment: str) -> None:
    """The article's author hears what a curator did to it, unless the curator is the author."""
    author = article.created_by
    if author is not None and author.pk != by.pk:
        notify(author, message, actor=by, target=article, body=comment)


def article_reject(*, article: Article, by: User, comment: str) -> Article:
    """In review → draft, with the reason sent to the author."""
    _require_curator(by, article.client)
    comment = _require_comment(comment)
    with transaction.atomic(durable=True):
        article = _locked(article)
        if article.status != ArticleStatus.REVIEW:
            raise ValidationError(_("Only articles in review can be sent back."))
        article.status = ArticleStatus.DRAFT
        article.save(update_fields=["status", "updated_at"])
        audit_record(actor=by, action=AuditAction.ARTICLE_REJECT, target=article, reason=comment)
        _tell_author(
            article, by, _("Your article was sent back: %(title)s") % {"title": article.title}, comment
        )
    return article


def article_archive(*, article: Article, by: User, comment: str) -> Article:
    """Published → archived: agents no longer see it and search forgets it."""
    _require_curator(by, article.client)
    comment = _require_comment(comment)
    with transaction.atomic(durable=True):
        article = _locked(article)
        if article.status != ArticleStatus.PUBLISHED:
            raise ValidationError(_("Only published articles can be archived."))
        article.status = ArticleStatus.ARCHIVED
        article.save(update_fields=["status", "updated_at"])
        audit_record(actor=by, action=AuditAction.ARTICLE_ARCHIVE, target=article, reason=comment)
        search.remove_articles([article.pk])
    return article


def article_delete(*, article: Article, by: User) -> None:
    """Only drafts that were never published can be deleted; published ones are archived."""
    with transaction.atomic(durable=True):
        article = _locked(article)
        if not (can_manage_client(by, article.client) or article.created_by_id == by.pk):
            raise PermissionDenied
        if article.status != ArticleStatus.DRAFT or article.revisions.exists():
            raise ValidationError(_("Only never-published drafts can be deleted; archive the others."))
        audit_record(
            actor=by, action=AuditAction.ARTICLE_DELETE, target=article, data={"title": article.title}
        )
        pk = article.pk
        for attachment in article.attachments.all():
            attachment.file.delete(save=False)
        article.delete()
        search.remove_articles([pk])


def revision_restore(
    *, article: Article, revision: ArticleRevision, by: User, comment: str
) -> ArticleRevision:
    """Bring back an old revision's content; this is a publish and writes a new revision."""
    _require_curator(by, article.client)
    comment = _require_comment(comment)
    if revision.article_id != article.pk:
        raise ValidationError(_("That revision belongs to another article."))
    with transaction.atomic(durable=True):
        article = _locked(article)
        _apply_content(article, {name: getattr(revision, name) for name in CONTENT_FIELDS})
        return _publish_locked(
            article=article,
            by=by,
            comment=_("Restored revision %(n)s: %(comment)s") % {"n": revision.number, "comment": comment},
            kind=RevisionKind.RESTORE,
        )


# --- Suggestions ------------------------------------------------------------------------------
def suggestion_create(
    *, article: Article, by: User, content: Mapping[str, str], note: str = ""
) -> ArticleSuggestion:
    """An edit proposed to a published article. The live article is not touched."""
    from .selectors import articles_for

    if not articles_for(by).filter(pk=article.pk).exists():
        raise PermissionDenied
    if article.status != ArticleStatus.PUBLISHED:
        raise ValidationError(_("Suggestions are for published articles; edit the draft instead."))
    with transaction.atomic():
        suggestion = ArticleSuggestion(
            article=article,
            author=by,
            base_revision=article.revisions.order_by("-number").first(),
            note=(note or "").strip(),
        )
        for name in CONTENT_FIELDS:
            setattr(suggestion, name, _normalise(name, content.get(name, getattr(article, name))))
        if not suggestion.title:
            raise ValidationError({"title": _("Title is required.")})
        if all(getattr(suggestion, n) == getattr(article, n) for n in CONTENT_FIELDS):
            raise ValidationError(_("Nothing changed: edit the text before proposing."))
        suggestion.save()
        _notify_curators(article, _("Change proposed: %(title)s") % {"title": article.title}, by)
    return suggestion


def _lock_pending(suggestion: ArticleSuggestion) -> ArticleSuggestion:
    locked = ArticleSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != SuggestionStatus.PENDING:
        raise ValidationError(_("This suggestion was already decided."))
    return locked


def suggestion_accept(*, suggestion: ArticleSuggestion, by: User, comment: str) -> ArticleRevision:
    """Apply the suggestion to the live article as a new revision and tell its author."""
    _require_curator(by, suggestion.article.client)
    comment = _require_comment(comment)
    with transaction.atomic(durable=True):
        suggestion = _lock_pending(suggestion)
        article = _locked(suggestion.article)
        _apply_content(article, {name: getattr(suggestion, name) for name in CONTENT_FIELDS})
        _validate_content(article)
        revision = _publish_locked(article=article, by=by, comment=comment, kind=RevisionKind.SUGGESTION)
        suggestion.status = SuggestionStatus.ACCEPTED
        suggestion.reviewed_by, suggestion.reviewed_at, suggestion.review_comment = (
            by,
            timezone.now(),
            comment,
        )
        suggestion.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        if suggestion.author is not None and suggestion.author.pk != by.pk:
            notify(
                suggestion.author,
                _("Your suggestion was published: %(title)s") % {"title": article.title},
                actor=by,
                target=article,
                body=comment,
            )
    return revision


def suggestion_reject(*, suggestion: ArticleSuggestion, by: User, comment: str) -> ArticleSuggestion:
    _require_curator(by, suggestion.article.client)
    comment = _require_comment(comment)
    with transaction.atomic(durable=True):
        suggestion = _lock_pending(suggestion)
        suggestion.status = SuggestionStatus.REJECTED
        suggestion.reviewed_by, suggestion.reviewed_at, suggestion.review_comment = (
            by,
            timezone.now(),
            comment,
        )
        suggestion.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        audit_record(actor=by, action=AuditAction.SUGGESTION_REJECT, target=suggestion, reason=comment)
        if suggestion.author is not None and suggestion.author.pk != by.pk:
            notify(
                suggestion.author,
                _("Your suggestion was not accepted: %(title)s") % {"title": suggestion.article.title},
                actor=by,
                url=suggestion.get_absolute_url(),
                body=comment,
            )
    return suggestion


# --- Attachments ------------------------------------------------------------------------------
def attachment_add(
    *, article: Article, by: User, upload: UploadedFile[Any], images_only: bool = False
) -> Attachment:
    """Store a file with an article. `images_only` for pictures put into the text by the editor."""
    _require_curator(by, article.client)
    kind = files.check_upload(upload)
    if images_only and kind not in files.IMAGES:
        raise ValidationError(
            _("Only PNG, JPEG or GIF pictures can go into the text; attach other files below.")
        )
    with transaction.atomic(durable=True):
        attachment = Attachment(
            article=article,
            original_name=(upload.name or "file")[-200:],
            content_type=kind.content_type,
            size=upload.size or 0,
            uploaded_by=by,
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        audit_record(
            actor=by,
            action=AuditAction.ATTACHMENT_ADD,
            target=article,
            data={"name": attachment.original_name},
        )
    return attachment


def attachment_delete(*, attachment: Attachment, by: User) -> None:
    _require_curator(by, attachment.article.client)
    with transaction.atomic(durable=True):
        audit_record(
            actor=by,
            action=AuditAction.ATTACHMENT_DELETE,
            target=attachment.article,
            data={"name": attachment.original_name},
        )
        storage, name = attachment.file.storage, attachment.file.name
        assert name  # a stored attachment has its file
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- Feedback ---------------------------------------------------------------------------------
def feedback_set(*, article: Article, by: User, helpful: bool, comment: str = "") -> ArticleFeedback:
    """One vote per person per article; voting again changes it."""
    from .selectors import articles_for

    if not articles_for(by, status=ArticleStatus.PUBLISHED).filter(pk=article.pk).exists():
        raise PermissionDenied
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": _("The comment is longer than 500 characters.")})
    feedback, _created = ArticleFeedback.objects.update_or_create(
        article=article,
        user=by,
        defaults={"helpful": helpful, "comment": comment, "updated_at": timezone.now()},
    )
    search.helpfulness_changed([article.pk])
    return feedback


# --- Verification reminders -------------------------------------------------------------------
def verification_reminders_send(*, today: date | None = None) -> int:
    """Remind owners of published articles whose verify-by date has come. Once per article and date."""
    from .selectors import reminder_candidates

    today = today or timezone.localdate()
    sent = 0
    for article in reminder_candidates(today):
        recipient = article.owner or article.created_by
        assert article.verify_by is not None  # the candidates are filtered on it
        with transaction.atomic():
            _reminder, created = VerificationReminder.objects.get_or_create(
                article=article, due_date=article.verify_by, defaults={"recipient": recipient}
            )
            if not created or recipient is None:
                continue
            notify(
                recipient,
                _("Please verify this article (due %(date)s): %(title)s")
                % {"date": article.verify_by.isoformat(), "title": article.title},
                target=article,
            )
            sent += 1
    return sent


def verify_confirm(*, article: Article, by: User, next_date: date) -> Article:
    """The owner checked the article: set the next verify-by date."""
    _require_curator(by, article.client)
    if next_date <= timezone.localdate():
        raise ValidationError({"verify_by": _("The next verification date must be in the future.")})
    with transaction.atomic(durable=True):
        article = _locked(article)
        article.verify_by = next_date
        article.save(update_fields=["verify_by", "updated_at"])
        audit_record(
            actor=by, action=AuditAction.ARTICLE_VERIFY, target=article, data={"next": next_date.isoformat()}
        )
    return article


# --- Import -----------------------------------------------------------------------------------
@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    published: int = 0
    suggested: int = 0
    unchanged: int = 0


def _check_import_row(row: dict[str, Any], clients: dict[str, ClientCompany], by: User | None) -> list[str]:
    problems = []
    slug = row.get("client", "")
    client = clients.get(slug)
    if not slug:
        problems.append(_("client: required"))
    elif client is None:
        problems.append(_("client: unknown client '%(slug)s'") % {"slug": slug})
    elif by is not None and not can_manage_client(by, client):
        problems.append(_("client: you may not import into '%(slug)s'") % {"slug": slug})
    title = row.get("title", "")
    if not title:
        problems.append(_("title: required"))
    elif len(title) > 200:
        problems.append(_("title: longer than 200 characters"))
    if not row.get("answer", ""):
        problems.append(_("answer: required"))
    path = row.get("category", "")
    if path.strip():
        parts = category_path_split(path)
        if any(not p for p in parts):
            problems.append(_("category: '%(path)s' has an empty part") % {"path": path})
        elif any(len(p) > 80 for p in parts):
            problems.append(_("category: a name is longer than 80 characters"))
    if len(_clean_tags(row.get("tags", ""))) > 500:
        problems.append(_("tags: longer than 500 characters"))
    if len(row.get("external_id", "")) > 100:
        problems.append(_("external_id: longer than 100 characters"))
    return problems


def articles_import(*, name: str, data: bytes, by: User | None, publish: bool = False) -> ImportResult:
    """Create or update articles from a JSONL/CSV/XLSX file (matched by client + external_id, else
    client + title). Any bad row: ImportRejected listing every bad line, and nothing is stored.

    Without `publish`, new articles are drafts and changes to published articles become pending
    suggestions, so the live text only changes through review.
    """
    from core.uploads import ImportRejected, RowError

    from .importing import parse_file

    rows = parse_file(name, data)
    slugs = {row.get("client", "") for _line, row in rows}
    clients = {c.slug: c for c in ClientCompany.objects.filter(slug__in=slugs)}
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        problems = _check_import_row(row, clients, by)
        if not problems:
            key = (
                (row["client"], "id", row["external_id"])
                if row.get("external_id")
                else (row["client"], "title", row["title"])
            )
            if key in seen:
                problems.append(_("duplicate of line %(line)s") % {"line": seen[key]})
            else:
                seen[key] = line
        errors += [RowError(line, p) for p in problems]
    if errors:
        raise ImportRejected(errors)

    result = ImportResult()
    comment = _("Imported from %(name)s") % {"name": name}
    with transaction.atomic(durable=True):
        for _line, row in rows:
            client = clients[row["client"]]
            content = {n: row.get(n, "") for n in CONTENT_FIELDS if n in row}
            category = category_get_or_create(client=client, path=row.get("category", ""))
            external_id = row.get("external_id", "")
            candidates = Article.objects.select_for_update().filter(client=client)
            existing = (
                candidates.filter(external_id=external_id)
                if external_id
                else candidates.filter(title=row["title"])
            ).first()
            if existing is None:
                article = Article(client=client, external_id=external_id, category=category, created_by=by)
                _apply_content(article, content)
                article.save()
                result.created += 1
                if publish:
                    _publish_locked(article=article, by=by, comment=comment, kind=RevisionKind.IMPORT)
                    result.published += 1
                continue
            if existing.status == ArticleStatus.PUBLISHED and not publish:
                if all(getattr(existing, n) == _normalise(n, v) for n, v in content.items()):
                    result.unchanged += 1
                    continue
                suggestion = ArticleSuggestion(
                    article=existing,
                    author=by,
                    note=comment,
                    base_revision=existing.revisions.order_by("-number").first(),
                )
                for n in CONTENT_FIELDS:
                    setattr(suggestion, n, _normalise(n, content.get(n, getattr(existing, n))))
                suggestion.save()
                result.suggested += 1
                continue
            changed = _apply_content(existing, content)
            if category is not None and existing.category_id != category.pk:
                existing.category = category
                changed.append("category")
            if publish and (changed or existing.status != ArticleStatus.PUBLISHED):
                _publish_locked(article=existing, by=by, comment=comment, kind=RevisionKind.IMPORT)
                result.updated += 1
                result.published += 1
            elif changed:
                existing.save()
                result.updated += 1
            else:
                result.unchanged += 1
        audit_record(
            actor=by,
            action=AuditAction.ARTICLES_IMPORT,
            reason=comment,
            data={"file": name, "publish": publish, **result.__dict__},
        )
    return result

"""Writes of the search part: call-mode memory (current client, recent and pinned articles),
the synonym table, and which article a search led to."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ClientCompany
from accounts.permissions import can_manage_client, can_see_client
from accounts.services import audit_record

from . import service, tokenizer
from .selectors import RECENT_KEEP


def call_client_remember(*, user, client: ClientCompany) -> None:
    """Call mode opens next time on the client the agent used last (switched to, or read an answer of)."""
    if not can_see_client(user, client):
        raise PermissionDenied
    _remember_current(user=user, client_id=client.pk)


def _remember_current(*, user, client_id: int) -> None:
    from knowledge.models import ClientPreference

    current = ClientPreference.objects.filter(user=user, kind="current")
    if current.update(client_id=client_id, used_at=timezone.now()):
        return
    try:
        with transaction.atomic():
            ClientPreference.objects.create(user=user, client_id=client_id, kind="current")
    except IntegrityError:  # another tab remembered one first (one "current" per user)
        current.update(client_id=client_id, used_at=timezone.now())


def call_article_opened(*, user, article, log_id: int | None = None) -> None:
    """The agent opened an article in call mode: it goes to the top of their recent list."""
    from knowledge.models import ClientPreference

    with transaction.atomic():
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
        service.log_opened(user=user, log_id=log_id, article_id=article.pk)


def call_article_pin_toggle(*, user, article) -> bool:
    """Pin or unpin an article for its client; returns whether it is pinned now."""
    from knowledge.models import ClientPreference

    with transaction.atomic():
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


def clean_synonym_terms(raw: str) -> str:
    words = []
    for part in raw.replace("\n", ",").split(","):
        word = " ".join(part.split())
        if word and word not in words:
            words.append(word)
    if len(words) < 2:
        raise ValidationError({"terms": _("Enter at least two words separated by commas.")})
    for word in words:
        if not tokenizer.clean_term(word):
            raise ValidationError({"terms": _("“%(word)s” has no letters or digits.") % {"word": word}})
        if len(word) > 40:
            raise ValidationError(
                {"terms": _("“%(word)s” is longer than 40 characters.") % {"word": word[:40]}}
            )
    return ", ".join(words)


def synonym_group_create(*, by, client: ClientCompany | None, terms: str):
    from knowledge.models import SynonymGroup

    if client is None and not by.is_admin:
        raise PermissionDenied
    if client is not None and not can_manage_client(by, client):
        raise PermissionDenied
    cleaned = clean_synonym_terms(terms)
    with transaction.atomic():
        group = SynonymGroup.objects.create(client=client, terms=cleaned, created_by=by)
        audit_record(actor=by, action="knowledge.synonyms.create", target=group, data={"terms": cleaned})
    return group


def synonym_group_delete(*, by, group) -> None:
    from .selectors import can_edit_synonym_group

    if not can_edit_synonym_group(by, group):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(actor=by, action="knowledge.synonyms.delete", target=group, data={"terms": group.terms})
        group.delete()

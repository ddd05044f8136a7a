"""Every audit action name, in one list.

`AuditEvent.action` is a plain indexed string (old rows keep their names, no migration per new
action); this enum is the vocabulary services write with. `services.audit_record` takes an
`AuditAction` and refuses any other string, so a misspelt action fails where it is written instead
of silently starting a new name that no report or test looks for. Names are `<app>.<thing>.<verb>`;
the call-data ones predate that shape and are kept as stored.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    # accounts (ruff's S105 takes "token" in a name for a password)
    API_TOKEN_CREATE = "api_token.create"  # noqa: S105
    API_TOKEN_REVOKE = "api_token.revoke"  # noqa: S105
    API_TOKEN_REVOKE_ALL = "api_token.revoke_all"  # noqa: S105

    # knowledge: manuals
    ARTICLE_CREATE = "knowledge.article.create"
    ARTICLE_PUBLISH = "knowledge.article.publish"
    ARTICLE_SUGGESTION = "knowledge.article.suggestion"  # published by accepting a suggestion
    ARTICLE_RESTORE = "knowledge.article.restore"
    ARTICLE_IMPORT = "knowledge.article.import"  # published by an import
    ARTICLE_REJECT = "knowledge.article.reject"
    ARTICLE_ARCHIVE = "knowledge.article.archive"
    ARTICLE_DELETE = "knowledge.article.delete"
    ARTICLE_VERIFY = "knowledge.article.verify"
    SUGGESTION_REJECT = "knowledge.suggestion.reject"
    ATTACHMENT_ADD = "knowledge.attachment.add"
    ATTACHMENT_DELETE = "knowledge.attachment.delete"
    ARTICLES_IMPORT = "knowledge.import"

    # knowledge: search
    SYNONYMS_CREATE = "knowledge.synonyms.create"
    SYNONYMS_DELETE = "knowledge.synonyms.delete"
    LEARNED_LINK = "knowledge.learned.link"
    LEARNED_REMOVE = "knowledge.learned.remove"

    # knowledge: call data
    CALLS_PERSONAL_DATA_MASKED = "calls.personal_data_masked"
    CALLS_TOPIC_RENAME = "calls.topic_rename"
    CALLS_TOPIC_SPLIT = "calls.topic_split"
    CALLS_TOPIC_LINKED = "calls.topic_linked"
    CALLS_TOPIC_UNLINKED = "calls.topic_unlinked"
    CALLS_TOPIC_DRAFTED = "calls.topic_drafted"

    # bookclub
    BOOK_CREATE = "bookclub.book.create"
    PICK_CONFIRM = "bookclub.pick.confirm"
    PICK_WINDOW = "bookclub.pick.window"
    MONTH_CLOSE = "bookclub.month.close"
    MONTH_ANNOUNCE = "bookclub.month.announce"
    AWARD_CORRECT = "bookclub.award.correct"

    # wellbeing
    POLICY_CHANGE = "wellbeing.policy.change"
    DAY_OFF_ADD = "wellbeing.day_off.add"
    DAY_OFF_DELETE = "wellbeing.day_off.delete"
    DELEGATION_CREATE = "wellbeing.delegation.create"
    DELEGATION_END = "wellbeing.delegation.end"
    OVERTIME_APPROVE = "wellbeing.overtime.approve"
    OVERTIME_REJECT = "wellbeing.overtime.reject"
    OVERTIME_CANCEL = "wellbeing.overtime.cancel"
    FLEXIBLE_APPROVE = "wellbeing.flexible.approve"
    FLEXIBLE_REJECT = "wellbeing.flexible.reject"
    FLEXIBLE_CANCEL = "wellbeing.flexible.cancel"
    DEVICE_ISSUE = "wellbeing.device.issue"
    DEVICE_REGISTER = "wellbeing.device.register"
    DEVICE_REVOKE = "wellbeing.device.revoke"
    ABUSE_FLAG = "wellbeing.abuse.flag"
    ABUSE_COUNSELLING = "wellbeing.abuse.counselling"

    # reports
    SNAPSHOT_REGENERATE = "reports.snapshot.regenerate"

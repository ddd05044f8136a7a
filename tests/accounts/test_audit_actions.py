"""Audit action names come from one list (`accounts.audit.AuditAction`)."""

import ast
from pathlib import Path

import pytest

from accounts.audit import AuditAction
from accounts.models import AuditEvent
from accounts.services import audit_record

from .factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "bookclub", "core", "knowledge", "ops", "reports", "wellbeing"]


@pytest.mark.django_db
def test_an_action_from_the_list_is_recorded_under_its_name():
    user = UserFactory()
    event = audit_record(actor=user, action=AuditAction.API_TOKEN_CREATE, target=user)
    event.refresh_from_db()
    assert event.action == "api_token.create"
    assert event.target_id == str(user.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["api_token.created", "knowledge.article.publsh", ""])
def test_an_action_not_in_the_list_is_refused_and_nothing_is_stored(action):
    with pytest.raises(ValueError, match="is not a valid AuditAction"):
        audit_record(actor=UserFactory(), action=action)
    assert not AuditEvent.objects.exists()


def _audit_calls():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record":
                    yield path.relative_to(ROOT), node


def test_every_call_site_names_its_action_from_the_list():
    calls = list(_audit_calls())
    assert len(calls) > 40  # the walk found the services' call sites
    for path, call in calls:
        action = next(k.value for k in call.keywords if k.arg == "action")
        # A constant (`AuditAction.X`) or a lookup in a table of them, never a literal or an f-string.
        assert not isinstance(action, ast.Constant | ast.JoinedStr), f"{path}:{call.lineno}"
        names = {n.attr for n in ast.walk(action) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(action) if isinstance(n, ast.Name)}
        assert names & ({"AuditAction"} | {f"_{w}_ACTIONS" for w in ("PUBLISH", "RULE")}), (
            f"{path}:{call.lineno}"
        )


def test_action_names_are_unique_and_fit_the_column():
    values = [a.value for a in AuditAction]
    assert len(values) == len(set(values))
    limit = AuditEvent._meta.get_field("action").max_length
    assert all(0 < len(v) <= limit for v in values)


def test_the_tables_of_actions_cover_every_kind():
    from knowledge.calls import services as calls_services
    from knowledge.calls.models import TopicRule
    from knowledge.manuals import services as knowledge_services
    from knowledge.models import RevisionKind

    assert set(knowledge_services._PUBLISH_ACTIONS) == set(RevisionKind)
    assert set(calls_services._RULE_ACTIONS) == set(TopicRule.Action)

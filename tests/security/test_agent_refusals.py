"""Agents meet one answer for every manager-only page of a kind (issue 13, item 9).

The permission matrix (tests/security/matrix.py, checked against the real routes by
test_permission_matrix.py) holds what each route answers; this file says which answer an agent of
client A gets for each kind of page that its manager may use and the agent may not, and fails for
a route of no kind or a kind with two answers.
"""

from __future__ import annotations

import pytest

from .matrix import ROUTES

AGENT_A, MANAGER_A, ADMIN = 1, 4, 5
REFUSED_STATUSES = {403, 404}

KINDS: dict[str, tuple[int, set[str]]] = {
    # Managers' tools that concern no single object: "this page is for managers".
    "manager tools": (
        403,
        {
            "knowledge:synonyms",
            "knowledge:synonym_delete",
            "knowledge:search_gaps",
            "knowledge:search_gap_link",
            "knowledge:review",
            "knowledge:import",
            "wellbeing:inbox",
            "wellbeing:week",
            "wellbeing:day",
            "wellbeing:delegation_create",
            "reports:team",
        },
    ),
    # A page or action of a client the agent serves, for its managers: the agent knows the client.
    "managing a client the agent serves": (
        403,
        {
            "knowledge:calls_upload",
            "knowledge:calls_mine",
            "knowledge:calls_topic_draft",
            "knowledge:feedback_report",
            "knowledge:export",
            "knowledge:verify",
            "knowledge:restore",
            "knowledge:attachment_upload",
            "knowledge:action",
            "knowledge:attachment_delete",
            "reports:build",
            "reports:regenerate",
            "api-calls-imports",
            "knowledge:calls_topic_edit",
            "knowledge:calls_topic_link",
            "knowledge:learned_remove",
            "api-calls-mining-runs",
        },
    ),
    # Deciding a request, one's own included: nobody decides their own.
    "deciding requests": (
        403,
        {
            "wellbeing:overtime_decide",
            "wellbeing:flexible_decide",
            "wellbeing-overtime-approve",
            "wellbeing-overtime-reject",
        },
    ),
    # Administration (library desk, awards, days off, the company dashboard).
    "admin only": (
        403,
        {
            "bookclub:book_create",
            "bookclub:book_edit",
            "bookclub:copies_add",
            "bookclub:desk",
            "bookclub:proposal_confirm",
            "bookclub:meeting_create",
            "bookclub:meeting_edit",
            "bookclub:meeting_notes",
            "bookclub:award_correct",
            "bookclub:month_announce",
            "wellbeing:days_off",
            "wellbeing:day_off_delete",
            "reports:company",
            "ops:status",
            "ops:status_panel",
        },
    ),
    # Objects agents never see: call-data import jobs (with customers' raw numbers), others' delegations.
    "objects agents never see": (
        404,
        {
            "knowledge:calls_job",
            "knowledge:calls_job_progress",
            "knowledge:calls_job_errors",
            "api-calls-import",
            "api-calls-mining-run",
            "wellbeing:delegation_end",
        },
    ),
}
# Refused to the agent for a reason other than being a manager's page.
NOT_MANAGER_PAGES = {
    "mfa_deactivate_totp": "agents have no TOTP to turn off",
    "bookclub-api-rating": "the review is agent A's own",
}


def manager_only_routes() -> set[str]:
    found = set()
    for name, (_method, _args, expected, *_rest) in ROUTES.items():
        allowed_above = any(expected[i] not in REFUSED_STATUSES for i in (MANAGER_A, ADMIN))
        if expected[AGENT_A] in REFUSED_STATUSES and allowed_above:
            found.add(name)
    return found - set(NOT_MANAGER_PAGES)


def test_every_manager_only_route_has_a_kind():
    classified = set().union(*(names for _status, names in KINDS.values()))
    missing = manager_only_routes() - classified
    assert not missing, f"manager-only routes of no kind (add them to KINDS): {sorted(missing)}"
    stale = classified - manager_only_routes()
    assert not stale, f"routes in KINDS that are not manager-only (anymore): {sorted(stale)}"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_agent_gets_one_answer_per_kind(kind):
    status, names = KINDS[kind]
    answers = {name: ROUTES[name][2][AGENT_A] for name in names}
    other = {name: got for name, got in answers.items() if got != status}
    assert not other, f"{kind}: agents should get {status}, but {other}"

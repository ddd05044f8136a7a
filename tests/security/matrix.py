"""The permission matrix: every route × every actor → the outcome the product promises.

Each row is `route name: (method, args, expected[, data])`:
- `args(world)` gives the URL arguments, `data(world)` the query (GET) or form (POST) sent;
- `expected` holds one outcome per actor, in ACTORS order: anonymous, agent of client A, agent of
  client B, manager of team B (another team), manager of team A (agent A's), admin.
The objects come from tests/security/world.py and all belong to client A / team A / agent A.

Outcomes: an HTTP status (200, 403, 404, ...); LOGIN, a redirect to the sign-in page; DONE, a
redirect with no error message (the action was done, or the page sends them on); REFUSED, a
redirect back with an error or warning message (a rule said no: e.g. rating one's own review);
ADMIN_LOGIN, the admin site's redirect to its login, which hands over to allauth.

Adding a URL? Add its row here: tests/security/test_permission_matrix.py fails for any route
without one (by name; unnamed routes by path). An object it needs goes into build_world() (owned by
client A / team A / agent A). To see what a new route answers today, run
`MATRIX_RECORD=/tmp/matrix.jsonl .venv/bin/pytest tests/security/test_permission_matrix.py -k NAME`
(it records instead of asserting), then decide what it should answer and write that down.
"""

from __future__ import annotations

LOGIN = "login"
DONE = "redirect"
REFUSED = "refused"  # redirected back with an error message (a rule said no, or the input was bad)
ADMIN_LOGIN = "admin-login"
GET, POST = "get", "post"


def pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("안내.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def call_export_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "상담번호,상담일시,문의내용\nM-1,2026-10-03 10:00,카드 분실 신고\n".encode()
    return SimpleUploadedFile("calls.csv", data, content_type="text/csv")


def _no_args(w):
    return ()


def pk(name):
    return lambda w: (getattr(w, name).pk,)


# Outcome profiles that recur (anon, agent_a, agent_b, manager_b, manager_a, admin).
EVERYONE = (LOGIN, 200, 200, 200, 200, 200)
API_EVERYONE = (401, 200, 200, 200, 200, 200)
CLIENT_A = (LOGIN, 200, 404, 404, 200, 200)  # client A's data: its agents, its managers, admins
CURATOR_A = (LOGIN, 403, 404, 404, 200, 200)  # managing client A's content
CURATORS = (LOGIN, 403, 403, 200, 200, 200)  # any manager or admin, each for their own clients
ADMINS = (LOGIN, 403, 403, 403, 403, 200)
PUBLIC_PAGE = (200, DONE, DONE, DONE, DONE, DONE)  # sign-in pages: signed-in people are sent on
OWN_AND_DECIDERS = (LOGIN, 200, 404, 404, 200, 200)  # agent A's own request, their manager, admins
OWN_ONLY = (LOGIN, DONE, 404, 404, 404, 404)  # what only agent A may do with their own things
DEVICE_ONLY = (401, 401, 401, 401, 401, 401)  # the PC agent's endpoints take a device credential only


def SLUG_A(w):
    return (w.client_a.slug,)


def MONTH(w):
    return (w.past_month,)


ROUTES: dict[str, tuple] = {
    "home": (GET, _no_args, EVERYONE),
    "account_login": (GET, _no_args, (200, DONE, DONE, DONE, DONE, DONE)),
    "account_logout": (GET, _no_args, (DONE, 200, 200, 200, 200, 200)),
    "account_inactive": (GET, _no_args, (200, 200, 200, 200, 200, 200)),
    "account_signup": (GET, _no_args, (200, DONE, DONE, DONE, DONE, DONE)),
    "account_reauthenticate": (GET, _no_args, EVERYONE),
    "account_email": (GET, _no_args, EVERYONE),
    "account_email_verification_sent": (GET, _no_args, (200, 200, 200, 200, 200, 200)),
    "account_change_password": (GET, _no_args, EVERYONE),
    "account_set_password": (GET, _no_args, (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    "account_reset_password": (GET, _no_args, (200, 200, 200, 200, 200, 200)),
    "account_confirm_login_code": (GET, _no_args, (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    "account_confirm_email": (GET, lambda w: ("bad-key",), (200, 200, 200, 200, 200, 200)),
    "account_reset_password_from_key_done": (GET, _no_args, (200, 200, 200, 200, 200, 200)),
    "account_reset_password_from_key": (GET, lambda w: ("1", "bad-key"), (200, 200, 200, 200, 200, 200)),
    "account_reset_password_done": (GET, _no_args, (200, 200, 200, 200, 200, 200)),
    "mfa_index": (GET, _no_args, EVERYONE),
    "mfa_authenticate": (GET, _no_args, (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    "mfa_reauthenticate": (GET, _no_args, (LOGIN, DONE, DONE, 200, 200, 200)),
    "mfa_activate_totp": (GET, _no_args, (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    "mfa_deactivate_totp": (GET, _no_args, (LOGIN, 404, 404, DONE, DONE, DONE)),
    "mfa_view_recovery_codes": (GET, _no_args, (LOGIN, 404, 404, 404, 404, 404)),
    "mfa_generate_recovery_codes": (GET, _no_args, (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    "mfa_download_recovery_codes": (GET, _no_args, (LOGIN, 404, 404, 404, 404, 404)),
    "socialaccount_login_cancelled": (GET, _no_args, (200, 200, 200, 200, 200, 200)),
    "socialaccount_login_error": (GET, _no_args, DEVICE_ONLY),
    "socialaccount_signup": (GET, _no_args, (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    "socialaccount_connections": (GET, _no_args, EVERYONE),
    "openid_connect_login": (GET, lambda w: ("company",), (404, 404, 404, 404, 404, 404)),
    "openid_connect_callback": (GET, lambda w: ("company",), (404, 404, 404, 404, 404, 404)),
    "set_language": (POST, _no_args, (DONE, DONE, DONE, DONE, DONE, DONE)),
    "api-schema": (GET, _no_args, API_EVERYONE),
    "api-docs": (GET, _no_args, API_EVERYONE),
    "api-token": (POST, _no_args, (400, 400, 400, 400, 400, 400)),
    "api-me": (GET, _no_args, API_EVERYONE),
    "api-knowledge-search": (
        GET,
        _no_args,
        (401, 200, 400, 400, 200, 200),  # another team's client: the same 400 as an unknown slug
        lambda w: {"client": w.client_a.slug, "q": "분실"},
    ),
    "api-calls-records": (
        GET,
        _no_args,
        (401, 200, 404, 404, 200, 200),
        lambda w: {"client": w.client_a.slug},
    ),
    "api-calls-topics": (
        GET,
        _no_args,
        (401, 200, 404, 404, 200, 200),
        lambda w: {"client": w.client_a.slug},
    ),
    # the import API for telephony systems: managers of the client and admins (agents of the
    # client are told no, everyone else does not learn the client exists)
    "api-calls-imports": (
        POST,
        _no_args,
        (401, 403, 404, 404, 202, 202),
        lambda w: {"client": w.client_a.slug, "file": call_export_upload()},
    ),
    "api-calls-import": (GET, pk("job"), (401, 404, 404, 404, 200, 200)),
    "api-calls-mining-runs": (
        POST,
        _no_args,
        (401, 403, 404, 404, 202, 202),
        lambda w: {"client": w.client_a.slug},
    ),
    "api-calls-mining-run": (GET, pk("run"), (401, 404, 404, 404, 200, 200)),
    "api-knowledge-articles": (GET, _no_args, API_EVERYONE),
    "api-knowledge-article": (GET, pk("article"), (401, 200, 404, 404, 200, 200)),
    "api-knowledge-suggestion-create": (POST, pk("article"), (401, 400, 404, 404, 400, 400)),
    "bookclub-api-books": (GET, _no_args, API_EVERYONE),
    "bookclub-api-book": (GET, pk("book"), API_EVERYONE),
    "bookclub-api-picks": (GET, _no_args, API_EVERYONE),
    "bookclub-api-loans": (GET, _no_args, API_EVERYONE),
    "bookclub-api-loan-renew": (POST, pk("loan"), (401, 200, 404, 404, 404, 200)),
    "bookclub-api-loan-return": (POST, pk("loan"), (401, 200, 404, 404, 404, 200)),
    "bookclub-api-reviews": (GET, _no_args, API_EVERYONE),
    "bookclub-api-review": (GET, pk("review"), API_EVERYONE),
    # nobody rates their own review
    "bookclub-api-rating": (POST, pk("review"), (401, 403, 201, 201, 201, 201), lambda w: {"stars": 4}),
    "bookclub-api-ranking": (GET, lambda w: (w.past_month,), API_EVERYONE),
    "wellbeing-overtime-list": (GET, _no_args, API_EVERYONE),
    # agent A's own request, their manager, admins
    "wellbeing-overtime-detail": (GET, pk("overtime"), (401, 200, 404, 404, 200, 200)),
    "wellbeing-overtime-approve": (POST, pk("overtime"), (401, 403, 403, 403, 200, 200)),
    # a rejection needs a reason: 400 for those who may decide
    "wellbeing-overtime-reject": (POST, pk("overtime"), (401, 403, 403, 403, 400, 400)),
    "wellbeing-shutdown-plan": (GET, _no_args, API_EVERYONE),
    "wellbeing-device-register": (POST, _no_args, DEVICE_ONLY),
    "wellbeing-device-plan": (GET, _no_args, DEVICE_ONLY),
    "wellbeing-device-events": (POST, _no_args, DEVICE_ONLY),
    "accounts:directory": (GET, _no_args, EVERYONE),
    "accounts:profile": (GET, pk("colleague"), EVERYONE),
    "accounts:teams": (GET, _no_args, EVERYONE),
    # the colleague has no photo: signed-in staff get 404, never a file
    "accounts:photo": (GET, pk("colleague"), (LOGIN, 404, 404, 404, 404, 404)),
    "accounts:notifications": (GET, _no_args, EVERYONE),
    "accounts:notifications_bell": (GET, _no_args, EVERYONE),
    "accounts:notifications_read": (POST, _no_args, (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    "accounts:api_tokens": (GET, _no_args, EVERYONE),
    "accounts:api_token_revoke": (POST, pk("token"), OWN_ONLY),
    "knowledge:call_mode": (GET, _no_args, EVERYONE),
    "knowledge:call_results": (GET, _no_args, CLIENT_A, lambda w: {"client": w.client_a.slug, "q": "분실"}),
    "knowledge:call_article": (GET, pk("article"), CLIENT_A),
    "knowledge:call_pin": (POST, pk("article"), (LOGIN, DONE, 404, 404, DONE, DONE)),
    "knowledge:search": (GET, _no_args, EVERYONE),
    "knowledge:search_open": (
        GET,
        lambda w: (w.search_log.pk, w.article.pk),
        (LOGIN, DONE, 404, 404, DONE, DONE),
    ),
    "knowledge:synonyms": (GET, _no_args, CURATORS),
    # the synonym table is the managers' tool: agents 403 as on its page; another team's manager 404
    "knowledge:synonym_delete": (POST, pk("synonym"), (LOGIN, 403, 403, 404, DONE, DONE)),
    "knowledge:search_gaps": (GET, _no_args, CURATORS),
    # an agent of A sees the expression's client but may not manage it; others do not see it
    "knowledge:learned_remove": (POST, pk("learned"), (LOGIN, 403, 404, 404, DONE, DONE)),
    "knowledge:search_gap_link": (
        POST,
        _no_args,
        (LOGIN, 403, 403, 403, DONE, DONE),
        lambda w: {"client": w.client_a.slug, "query": "지갑 분실", "article": w.article.title},
    ),
    # one client: straight to its page
    "knowledge:calls_index": (GET, _no_args, (LOGIN, DONE, DONE, DONE, DONE, 200)),
    "knowledge:calls_home": (GET, SLUG_A, CLIENT_A),
    "knowledge:calls_upload": (GET, SLUG_A, CURATOR_A),
    "knowledge:calls_mine": (
        POST,
        SLUG_A,
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"since": "2026-01-01", "until": "2026-01-31"},
    ),
    "knowledge:calls_topics": (GET, SLUG_A, CLIENT_A),
    "knowledge:calls_records": (GET, SLUG_A, CLIENT_A),
    # imports are the managers' business
    "knowledge:calls_job": (GET, pk("job"), (LOGIN, 404, 404, 404, 200, 200)),
    "knowledge:calls_job_progress": (GET, pk("job"), (LOGIN, 404, 404, 404, 200, 200)),
    "knowledge:calls_job_errors": (GET, pk("job"), (LOGIN, 404, 404, 404, 200, 200)),
    "knowledge:calls_run_status": (GET, pk("run"), CLIENT_A),
    "knowledge:calls_topic": (GET, pk("topic"), CLIENT_A),
    "knowledge:calls_topic_draft": (POST, pk("topic"), (LOGIN, 403, 404, 404, DONE, DONE)),
    "knowledge:calls_topic_edit": (
        POST,
        pk("topic"),
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"action": "rename", "name": "카드 분실 신고"},
    ),
    # linking a topic to an existing article: the client's managers and admins
    "knowledge:calls_topic_link": (
        POST,
        pk("topic"),
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"action": "link", "article": w.article.title},
    ),
    "knowledge:calls_record": (GET, pk("call"), CLIENT_A),
    "knowledge:home": (GET, _no_args, EVERYONE),
    "knowledge:review": (GET, _no_args, CURATORS),
    "knowledge:import": (GET, _no_args, CURATORS),
    "knowledge:client": (GET, SLUG_A, CLIENT_A),
    "knowledge:create": (GET, SLUG_A, CLIENT_A),
    "knowledge:feedback_report": (GET, SLUG_A, CURATOR_A),
    # curators only: agents of the client meet 403 as on its other manager pages
    "knowledge:export": (GET, lambda w: (w.client_a.slug, "csv"), CURATOR_A),
    "knowledge:article": (GET, pk("article"), CLIENT_A),
    # agents are sent to suggest a change instead
    "knowledge:edit": (GET, pk("article"), (LOGIN, DONE, 404, 404, 200, 200)),
    "knowledge:suggest": (GET, pk("article"), CLIENT_A),
    "knowledge:verify": (
        POST,
        pk("article"),
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"verify_by": "2099-01-01"},
    ),
    "knowledge:feedback": (
        POST,
        pk("article"),
        (LOGIN, DONE, 404, 404, DONE, DONE),
        lambda w: {"helpful": "1"},
    ),
    "knowledge:history": (GET, pk("article"), CLIENT_A),
    "knowledge:diff": (GET, pk("article"), (LOGIN, DONE, 404, 404, DONE, DONE)),
    "knowledge:restore": (
        POST,
        lambda w: (w.article.pk, 1),
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"comment": "이전 판으로"},
    ),
    "knowledge:attachment_upload": (
        POST,
        pk("article"),
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"file": pdf_upload()},
    ),
    "knowledge:action": (
        POST,
        lambda w: (w.draft.pk, "publish"),
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"comment": "검토 완료", "version": w.draft.edit_version},  # the version reviewed
    ),
    "knowledge:attachment": (GET, pk("attachment"), CLIENT_A),
    "knowledge:attachment_delete": (POST, pk("attachment"), (LOGIN, 403, 404, 404, DONE, DONE)),
    "knowledge:suggestion": (GET, pk("suggestion"), CLIENT_A),
    "bookclub:home": (GET, _no_args, EVERYONE),
    "bookclub:library": (GET, _no_args, EVERYONE),
    "bookclub:book_create": (GET, _no_args, ADMINS),
    "bookclub:book": (GET, pk("book"), EVERYONE),
    "bookclub:book_edit": (GET, pk("book"), ADMINS),
    "bookclub:book_cover": (GET, pk("book"), EVERYONE),
    "bookclub:copies_add": (POST, pk("book"), (LOGIN, 403, 403, 403, 403, DONE), lambda w: {"count": 1}),
    # agent A already has a copy of this book: one per person
    "bookclub:borrow": (POST, pk("book"), (LOGIN, REFUSED, DONE, DONE, DONE, DONE)),
    # agent A already waits for this book
    "bookclub:hold": (POST, pk("held_book"), (LOGIN, REFUSED, DONE, DONE, DONE, DONE)),
    "bookclub:hold_cancel": (POST, pk("hold"), (LOGIN, DONE, 404, 404, 404, DONE)),
    "bookclub:loans": (GET, _no_args, EVERYONE),
    "bookclub:loan_renew": (POST, pk("loan"), (LOGIN, DONE, 404, 404, 404, DONE)),
    "bookclub:loan_return": (POST, pk("loan"), (LOGIN, DONE, 404, 404, 404, DONE)),
    "bookclub:desk": (GET, _no_args, ADMINS),
    "bookclub:proposals": (GET, _no_args, EVERYONE),
    "bookclub:proposal_vote": (POST, pk("proposal"), (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    # admins only; this proposal's month is not open for confirming yet
    "bookclub:proposal_confirm": (
        POST,
        pk("proposal"),
        (LOGIN, 403, 403, 403, 403, REFUSED),
        lambda w: {"copies": 5, "why": "추천이 많아서"},
    ),
    "bookclub:meeting_create": (GET, _no_args, ADMINS),
    "bookclub:meeting": (GET, pk("meeting"), EVERYONE),
    "bookclub:meeting_edit": (GET, pk("meeting"), ADMINS),
    "bookclub:rsvp": (
        POST,
        pk("meeting"),
        (LOGIN, DONE, DONE, DONE, DONE, DONE),
        lambda w: {"status": "going"},
    ),
    "bookclub:meeting_notes": (POST, pk("meeting"), (LOGIN, 403, 403, 403, 403, DONE)),
    "bookclub:reviews": (GET, _no_args, EVERYONE),
    "bookclub:review_new": (GET, _no_args, EVERYONE),
    "bookclub:review": (GET, pk("review"), EVERYONE),
    "bookclub:review_edit": (GET, pk("review"), (LOGIN, 200, 404, 404, 404, 404)),
    # nobody rates their own review
    "bookclub:review_rate": (
        POST,
        pk("review"),
        (LOGIN, REFUSED, DONE, DONE, DONE, DONE),
        lambda w: {"stars": 4},
    ),
    "bookclub:review_comment": (
        POST,
        pk("review"),
        (LOGIN, DONE, DONE, DONE, DONE, DONE),
        lambda w: {"body": "좋은 글 감사합니다"},
    ),
    "bookclub:results_latest": (GET, _no_args, (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    "bookclub:results": (GET, MONTH, EVERYONE),
    "bookclub:award_correct": (
        POST,
        MONTH,
        (LOGIN, 403, 403, 403, 403, DONE),
        lambda w: {"place": 1, "prize": "도서상품권 10만 원", "reason": "상품 변경"},
    ),
    "bookclub:month_announce": (
        POST,
        MONTH,
        (LOGIN, 403, 403, 403, 403, DONE),
        lambda w: {"reason": "재공지"},
    ),
    "wellbeing:home": (GET, _no_args, EVERYONE),
    "wellbeing:plan_card": (GET, _no_args, EVERYONE),
    "wellbeing:overtime_list": (GET, _no_args, EVERYONE),
    "wellbeing:overtime_new": (GET, _no_args, EVERYONE),
    "wellbeing:overtime_detail": (GET, pk("overtime"), OWN_AND_DECIDERS),
    "wellbeing:overtime_cancel": (POST, pk("overtime"), OWN_ONLY),
    "wellbeing:overtime_decide": (
        POST,
        pk("overtime"),
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"action": "approve"},
    ),
    "wellbeing:inbox": (GET, _no_args, CURATORS),
    # managers delegate their own team; admins have no team
    "wellbeing:delegation_create": (
        POST,
        _no_args,
        (LOGIN, 403, 403, DONE, DONE, 403),
        lambda w: {"delegate": w.users["admin"].pk, "start_date": "2099-01-01", "end_date": "2099-01-03"},
    ),
    # the manager who delegated, or an admin
    "wellbeing:delegation_end": (POST, pk("delegation"), (LOGIN, 404, 404, 404, DONE, DONE)),
    "wellbeing:week": (GET, _no_args, CURATORS),
    "wellbeing:day": (GET, _no_args, CURATORS),
    "wellbeing:days_off": (GET, _no_args, ADMINS),
    "wellbeing:day_off_delete": (POST, pk("day_off"), (LOGIN, 403, 403, 403, 403, DONE)),
    "wellbeing:devices": (GET, _no_args, EVERYONE),
    # one's own PC, or any PC for an admin
    "wellbeing:device_revoke": (POST, pk("device"), (LOGIN, DONE, 404, 404, 404, DONE)),
    "wellbeing:flexible": (GET, _no_args, EVERYONE),
    # agent A's own request: 403 (nobody decides their own), as for overtime
    "wellbeing:flexible_decide": (
        POST,
        pk("flexible"),
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"action": "approve"},
    ),
    "wellbeing:flexible_cancel": (POST, pk("flexible"), OWN_ONLY),
    "wellbeing:care": (GET, _no_args, EVERYONE),
    # for a client the person serves (manager B does not serve client A)
    "wellbeing:care_flag": (
        POST,
        _no_args,
        (LOGIN, DONE, REFUSED, REFUSED, DONE, DONE),
        lambda w: {"client": w.client_a.pk, "note": "폭언"},
    ),
    "wellbeing:care_counselling": (POST, pk("abuse"), OWN_ONLY),
    "wellbeing:pc_agent_download": (GET, lambda w: ("dasan_pc_agent.py",), EVERYONE),
    # --- reports: the call-data rule (client A's agents may read its diagnosis; its managers build)
    "reports:home": (GET, _no_args, EVERYONE),
    "reports:client": (GET, SLUG_A, CLIENT_A),
    "reports:build": (
        POST,
        SLUG_A,
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"since": w.snapshot.period_start.isoformat(), "until": w.snapshot.period_end.isoformat()},
    ),
    "reports:snapshot": (GET, pk("snapshot"), CLIENT_A),
    "reports:snapshot_status": (GET, pk("snapshot"), CLIENT_A),
    "reports:regenerate": (
        POST,
        pk("snapshot"),
        (LOGIN, 403, 404, 404, DONE, DONE),
        lambda w: {"reason": "11월 통화 재적재"},
    ),
    "reports:export_xlsx": (GET, pk("snapshot"), CLIENT_A),
    "reports:export_csv": (GET, pk("snapshot"), CLIENT_A),
    "reports:team": (GET, _no_args, CURATORS),
    "reports:company": (GET, _no_args, ADMINS),
    # --- ops: health checks and metrics take no sign-in; the status page is for admins
    # (the test world has no beat heartbeat, so readiness says 503 "beat: late" to everyone)
    "ops:live": (GET, _no_args, (200, 200, 200, 200, 200, 200)),
    "ops:ready": (GET, _no_args, (503, 503, 503, 503, 503, 503)),
    "ops:metrics": (GET, _no_args, (403, 403, 403, 403, 403, 403)),  # no METRICS_TOKEN configured
    "ops:status": (GET, _no_args, ADMINS),
    "ops:status_panel": (GET, _no_args, ADMINS),
    "api-reports-snapshots": (GET, _no_args, API_EVERYONE),
    "api-reports-snapshot": (GET, pk("snapshot"), (401, 200, 404, 404, 200, 200)),
    "/accounts/social/login/cancelled/": (GET, _no_args, (301, 301, 301, 301, 301, 301)),
    "/accounts/social/login/error/": (GET, _no_args, (301, 301, 301, 301, 301, 301)),
    "/accounts/social/signup/": (GET, _no_args, (301, 301, 301, 301, 301, 301)),
    "/accounts/social/connections/": (GET, _no_args, (301, 301, 301, 301, 301, 301)),
    "/favicon.ico": (GET, _no_args, (301, 301, 301, 301, 301, 301)),
}

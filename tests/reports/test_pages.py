"""Report pages and exports: who may open what (the call-data rule), what the page shows, exports."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent
from reports import services
from reports.models import ReportSnapshot, SnapshotStatus, SnapshotTrigger

from .conftest import NOV

pytestmark = pytest.mark.django_db


@pytest.fixture
def snap(month_data, org):
    return services.snapshot_build_now(
        client=month_data["client"],
        since=NOV[0],
        until=NOV[1],
        by=org["manager_a"],
        trigger=SnapshotTrigger.REQUEST,
    )


def _urls(snapshot):
    return {
        "snapshot": reverse("reports:snapshot", args=[snapshot.pk]),
        "status": reverse("reports:snapshot_status", args=[snapshot.pk]),
        "xlsx": reverse("reports:export_xlsx", args=[snapshot.pk]),
        "csv": reverse("reports:export_csv", args=[snapshot.pk]),
        "client": reverse("reports:client", args=[snapshot.client.slug]),
    }


# Who sees client_a's report: its agent (call-data rule), its manager, the admin. Not the others.
VIEWERS = [
    ("agent_a", HTTPStatus.OK),
    ("manager_a", HTTPStatus.OK),
    ("admin_user", HTTPStatus.OK),
    ("agent_b", HTTPStatus.NOT_FOUND),
    ("manager_b", HTTPStatus.NOT_FOUND),
]


@pytest.mark.parametrize(("who", "expected"), VIEWERS)
@pytest.mark.parametrize("page", ["snapshot", "status", "xlsx", "csv", "client"])
def test_who_may_open_and_export(snap, org, as_user, who, expected, page):
    response = as_user(org[who]).get(_urls(snap)[page])
    assert response.status_code == expected


@pytest.mark.parametrize("page", ["snapshot", "status", "xlsx", "csv", "client"])
def test_anonymous_visitors_are_sent_to_login(snap, client, page):
    response = client.get(_urls(snap)[page])
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("agent_a", HTTPStatus.FORBIDDEN),
        ("agent_b", HTTPStatus.NOT_FOUND),
        ("manager_b", HTTPStatus.NOT_FOUND),
        ("manager_a", HTTPStatus.FOUND),
        ("admin_user", HTTPStatus.FOUND),
    ],
)
def test_who_may_regenerate(snap, org, as_user, who, expected, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(org[who]).post(reverse("reports:regenerate", args=[snap.pk]), {"reason": "재집계"})
    assert response.status_code == expected
    snap.refresh_from_db()
    regenerated = AuditEvent.objects.filter(action="reports.snapshot.regenerate").count()
    assert regenerated == (1 if expected == HTTPStatus.FOUND else 0)
    assert snap.version == (2 if expected == HTTPStatus.FOUND else 1)


def test_regenerate_needs_a_reason(snap, org, as_user):
    response = as_user(org["manager_a"]).post(
        reverse("reports:regenerate", args=[snap.pk]), {"reason": " "}, follow=True
    )
    assert "Say why the report is regenerated" in response.content.decode()
    snap.refresh_from_db()
    assert snap.version == 1 and not AuditEvent.objects.exists()


def test_regenerate_is_post_only(snap, org, as_user):
    assert as_user(org["manager_a"]).get(reverse("reports:regenerate", args=[snap.pk])).status_code == 405


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("agent_a", HTTPStatus.FORBIDDEN),
        ("agent_b", HTTPStatus.NOT_FOUND),
        ("manager_b", HTTPStatus.NOT_FOUND),
        ("manager_a", HTTPStatus.FOUND),
        ("admin_user", HTTPStatus.FOUND),
    ],
)
def test_who_may_build(month_data, org, as_user, who, expected):
    response = as_user(org[who]).post(reverse("reports:build", args=["hanbit-card"]), {"month": "2026-11"})
    assert response.status_code == expected
    assert ReportSnapshot.objects.exists() == (expected == HTTPStatus.FOUND)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"month": "2026-13"}, "Give the month as YYYY-MM"),
        ({"month": "november"}, "Give the month as YYYY-MM"),
        ({"since": "2026-11-30", "until": "2026-11-01"}, "The end date is before the start date."),
        ({"since": "2026-11-01"}, "Choose a month, or both the start and the end date."),
        ({"since": "2099-01-01", "until": "2099-01-02"}, "The period has not started yet."),
    ],
)
def test_bad_build_input_is_explained_and_stores_nothing(month_data, org, as_user, data, message):
    response = as_user(org["manager_a"]).post(
        reverse("reports:build", args=["hanbit-card"]), data, follow=True
    )
    assert message in response.content.decode()
    assert not ReportSnapshot.objects.exists()


def test_building_a_custom_period_redirects_to_its_progress(month_data, org, as_user):
    response = as_user(org["manager_a"]).post(
        reverse("reports:build", args=["hanbit-card"]), {"since": "2026-11-02", "until": "2026-11-08"}
    )
    snapshot = ReportSnapshot.objects.get()
    assert response["Location"] == snapshot.get_absolute_url()
    assert (snapshot.period_start.isoformat(), snapshot.period_end.isoformat()) == (
        "2026-11-02",
        "2026-11-08",
    )
    # Not built yet (the task runs on commit): the page shows progress, polled by htmx.
    page = as_user(org["manager_a"]).get(snapshot.get_absolute_url()).content.decode()
    assert 'data-testid="report-progress"' in page and "hx-get" in page


def test_status_partial_redirects_htmx_when_done(snap, org, as_user):
    response = as_user(org["agent_a"]).get(
        reverse("reports:snapshot_status", args=[snap.pk]), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == snap.get_absolute_url()
    ReportSnapshot.objects.filter(pk=snap.pk).update(
        status=SnapshotStatus.RUNNING, progress=0.44, step="topics"
    )
    response = as_user(org["agent_a"]).get(
        reverse("reports:snapshot_status", args=[snap.pk]), HTTP_HX_REQUEST="true"
    )
    assert "HX-Redirect" not in response and "44%" in response.content.decode()


def test_the_report_page_shows_charts_and_figures(snap, org, as_user, django_assert_max_num_queries):
    c = as_user(org["agent_a"])
    with django_assert_max_num_queries(12):
        response = c.get(snap.get_absolute_url())
    page = response.content.decode()
    for testid in (
        "chart-daily",
        "chart-heatmap",
        "chart-channels",
        "chart-aht",
        "findings",
        "topics",
        "gaps",
    ):
        assert f'data-testid="{testid}"' in page
    assert page.count('class="rp-bar') >= 30 + 6  # one bar per day and per handle-time bucket
    assert 'data-testid="kpi-calls">6<' in page
    assert 'data-testid="kpi-coverage">50.0%<' in page
    assert "해외 결제" in page and "애플페이" in page
    assert "<script>" not in page  # CSP: no inline scripts
    assert "Regenerate this report" not in page  # agents may read, not regenerate
    assert "Regenerate this report" in as_user(org["manager_a"]).get(snap.get_absolute_url()).content.decode()


def test_exports_carry_a_korean_file_name_for_korean_readers(snap, org, as_user):
    response = as_user(org["manager_a"]).get(
        reverse("reports:export_csv", args=[snap.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    )
    disposition = response["Content-Disposition"]
    assert 'filename="diagnosis-hanbit-card-20261101-20261130-v1.csv"' in disposition  # the ASCII fallback
    name = "운영진단_한빛카드_2026-11-01~2026-11-30_v1.csv"
    assert "filename*=UTF-8''" + quote(name, safe="") in disposition


def test_the_report_page_escapes_stored_text(month_data, org, as_user):
    from .factories import CallRecordFactory, kst

    CallRecordFactory(
        client=month_data["client"], started_at=kst(2026, 11, 5, 10), category="<script>alert(1)</script>"
    )
    snap = services.snapshot_build_now(client=month_data["client"], since=NOV[0], until=NOV[1])
    page = as_user(org["manager_a"]).get(snap.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_xlsx_export_has_the_same_numbers(snap, org, as_user):
    response = as_user(org["manager_a"]).get(reverse("reports:export_xlsx", args=[snap.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="diagnosis-hanbit-card-20261101-20261130-v1.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Calls"] == (6, 3)
    assert summary["Average handle time (seconds)"] == (435.0, 233.3)
    assert summary["Repeat-contact rate"] == (0.3333, 0.0)
    assert summary["Abusive calls"] == (2, 1)
    sections = {row[1] for row in book["Findings"].iter_rows(min_row=2, values_only=True)}
    assert sections and not sections & {"volume", "topics", "categories", "coverage", "rhythm", "search"}
    daily = dict(book["Calls per day"].iter_rows(min_row=2, values_only=True))
    assert daily["2026-11-02"] == 3 and sum(daily.values()) == 6
    cats = {r[0]: r for r in book["Top categories"].iter_rows(min_row=2, values_only=True)}
    assert cats["분실"][1:5] == (3, 0.5, 2, 0.5)
    assert book["Top categories"]["C2"].number_format == "0.0%"
    heat = list(book["Weekday × hour"].iter_rows(min_row=2, values_only=True))
    assert heat[0][0] == "Monday" and heat[0][1 + 9] == 2
    topics = {r[0]: r for r in book["Mined topics"].iter_rows(min_row=2, values_only=True)}
    assert topics["해외 결제"][-1] == "Gap: not covered" and topics["카드 분실"][-1] == "분실 신고"
    zero = list(book["Searches without result"].iter_rows(min_row=2, values_only=True))
    assert zero == [("애플페이", 3)]
    ht = {r[0]: r[1] for r in book["Handle time distribution"].iter_rows(min_row=2, values_only=True)}
    assert ht["Median (seconds)"] == 120 and ht["90th percentile (seconds)"] == 1500


def test_csv_export_has_the_same_numbers_and_neutralises_formulas(month_data, org, as_user):
    from .factories import CallRecordFactory, kst

    CallRecordFactory(
        client=month_data["client"], started_at=kst(2026, 11, 5, 10), category='=HYPERLINK("http://evil")'
    )
    CallRecordFactory(
        client=month_data["client"], started_at=kst(2026, 11, 5, 11), category="+cmd|' /C calc'!A0"
    )
    snap = services.snapshot_build_now(client=month_data["client"], since=NOV[0], until=NOV[1])
    response = as_user(org["manager_a"]).get(reverse("reports:export_csv", args=[snap.pk]))
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert '\'=HYPERLINK("http://evil")' in cells and "'+cmd|' /C calc'!A0" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    calls_row = next(r for r in rows if r and r[0] == "Calls")
    assert calls_row[1:] == ["8", "3"]
    book = load_workbook(
        io.BytesIO(as_user(org["manager_a"]).get(reverse("reports:export_xlsx", args=[snap.pk])).content)
    )
    values = [c for ws in book for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert '\'=HYPERLINK("http://evil")' in values
    assert not any(v.startswith(("=", "+", "@")) for v in values)


def test_exports_of_an_unbuilt_report_are_404(month_data, org, as_user):
    snapshot = ReportSnapshot.objects.create(
        client=month_data["client"], period_start=NOV[0], period_end=NOV[1]
    )
    assert (
        as_user(org["manager_a"]).get(reverse("reports:export_xlsx", args=[snapshot.pk])).status_code == 404
    )


def test_home_lists_the_clients_the_user_may_see(snap, org, as_user):
    page = as_user(org["agent_a"]).get(reverse("reports:home")).content.decode()
    assert "한빛카드" in page and "누리텔레콤" not in page and snap.get_absolute_url() in page
    page = as_user(org["agent_b"]).get(reverse("reports:home")).content.decode()
    assert "한빛카드" not in page


def test_client_page_lists_months_with_calls(snap, org, as_user):
    page = as_user(org["manager_a"]).get(reverse("reports:client", args=["hanbit-card"])).content.decode()
    assert "2026-11" in page and "2026-10" in page and 'data-testid="build-form"' in page
    page = as_user(org["agent_a"]).get(reverse("reports:client", args=["hanbit-card"])).content.decode()
    assert 'data-testid="build-form"' not in page


def test_reports_appear_in_the_header(org, as_user):
    page = as_user(org["agent_a"]).get(reverse("home")).content.decode()
    assert reverse("reports:home") in page


def test_home_widget_for_managers(snap, org, as_user):
    import time_machine

    from .factories import kst

    with time_machine.travel(kst(2026, 12, 2, 9), tick=False):
        page = as_user(org["manager_a"]).get(reverse("home")).content.decode()
        assert 'data-testid="reports-widget"' in page and "1 / 1" in page
        assert (
            'data-testid="reports-widget"'
            not in as_user(org["agent_a"]).get(reverse("home")).content.decode()
        )

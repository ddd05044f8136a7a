"""Journey 5: a manager opens last month's operations diagnosis for a demo client, looks at the
charts, exports it to Excel, and opens the team dashboard."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.dates import month_bounds, previous_month
from knowledge.manuals import demo as knowledge_demo
from reports import demo as reports_demo
from reports.models import ReportSnapshot, SnapshotStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_report(org):
    # client_b is the demo's 누리텔레콤: its manuals, two months of calls, last month mined and reported.
    knowledge_demo.seed()
    reports_demo.seed(slugs=["nuri-telecom"])
    since, until = month_bounds(previous_month(timezone.localdate()))
    return ReportSnapshot.objects.get(client=org["client_b"], period_start=since, period_end=until)


def test_manager_reads_and_exports_the_diagnosis(new_page, login, org, demo_report, screenshot):
    assert demo_report.status == SnapshotStatus.DONE
    calls = demo_report.figures["totals"]["calls"]
    page = new_page(viewport={"width": 1366, "height": 900})
    login(page, org["manager_b"])
    page.get_by_role("navigation").get_by_role("link", name="리포트").first.click()
    expect(page.get_by_test_id("report-clients")).to_contain_text("누리텔레콤")
    screenshot(page, "reports-home")
    page.get_by_test_id("report-clients").get_by_role(
        "link", name=re.compile(r"\d{4}-\d{2}-01")
    ).first.click()
    expect(page).to_have_url(re.compile(rf"/reports/{demo_report.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("누리텔레콤")
    expect(page.get_by_test_id("kpi-calls")).to_have_text(f"{calls:,}")
    for chart in ("chart-daily", "chart-heatmap", "chart-channels", "chart-aht"):
        expect(page.get_by_test_id(chart)).to_be_visible()
    assert page.get_by_test_id("chart-daily").locator("rect").count() == len(demo_report.figures["daily"])
    expect(page.get_by_test_id("findings").locator("li").first).to_be_visible()
    screenshot(page, "reports-diagnosis")
    # Printing (Save as PDF): A4 width, print stylesheet, no navigation; Chromium makes the PDF.
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    screenshot(page, "reports-diagnosis-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 3
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 900})

    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    download = info.value
    assert download.suggested_filename.startswith("운영진단_누리텔레콤_")  # Korean name (RFC 6266 filename*)
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    summary = {row[0]: row[1] for row in book["요약"].iter_rows(min_row=2, values_only=True)}
    assert summary["상담 건수"] == calls

    page.get_by_role("navigation").get_by_role("link", name="리포트").first.click()
    page.get_by_test_id("nav-team").click()
    expect(page.get_by_test_id("people")).to_contain_text("이서준")
    screenshot(page, "reports-team-dashboard")


def test_an_agent_of_another_client_cannot_open_it(new_page, login, org, demo_report):
    page = new_page()
    login(page, org["agent_a"])
    response = page.goto(demo_report.get_absolute_url())
    assert response.status == 404

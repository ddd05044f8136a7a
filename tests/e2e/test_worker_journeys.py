"""The journeys whose work happens in the background, through a real Celery worker process.

Nothing here runs a task eagerly: the live server's requests (and the beat's schedule, played by
the test) send tasks through the broker the suite is configured with — the embedded filesystem
transport under `make test`, Redis in CI's second pass — to `celery -A config worker` on the
test database (tests/e2e/worker.py). A task the worker does not know, a setting only the web
process has, or data the worker cannot see makes these fail, with the worker's log printed.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookclub import services as bookclub
from bookclub.models import Award, MonthResult
from bookclub.months import current_month
from config.celery import app
from knowledge.calls.models import CallRecord, ImportJob, ImportStatus, MiningRun, MiningStatus
from reports.models import ReportSnapshot, SnapshotStatus
from tests.bookclub.factories import PickFactory, book_with_copies
from tests.knowledge.factories import published_article
from tests.reports.factories import CallRecordFactory, kst

from .exports import write_cp949_export
from .worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cp949_export(tmp_path):
    return write_cp949_export(tmp_path, count=400, seed=7)


def test_call_import_and_mining_run_in_the_worker(
    celery_worker, new_page, login, screenshot, org, cp949_export
):
    client = org["client_a"]
    published_article(
        client=client,
        by=org["manager_a"],
        title="카드 분실 신고와 재발급",
        question="카드를 잃어버렸어요",
        answer="분실 신고를 접수하고 카드 사용을 정지합니다.",
        tags="분실, 정지",
    )
    page = new_page()
    login(page, org["manager_a"])
    page.goto(f"/knowledge/calls/c/{client.slug}/import/")
    page.locator("input[type=file]").set_input_files(str(cp949_export))
    page.get_by_role("button", name="올리고 열 확인").click()
    expect(page.get_by_test_id("preview")).to_contain_text("고객 말씀")
    page.locator("#id_map_inquiry").select_option("고객 말씀")

    # The progress bar polls the server until the job is finished, then htmx follows HX-Redirect to
    # the result at once. The test keeps the finished bar on screen (drops that header) to look at it.
    seen: list[int] = []

    def keep_finished_bar(route):
        response = route.fetch()
        body = response.text()
        match = re.search(r'<progress[^>]*value="(\d+)"', body)
        if match:
            seen.append(int(match.group(1)))
        headers = {k: v for k, v in response.headers.items() if k.lower() != "hx-redirect"}
        route.fulfill(response=response, headers=headers, body=body)

    page.route(re.compile(r"/knowledge/calls/imports/\d+/progress/"), keep_finished_bar)
    page.get_by_role("button", name="가져오기", exact=True).click()
    expect(page.get_by_role("heading", name="가져오는 중…")).to_be_visible()
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_contain_text("100%", timeout=120_000)
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    expect(progress).to_contain_text("400")
    screenshot(page, "worker-1-import-100")
    assert seen and seen[-1] == 100 and seen == sorted(seen), seen

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and job.rows_created == 400
    assert CallRecord.objects.filter(client=client).count() == 400
    page.reload()
    expect(page.get_by_test_id("import-done")).to_be_visible()
    # The import queued the mining of the period it covers: the worker runs that too.
    wait_for(
        lambda: MiningRun.objects.filter(client=client, status=MiningStatus.DONE).exists(),
        what="the mining run queued by the import",
        worker=celery_worker,
    )

    # The manager mines another period on demand and watches it finish in the page.
    page.goto(f"/knowledge/calls/c/{client.slug}/")
    page.locator("#id_since").fill("2026-10-01")
    page.locator("#id_until").fill("2026-10-15")
    page.get_by_role("button", name="이 기간 분석").click()
    expect(page).to_have_url(re.compile(r"/topics/\?run=\d+"))
    run = MiningRun.objects.get(client=client, period_end__day=15)
    expect(page.get_by_test_id("coverage")).to_be_visible(timeout=120_000)
    table = page.get_by_test_id("topics")
    expect(table.locator("tbody tr").first).to_be_visible()
    run.refresh_from_db()
    assert run.status == MiningStatus.DONE and run.topic_count >= 2
    expect(table.locator("tbody tr")).to_have_count(run.topic_count)
    screenshot(page, "worker-2-topics")
    assert "Received unregistered task" not in celery_worker.log()


def test_report_is_built_by_the_worker(celery_worker, new_page, login, screenshot, org):
    client = org["client_a"]
    for day in range(2, 28):
        for hour in (9, 11, 15):
            CallRecordFactory(
                client=client,
                started_at=kst(2026, 11, day, hour, 10),
                duration_seconds=60 + day * 7,
                category="분실" if hour == 9 else "한도",
                agent=org["agent_a"],
            )
    page = new_page(viewport={"width": 1366, "height": 900})
    login(page, org["manager_a"])
    page.goto(f"/reports/c/{client.slug}/")
    row = page.get_by_test_id("months").locator("tr", has_text="2026-11")
    row.get_by_role("button", name="만들기").click()
    # The building page polls the status, then moves to the report once the worker is done.
    expect(page.get_by_test_id("kpi-calls")).to_have_text("78", timeout=120_000)
    snapshot = ReportSnapshot.objects.get(client=client)
    assert snapshot.status == SnapshotStatus.DONE and snapshot.built_by == org["manager_a"]
    expect(page).to_have_url(re.compile(rf"/reports/{snapshot.pk}/$"))
    screenshot(page, "worker-3-report")


def test_month_close_and_awards_run_in_the_worker(celery_worker, new_page, login, screenshot, org):
    reader, colleague, admin = org["agent_a"], org["agent_b"], org["admin_user"]
    month = current_month()
    pick = PickFactory(month=month, book=book_with_copies(2, title="지구 끝의 온실"), copies_stocked=2)
    review = bookclub.review_create(
        author=reader,
        book=pick.book,
        title="온실을 지킨 사람들",
        body="멸망한 세계에서도 서로를 돌보는 팀이 오래 간다. 우리 센터도 그렇다.",
        publish=True,
    )
    bookclub.rating_set(review=review, voter=colleague, stars=5)
    # An admin ends the month's vote early; the hourly beat entry then closes it in the worker.
    now = timezone.now()
    bookclub.pick_window_update(
        pick=pick, by=admin, opens=now - timedelta(days=1), closes=now - timedelta(seconds=1), reason="시연"
    )
    entry = app.conf.beat_schedule["bookclub-close-months"]
    app.send_task(entry["task"])
    result = wait_for(
        lambda: MonthResult.objects.filter(month=month).first(),
        what="the month's close",
        worker=celery_worker,
    )
    assert Award.objects.get(result=result, place=1).review == review

    page = new_page()
    login(page, reader)
    page.goto("/bookclub/")
    page.get_by_role("link", name="시상", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/bookclub/results/{month:%Y-%m}/$"))
    expect(page.get_by_test_id("awards")).to_contain_text("온실을 지킨 사람들")
    # Everyone was notified by the worker's close.
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    screenshot(page, "worker-4-awards")

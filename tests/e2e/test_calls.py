"""Journey 2: a manager imports a CP949 call export, fixes a column mapping, sees the recurring
topics and the manual's gaps, and turns a gap into a draft article."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from knowledge.calls.models import CallRecord, ImportJob, ImportStatus, TopicArticle
from knowledge.models import ArticleStatus
from tests.knowledge.factories import published_article

from .exports import write_cp949_export

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def export(tmp_path):
    return write_cp949_export(tmp_path, count=500, seed=21)


@pytest.fixture
def manual(org):
    """The published manual of client A covers lost cards only."""
    return published_article(
        client=org["client_a"],
        by=org["manager_a"],
        title="카드 분실 신고와 재발급",
        question="카드를 잃어버렸어요",
        answer="분실 신고를 접수하고 카드 사용을 정지합니다. 재발급을 신청해 드립니다.",
        tags="분실, 도난, 정지",
    )


def test_manager_imports_calls_finds_gaps_and_drafts_an_article(page, login, screenshot, org, export, manual):
    client = org["client_a"]
    login(page, org["manager_a"])
    page.goto(f"/knowledge/calls/c/{client.slug}/import/")
    expect(page.get_by_role("heading", name="상담 이력 가져오기")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(export))
    page.get_by_role("button", name="올리고 열 확인").click()

    # The mapping step: a preview of the CP949 file, read correctly, and the columns matched by name
    expect(page.get_by_role("heading", name="열 확인")).to_be_visible()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("고객 말씀")
    expect(preview.locator("tbody tr")).to_have_count(8)
    expect(page.locator("#id_map_started_at")).to_have_value("상담일시")
    expect(page.locator("#id_map_inquiry")).to_have_value("")
    # importing without the inquiry is refused, naming the field
    page.get_by_role("button", name="가져오기", exact=True).click()
    expect(page.locator(".mapping-field.has-error")).to_contain_text("문의 내용")
    page.locator("#id_map_inquiry").select_option("고객 말씀")
    expect(page.locator("[data-field-for='고객 말씀']")).to_have_text("문의 내용")
    screenshot(page, "calls-1-mapping")
    # In tests Celery is eager: the import and the mining run inside this request.
    with page.expect_navigation(timeout=120_000):
        page.get_by_role("button", name="가져오기", exact=True).click(timeout=120_000)

    # The result (the eager Celery task ran the import and the mining)
    expect(page.get_by_test_id("import-done")).to_be_visible(timeout=60_000)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and job.rows_created == 500
    assert CallRecord.objects.filter(client=client).count() == 500
    screenshot(page, "calls-2-result")

    # Topics and gaps
    page.get_by_role("link", name="토픽 보기").click()
    expect(page.get_by_role("heading", name="반복 문의 토픽")).to_be_visible()
    table = page.get_by_test_id("topics")
    expect(table.locator("tbody tr").first).to_be_visible()
    coverage = page.get_by_test_id("coverage").inner_text()
    assert coverage.endswith("%") and 0 < float(coverage.rstrip("%")) < 100
    expect(table).to_contain_text("매뉴얼 있음")
    screenshot(page, "calls-3-topics")
    page.get_by_test_id("gaps-filter").click()
    expect(table.locator("tbody tr.is-gap").first).to_be_visible()
    expect(table).not_to_contain_text("매뉴얼 있음")
    gap_label = table.locator(".topic-label").first.inner_text()
    table.locator(".topic-label").first.click()

    # The topic, and a draft article from it
    expect(page.get_by_role("heading", name=gap_label)).to_be_visible()
    expect(page.get_by_test_id("gap-alert")).to_be_visible()
    screenshot(page, "calls-4-topic")
    page.get_by_test_id("draft-button").click()
    link = TopicArticle.objects.get()
    article = link.article
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert article.status == ArticleStatus.DRAFT and article.client == client
    # the source calls under their own heading, not in the customer situation agents copy
    assert link.source_call_ids and not any(ext in article.question for ext in link.source_call_ids)
    sources = page.get_by_test_id("source-calls")
    expect(sources).to_contain_text("원본 상담")
    for ext in link.source_call_ids:
        expect(sources).to_contain_text(ext)
    expect(page.locator("body")).to_contain_text(article.title)
    screenshot(page, "calls-5-draft")


def test_an_agent_sees_topics_but_cannot_import(page, login, org, manual):
    login(page, org["agent_a"])
    page.goto(f"/knowledge/calls/c/{org['client_a'].slug}/")
    expect(page.get_by_role("heading", name=org["client_a"].name)).to_be_visible()
    expect(page.get_by_role("link", name="상담 이력 가져오기")).to_have_count(0)
    response = page.goto(f"/knowledge/calls/c/{org['client_a'].slug}/import/")
    assert response.status == 403

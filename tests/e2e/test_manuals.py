"""Journey: an agent proposes a change to a manual; a manager reviews the diff and publishes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from knowledge.manuals import services
from knowledge.models import Article, SuggestionStatus
from tests.e2e.editor import editor_for, fill_markdown
from tests.knowledge.factories import CategoryFactory, published_article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manual(org):
    client = org["client_a"]
    category = services.category_get_or_create(client=client, path="카드 > 분실·도난")
    CategoryFactory(client=client, name="결제·청구")
    article = published_article(
        client=client,
        by=org["manager_a"],
        title="해외에서 카드 분실 신고",
        question="해외 여행 중 카드를 잃어버린 고객",
        answer="고객님, 해외에서 카드를 분실하셔서 많이 놀라셨겠습니다. 지금 바로 분실 신고를 접수해 드리겠습니다.",
        steps="1. 본인 확인\n2. 분실 신고 등록\n3. 긴급 대체카드 안내",
        cautions="부정 사용이 확인되면 해외 부정사용 전담팀으로 이관합니다.",
        tags="분실, 해외, 카드정지",
        category=category,
    )
    other = published_article(
        client=client,
        by=org["manager_a"],
        title="국내 카드 분실 신고",
        answer="네 고객님, 분실 신고 도와드리겠습니다.",
        category=category,
    )
    article.related.add(other)
    return article


def test_manager_publishes_an_agents_suggestion(new_page, login, org, manual, screenshot):
    agent, manager = org["agent_a"], org["manager_a"]

    # The agent reads the manual and proposes a better answer.
    page = new_page()
    login(page, agent)
    page.goto(manual.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("해외에서 카드 분실 신고")
    expect(page.locator("#answer-script")).to_contain_text("지금 바로 분실 신고를 접수해 드리겠습니다")
    screenshot(page, "manuals-article-agent")
    page.get_by_role("link", name="수정 제안").click()
    # The answer is edited in the WYSIWYG editor: append a sentence at the end of its text.
    answer = editor_for(page, "id_answer").locator(".toastui-editor-ww-container [contenteditable=true]")
    answer.click()
    page.keyboard.press("Control+End")
    answer.press_sequentially(" 귀국 후에는 가까운 지점에서 당일 재발급도 가능합니다.")
    page.get_by_label("변경 사유").fill("고객들이 귀국 후 당일 발급 여부를 자주 물어봅니다.")
    page.get_by_role("button", name="제안 보내기").click()
    expect(page.locator(".messages")).to_contain_text("수정 제안을 매니저에게 보냈습니다")
    screenshot(page, "manuals-suggestion-sent")

    # The live article is unchanged until a manager decides.
    manual.refresh_from_db()
    assert "당일 재발급" not in manual.answer

    # The manager finds it in the review queue, reads the diff and publishes it with a reason.
    mpage = new_page()
    login(mpage, manager)
    expect(mpage.get_by_test_id("kb-widget")).to_contain_text("1")
    screenshot(mpage, "manuals-dashboard-manager")
    mpage.get_by_test_id("dashboard").get_by_role("link", name="검토 대기함").click()
    expect(mpage.get_by_test_id("suggestions")).to_contain_text("해외에서 카드 분실 신고")
    screenshot(mpage, "manuals-review-queue")
    mpage.get_by_test_id("suggestions").get_by_role("link", name="해외에서 카드 분실 신고").click()
    expect(mpage.get_by_test_id("diff").locator("ins").first).to_contain_text("당일 재발급")
    screenshot(mpage, "manuals-suggestion-diff")
    mpage.get_by_label("의견 (변경 이력에 남고 작성자에게 전달됩니다)").fill("고객 문의가 많아 반영합니다")
    mpage.get_by_role("button", name="반영하고 게시").click()
    expect(mpage).to_have_url(re.compile(rf"/knowledge/articles/{manual.pk}/$"))
    expect(mpage.locator("#answer-script")).to_contain_text("당일 재발급도 가능합니다")
    screenshot(mpage, "manuals-article-manager")

    # History shows both revisions and the reason; the diff between them is readable.
    mpage.get_by_role("link", name="변경 이력").click()
    expect(mpage.get_by_test_id("revisions")).to_contain_text("고객 문의가 많아 반영합니다")
    mpage.get_by_role("button", name="나란히 비교").click()
    expect(mpage.get_by_test_id("diff")).to_contain_text("당일 재발급")
    screenshot(mpage, "manuals-history-diff")

    suggestion = manual.suggestions.get()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert Article.objects.get(pk=manual.pk).revisions.count() == 2

    # The agent is told, in the bell.
    page.goto("/")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")


def test_manager_sees_the_client_manual_and_import_errors(new_page, login, org, manual, screenshot, tmp_path):
    page = new_page()
    login(page, org["manager_a"])
    page.goto(f"/knowledge/c/{org['client_a'].slug}/")
    expect(page.get_by_test_id("article-list")).to_contain_text("해외에서 카드 분실 신고")
    screenshot(page, "manuals-client")
    page.goto("/knowledge/import/")
    bad = tmp_path / "manual.csv"
    bad.write_bytes(
        "client,category,title,question,answer,tags\nhanbit-card,카드,좋은 행,,답변,\nnuri-telecom,요금,남의 고객사,,답변,\nhanbit-card,카드,,,답변,\n".encode(
            "cp949"
        )
    )
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="가져오기").last.click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("3행")
    expect(errors).to_contain_text("title: 제목을 입력해 주세요")
    screenshot(page, "manuals-import-errors")


def test_demo_manual_reads_well_for_an_agent(new_page, login, screenshot):
    from accounts import demo as accounts_demo
    from accounts.models import User
    from knowledge.manuals import demo

    accounts_demo.seed()
    demo.seed()
    agent = User.objects.get(email="agent1@dasan.example")
    page = new_page()
    login(page, agent, password=accounts_demo.DEMO_PASSWORD)
    page.goto("/knowledge/")
    expect(page.get_by_test_id("client-picker")).to_contain_text("한빛카드")
    screenshot(page, "manuals-home-agent")
    page.get_by_test_id("client-picker").get_by_role("link", name=re.compile("한빛카드")).click()
    expect(page.get_by_test_id("article-list")).to_contain_text("해외에서 카드 분실 신고")
    screenshot(page, "manuals-client-demo")
    page.get_by_role("link", name="해외에서 카드 분실 신고").click()
    expect(page.locator("#answer-script")).to_contain_text("긴급 대체카드")
    page.get_by_role("button", name="도움이 됐어요").click()
    expect(page.locator(".messages")).to_contain_text("피드백 감사합니다")
    screenshot(page, "manuals-article-demo")


def test_manager_turns_a_search_gap_into_a_draft_and_adds_synonyms(new_page, login, org, manual, screenshot):
    from knowledge.models import Article, ArticleStatus, SearchLog, SynonymGroup

    for _ in range(3):
        SearchLog.objects.create(
            user=org["agent_a"], client=org["client_a"], query="포인트 기부", result_count=0
        )
    page = new_page()
    login(page, org["manager_a"])
    page.goto("/knowledge/search/gaps/")
    gap = page.get_by_test_id("gap").first
    expect(gap).to_contain_text("포인트 기부")
    expect(gap).to_contain_text("3")
    screenshot(page, "search-gaps")
    gap.get_by_role("link", name="문서 작성").click()
    expect(page.get_by_label("제목", exact=True)).to_have_value("포인트 기부")
    fill_markdown(
        page, "id_answer", "고객님, 포인트는 앱의 기부 메뉴에서 1포인트 단위로 기부하실 수 있습니다."
    )
    page.get_by_role("button", name="초안 저장").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("포인트 기부")
    assert Article.objects.get(title="포인트 기부").status == ArticleStatus.DRAFT

    page.goto("/knowledge/search/synonyms/")
    page.get_by_label("같은 뜻의 단어").fill("기부, 후원")
    page.get_by_role("button", name="저장").click()
    expect(page.locator(".messages")).to_contain_text("동의어를 저장했습니다")
    screenshot(page, "search-synonyms")
    assert SynonymGroup.objects.get().client == org["client_a"]

"""The WYSIWYG editor for reviews, manual answers and suggestions: Korean typed with the IME, Word/HWP
HTML pasted and cleaned, and Markdown — the stored format — underneath."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bookclub.models import Review
from tests.bookclub.factories import PickFactory, book_with_copies
from tests.e2e.editor import editor_for

pytestmark = pytest.mark.django_db(transaction=True)

WORD_HTML = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><body>'
    '<p class="MsoNormal" style="mso-line-height-alt:12pt"><b><span lang="KO" style="font-family:맑은 고딕">굵은 문장</span></b>'
    '<span style="mso-spacerun:yes"> </span>그리고 보통 문장<o:p></o:p></p>'
    '<p class="HStyle0" style="font-family:함초롬바탕">한글 문서에서 온 단락</p>'
    '<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2">'
    "</body></html>"
)


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_a_review_written_in_the_wysiwyg_editor_with_hangul_and_pasted_word_text(
    new_page, login, org, screenshot, width, height
):
    book = book_with_copies(1, title="아몬드", authors="손원평")
    PickFactory(book=book)
    page = new_page(viewport={"width": width, "height": height})
    login(page, org["agent_a"])
    page.goto("/bookclub/reviews/new/")
    page.get_by_label("도서", exact=True).select_option(label="아몬드")
    page.get_by_label("제목", exact=True).fill("감정을 배우는 소년")

    area = editor_for(page, "id_body").locator(".toastui-editor-ww-container [contenteditable=true]")
    expect(area).to_be_visible()
    area.click()
    # Hangul typed key by key, as the IME would send it.
    area.press_sequentially("윤재는 감정을 느끼지 못한다. ", delay=20)
    page.keyboard.press("Control+b")
    area.press_sequentially("그래도 친구를 사귄다", delay=20)
    page.keyboard.press("Control+b")
    page.keyboard.press("Enter")
    # Paste from Word / HWP: the clipboard's HTML, as the browser hands it over.
    area.evaluate(
        """(el, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "굵은 문장 그리고 보통 문장");
            el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        WORD_HTML,
    )
    expect(area).to_contain_text("한글 문서에서 온 단락")
    screenshot(page, f"editor-hangul-{width}")
    assert page.evaluate("window.pwned") is None

    page.get_by_role("button", name="게시하기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("감정을 배우는 소년")
    review = Review.objects.get(title="감정을 배우는 소년")
    # Markdown underneath: the bold typed with Ctrl+B, the pasted paragraphs, no Office markup.
    assert "윤재는 감정을 느끼지 못한다." in review.body
    assert "**그래도 친구를 사귄다**" in review.body
    assert "한글 문서에서 온 단락" in review.body and "굵은 문장" in review.body
    assert "mso" not in review.body and "<script" not in review.body and "onerror" not in review.body
    assert "![" not in review.body  # pasted pictures are not stored in the text
    expect(page.locator("strong", has_text="그래도 친구를 사귄다")).to_be_visible()
    screenshot(page, f"editor-published-{width}")

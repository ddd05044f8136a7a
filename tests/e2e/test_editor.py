"""The WYSIWYG editor for reviews, manual answers and suggestions: Korean typed with the IME, Word/HWP
HTML pasted and cleaned, and Markdown — the stored format — underneath."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from bookclub.models import Review
from knowledge.models import Attachment
from tests.bookclub.factories import PickFactory, book_with_copies
from tests.e2e.editor import editor_for
from tests.knowledge.factories import published_article

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
    # The Word picture was a local file named by address: left out, and said so.
    expect(page.get_by_role("status")).to_have_text("독후감에는 사진을 넣을 수 없습니다.")
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


# A picture on the clipboard (a screenshot, or copied from an image viewer): files, no HTML.
PASTE_IMAGE = """(el, b64) => {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], "화면.png", {type: "image/png"}));
    el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 120), (37, 99, 235)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_a_picture_pasted_and_chosen_in_a_manual_becomes_an_attachment_shown_in_the_article(
    new_page, login, org, screenshot, tmp_path, width, height
):
    article = published_article(
        client=org["client_a"],
        by=org["manager_a"],
        title="카드 뒷면 서명",
        answer="카드 뒷면에 서명해 주세요.",
    )
    page = new_page(viewport={"width": width, "height": height})
    login(page, org["manager_a"])
    page.goto(f"/knowledge/articles/{article.pk}/edit/")
    holder = editor_for(page, "id_answer")
    area = holder.locator(".toastui-editor-ww-container [contenteditable=true]")
    area.click()
    page.keyboard.press("Control+End")
    area.evaluate(PASTE_IMAGE, _png())
    expect(area.locator('img[src^="/knowledge/attachments/"]')).to_have_count(1)
    # Chosen with the toolbar's picture button: the file tab of its popup.
    picture = tmp_path / "서명란.png"
    picture.write_bytes(base64.b64decode(_png()))
    if not holder.locator(".toastui-editor-toolbar-group button.image").is_visible():
        holder.locator("button.more").click()  # on a phone the last toolbar group folds under "more"
    holder.locator("button.image:visible").click()
    holder.locator(".toastui-editor-popup-add-image input[type=file]").set_input_files(picture)
    holder.locator(".toastui-editor-popup-add-image .toastui-editor-ok-button").click()
    expect(area.locator('img[src^="/knowledge/attachments/"]')).to_have_count(2)
    screenshot(page, f"editor-image-{width}")
    assert Attachment.objects.filter(article=article, content_type="image/png").count() == 2

    page.get_by_label("변경 사유").fill("서명란 사진 추가")
    page.get_by_role("button", name="변경 내용 게시").click()
    images = page.locator('#answer-script img[src^="/knowledge/attachments/"]')
    expect(images).to_have_count(2)
    expect(images.first).to_be_visible()
    assert images.first.evaluate("img => img.complete && img.naturalWidth") == 240
    article.refresh_from_db()
    assert article.answer.count("](/knowledge/attachments/") == 2 and "data:" not in article.answer
    screenshot(page, f"editor-image-published-{width}")


def test_where_pictures_cannot_go_the_editor_says_so(new_page, login, org, screenshot):
    book = book_with_copies(1, title="아몬드", authors="손원평")
    PickFactory(book=book)
    page = new_page()
    login(page, org["agent_a"])
    page.goto("/bookclub/reviews/new/")
    area = editor_for(page, "id_body").locator(".toastui-editor-ww-container [contenteditable=true]")
    area.click()
    area.evaluate(PASTE_IMAGE, _png())
    expect(page.get_by_role("status").filter(has_text="독후감에는 사진을 넣을 수 없습니다.")).to_be_visible()
    expect(area.locator("img")).to_have_count(0)
    screenshot(page, "editor-image-refused-review")


# A picture copied from a web page: Chrome's "Copy image" puts it on the clipboard twice, as HTML
# naming its address and as the picture itself; a selection of a page holds the HTML only.
WEB_IMAGE_HTML = (
    "<html><body>\n<!--StartFragment-->"
    '<p>카드 뒷면 서명란 예시</p><img src="https://news.example.com/cards/back.png" alt="카드 뒷면">'
    "<!--EndFragment-->\n</body>\n</html>"
)
PASTE_WEB_IMAGE = """(el, [html, b64]) => {
    const data = new DataTransfer();
    data.setData("text/html", html);
    if (b64) {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        data.items.add(new File([bytes], "image.png", {type: "image/png"}));
    }
    el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def _manual_editor(new_page, login, org):
    article = published_article(
        client=org["client_a"],
        by=org["manager_a"],
        title="카드 뒷면 서명",
        answer="카드 뒷면에 서명해 주세요.",
    )
    page = new_page()
    remote = []
    page.route("https://news.example.com/**", lambda route: (remote.append(route.request.url), route.abort()))
    login(page, org["manager_a"])
    page.goto(f"/knowledge/articles/{article.pk}/edit/")
    area = editor_for(page, "id_answer").locator(".toastui-editor-ww-container [contenteditable=true]")
    area.click()
    page.keyboard.press("Control+End")
    return article, page, area, remote


def test_a_picture_copied_from_a_web_page_with_the_picture_itself_becomes_an_attachment(
    new_page, login, org, screenshot
):
    article, page, area, remote = _manual_editor(new_page, login, org)
    area.evaluate(PASTE_WEB_IMAGE, [WEB_IMAGE_HTML, _png()])
    expect(area).to_contain_text("카드 뒷면 서명란 예시")
    expect(area.locator('img[src^="/knowledge/attachments/"]')).to_have_count(1)
    expect(area.locator('img[src*="news.example.com"]')).to_have_count(0)
    expect(page.get_by_role("status")).to_be_hidden()
    [attachment] = Attachment.objects.filter(article=article)
    assert attachment.content_type == "image/png"
    screenshot(page, "editor-web-image-pasted")

    page.get_by_label("변경 사유").fill("서명란 예시 사진")
    page.get_by_role("button", name="변경 내용 게시").click()
    expect(page.locator('#answer-script img[src^="/knowledge/attachments/"]')).to_have_count(1)
    article.refresh_from_db()
    assert f"]({attachment.get_absolute_url()})" in article.answer
    assert "news.example.com" not in article.answer and "카드 뒷면 서명란 예시" in article.answer
    assert remote == []  # the browser did not fetch the address either


def test_a_picture_copied_from_a_web_page_as_an_address_only_is_left_out_with_a_note(
    new_page, login, org, screenshot
):
    article, page, area, remote = _manual_editor(new_page, login, org)
    area.evaluate(PASTE_WEB_IMAGE, [WEB_IMAGE_HTML, ""])
    note = page.get_by_role("status")
    expect(note).to_have_text(
        "붙여 넣은 사진은 웹 주소로만 들어 있어 넣지 않았습니다. "
        "PC에 사진을 저장한 다음 툴바의 이미지 삽입 버튼으로 첨부해 주세요."
    )
    expect(area).to_contain_text("카드 뒷면 서명란 예시")  # the text around it is kept
    expect(area.locator("img")).to_have_count(0)
    screenshot(page, "editor-web-image-note")
    assert not Attachment.objects.filter(article=article).exists()
    assert remote == []

    # Saved as the note says, then attached: the note gives way to the picture.
    area.evaluate(PASTE_IMAGE, _png())
    expect(area.locator('img[src^="/knowledge/attachments/"]')).to_have_count(1)
    expect(note).to_be_hidden()


def test_a_web_picture_pasted_into_a_review_gets_the_review_s_note(new_page, login, org, screenshot):
    book = book_with_copies(1, title="아몬드", authors="손원평")
    PickFactory(book=book)
    page = new_page()
    login(page, org["agent_a"])
    page.goto("/bookclub/reviews/new/")
    area = editor_for(page, "id_body").locator(".toastui-editor-ww-container [contenteditable=true]")
    area.click()
    for picture in ("", _png()):  # an address only, then with the picture itself: neither goes in
        area.evaluate(PASTE_WEB_IMAGE, [WEB_IMAGE_HTML, picture])
        expect(
            page.get_by_role("status").filter(has_text="독후감에는 사진을 넣을 수 없습니다.")
        ).to_be_visible()
    expect(area.locator("img")).to_have_count(0)
    assert not Attachment.objects.exists()

"""Pictures put into a manual's answer by the editor: stored as the article's attachments through the
same upload checks, shown in the article only from our own attachment URLs."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge.manuals import services
from knowledge.manuals.markdown import render
from knowledge.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%...\n"


def editor_upload(client, article, name, data):
    return client.post(
        reverse("knowledge:attachment_upload", args=[article.pk]),
        {"file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT="application/json",
    )


def test_a_curator_s_picture_becomes_an_attachment_and_shows_in_the_article(as_user, org, article_a):
    manager = as_user(org["manager_a"])
    response = editor_upload(manager, article_a, "카드_뒷면.png", PNG)
    assert response.status_code == HTTPStatus.CREATED
    attachment = Attachment.objects.get()
    assert attachment.article == article_a and attachment.content_type == "image/png"
    assert response.json() == {"url": attachment.get_absolute_url(), "name": "카드_뒷면.png"}
    # The editor writes a Markdown image of that URL; the article page shows it to an agent.
    services.article_update(
        article=article_a,
        by=org["manager_a"],
        content={"answer": f"{article_a.answer}\n\n![카드 뒷면]({attachment.get_absolute_url()})"},
        comment="사진 추가",
    )
    page = as_user(org["agent_a"]).get(article_a.get_absolute_url()).content.decode()
    assert f'<img alt="카드 뒷면" src="{attachment.get_absolute_url()}">' in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("요금표.pdf", PDF, "Only PNG, JPEG or GIF pictures can go into the text"),
        ("picture.png", b"MZ\x90\x00 this is an exe", "picture.png"),
        ("empty.png", b"", "The submitted file is empty"),
    ],
)
def test_a_file_that_is_not_a_picture_is_refused_with_the_reason_and_nothing_stored(
    as_user, org, article_a, name, data, message
):
    response = editor_upload(as_user(org["manager_a"]), article_a, name, data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.json()["error"]
    assert not Attachment.objects.exists()


def test_agents_and_other_clients_managers_may_not_upload_pictures(as_user, org, article_a):
    assert editor_upload(as_user(org["agent_a"]), article_a, "a.png", PNG).status_code == HTTPStatus.FORBIDDEN
    assert (
        editor_upload(as_user(org["manager_b"]), article_a, "a.png", PNG).status_code == HTTPStatus.NOT_FOUND
    )
    assert not Attachment.objects.exists()


def test_pictures_show_only_from_our_own_attachment_urls():
    html = render(
        "![a](/knowledge/attachments/12/) ![b](https://tracker.example/p.gif) "
        "![c](/knowledge/attachments/1/../../admin/) ![d](javascript:alert(1)) "
        '<img src="/knowledge/attachments/3/" onerror="alert(1)">'
    )
    assert '<img alt="a" src="/knowledge/attachments/12/">' in html
    assert "tracker" not in html and "admin" not in html and "javascript" not in html
    assert "onerror" not in html and '<img src="/knowledge/attachments/3/">' in html


def test_the_editor_says_where_pictures_cannot_go(as_user, org, article_a):
    manager = as_user(org["manager_a"])
    edit = manager.get(reverse("knowledge:edit", args=[article_a.pk])).content.decode()
    assert f'data-editor-upload="{reverse("knowledge:attachment_upload", args=[article_a.pk])}"' in edit
    new = manager.get(reverse("knowledge:create", args=[org["client_a"].slug])).content.decode()
    assert "data-editor-upload=" not in new and "Pictures can be added once the article is saved" in new
    suggest = as_user(org["agent_a"]).get(reverse("knowledge:suggest", args=[article_a.pk])).content.decode()
    assert "data-editor-upload=" not in suggest and "Pictures cannot be put into a suggestion" in suggest
    review = as_user(org["agent_a"]).get(reverse("bookclub:review_new")).content.decode()
    assert "Pictures cannot be put into a review." in review


def test_every_editor_page_carries_the_note_for_a_picture_pasted_as_an_address(as_user, org, article_a):
    """A picture copied from a web page may come as <img src="https://…"> only: nothing fetches it,
    the editor says to save it and attach it (static/js/editor.js)."""
    note = 'data-picture-link-note="The pasted picture came as a web address only, so it was left out.'
    manager = as_user(org["manager_a"])
    assert note in manager.get(reverse("knowledge:edit", args=[article_a.pk])).content.decode()
    assert note in as_user(org["agent_a"]).get(reverse("bookclub:review_new")).content.decode()

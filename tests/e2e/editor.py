"""Driving the WYSIWYG editor (TOAST UI, static/js/editor.js) from the browser tests."""

from __future__ import annotations


def editor_for(page, field_id: str):
    """The editor that replaced <textarea id=field_id>."""
    return page.locator(f"#{field_id} + .md-editor")


def fill_markdown(page, field_id: str, text: str) -> None:
    """Type Markdown source through the editor's Markdown tab (the stored format)."""
    holder = editor_for(page, field_id)
    holder.locator(".toastui-editor-mode-switch .tab-item").filter(has_text="Markdown").or_(
        holder.locator(".toastui-editor-mode-switch .tab-item").filter(has_text="마크다운")
    ).first.click()
    holder.locator(".toastui-editor-md-container [contenteditable]").fill(text)

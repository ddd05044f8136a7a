from django import template

from knowledge.manuals.markdown import render

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """{{ article.answer|markdown }}: Markdown rendered and sanitised."""
    return render(text)

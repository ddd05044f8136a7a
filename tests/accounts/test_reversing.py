"""accounts.reversing.reverse and `{% load cached_url %}` give what Django's reverse and {% url %} give."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import NoReverseMatch, set_script_prefix
from django.urls import reverse as django_reverse
from django.utils.functional import SimpleLazyObject

from accounts.reversing import reverse


@pytest.fixture(autouse=True)
def _prefix():
    yield
    set_script_prefix("/")


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("home", (), {}),
        ("knowledge:article", (12,), {}),
        ("knowledge:client", ("hanbit-card",), {}),
        ("knowledge:action", (3, "publish"), {}),
        ("bookclub:results", (), {"month": "2026-11"}),
        ("accounts:profile", ("7",), {}),
    ],
)
def test_remembered_urls_are_djangos(name, args, kwargs):
    for _ in range(2):  # the second time from memory
        assert reverse(name, args=args, kwargs=kwargs) == django_reverse(name, args=args, kwargs=kwargs)


def test_the_script_prefix_is_part_of_the_key():
    assert reverse("knowledge:article", args=[5]) == "/knowledge/articles/5/"
    set_script_prefix("/intranet/")
    assert reverse("knowledge:article", args=[5]) == "/intranet/knowledge/articles/5/"


def test_other_arguments_and_failures_are_not_remembered():
    slug = SimpleLazyObject(lambda: "hanbit-card")  # not a plain str: reversed every time
    assert reverse("knowledge:client", args=[slug]) == "/knowledge/c/hanbit-card/"
    assert reverse("knowledge:article", args=[1]) == "/knowledge/articles/1/"
    with pytest.raises(NoReverseMatch):  # True is not the remembered 1 (True == 1 in Python)
        reverse("knowledge:article", args=[True])
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            reverse("knowledge:article")


def test_the_template_tag_renders_as_djangos():
    source = (
        "{% url 'knowledge:article' pk %}|{% url 'knowledge:client' slug %}|"
        "{% url 'knowledge:article' pk as link %}[{{ link }}]|{% url 'nowhere' as missing %}[{{ missing }}]"
    )
    context = {"pk": 9, "slug": "nuri-telecom"}
    plain = Template(source).render(Context(context))
    cached = Template("{% load cached_url %}" + source).render(Context(context))
    assert cached == plain == "/knowledge/articles/9/|/knowledge/c/nuri-telecom/|[/knowledge/articles/9/]|[]"
    with pytest.raises(NoReverseMatch):
        Template("{% load cached_url %}{% url 'nowhere' %}").render(Context())
    with pytest.raises(TemplateSyntaxError):
        Template("{% load cached_url %}{% url %}")

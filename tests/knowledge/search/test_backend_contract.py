"""Every search backend implements one protocol; a database without a backend stops at start-up;
index writes reach the result cache by themselves (no backend tells the interface)."""

from __future__ import annotations

import inspect

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext

from bench.naive import NaiveBackend
from knowledge.models import SearchDocument
from knowledge.search import interface
from knowledge.search.backends import BACKENDS, backend_for, get_backend
from knowledge.search.backends.base import Backend, SearchBackend
from knowledge.search.interface import search

from .helpers import indexed_article

pytestmark = pytest.mark.django_db

PROTOCOL_METHODS = sorted(
    name for name, value in vars(Backend).items() if callable(value) and not name.startswith("_")
)


def test_the_protocol_names_what_the_interface_and_the_engine_call():
    assert {"index", "remove", "update_helpfulness", "rebuild", "search", "match", "near_terms"} <= set(
        PROTOCOL_METHODS
    )
    assert {"vendor", "candidates"} <= set(Backend.__annotations__)


@pytest.mark.parametrize("vendor", sorted(BACKENDS))
def test_every_backend_implements_the_protocol(vendor):
    backend_class = BACKENDS[vendor]
    assert backend_class.vendor == vendor
    assert isinstance(backend_class.candidates, int) and backend_class.candidates > 0
    for name in PROTOCOL_METHODS:
        method = getattr(backend_class, name)
        wanted = inspect.signature(getattr(Backend, name))
        assert list(inspect.signature(method).parameters) == list(wanted.parameters), name
    # The vendor's own matching, not the base class's placeholders.
    for name in ("match", "near_terms"):
        assert getattr(backend_class, name) is not getattr(SearchBackend, name), name


def test_the_backend_is_the_one_of_the_database():
    assert get_backend().vendor == connection.vendor
    assert type(get_backend()) is BACKENDS[connection.vendor]


def test_an_unknown_database_has_no_backend_and_no_fallback():
    with pytest.raises(ImproperlyConfigured) as refused:
        backend_for("oracle")
    message = str(refused.value)
    assert "'oracle'" in message and "postgresql" in message and "sqlite" in message


def test_start_up_checks_refuse_an_unknown_database(monkeypatch):
    call_command("check")  # the suite's own database passes
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "vendor", "mysql")
    with pytest.raises(SystemCheckError) as refused:
        call_command("check")
    message = str(refused.value)
    assert "knowledge.E001" in message and "'mysql'" in message
    assert "supported: postgresql, sqlite" in message


def test_the_naive_baseline_is_only_the_benchmarks(org):
    # It is not a backend any more (bench/search.py compares against it), yet still answers.
    assert NaiveBackend not in BACKENDS.values()
    indexed_article(org["client_a"], "카드 분실 신고", answer="분실 신고를 접수합니다.")
    hits, count = NaiveBackend().search(client_id=org["client_a"].pk, query="분실", limit=5)
    assert count == 1 and [h.title for h in hits] == ["카드 분실 신고"]


# --- index writes and the result cache -----------------------------------------------------------


@pytest.fixture
def cached_search(org):
    """search() as agent A of client A, and whether it was answered from the result cache."""
    interface._results.clear()

    def run(query: str):
        with CaptureQueriesContext(connection) as ctx:
            result = search(user=org["agent_a"], client=org["client_a"], query=query)
        touched_index = any("searchdocument" in q["sql"].lower() for q in ctx.captured_queries)
        return [h.title for h in result.hits], not touched_index

    yield run
    interface._results.clear()


def test_an_index_write_is_seen_by_the_next_search_without_being_told(org, cached_search):
    # Backends write the index and nothing else: no call tells the interface (it has no such hook
    # any more). The index models' querysets bump the index version, so a cached list goes stale.
    first = indexed_article(org["client_a"], "해외 결제 안내", answer="해외 결제")
    assert cached_search("해외") == (["해외 결제 안내"], False)
    assert cached_search("해외") == (["해외 결제 안내"], True)  # answered from the cache

    second = indexed_article(org["client_a"], "해외 로밍 안내", answer="해외 로밍")  # backend.index()
    titles, from_cache = cached_search("해외")
    assert sorted(titles) == ["해외 결제 안내", "해외 로밍 안내"] and not from_cache

    get_backend().remove([first.pk])
    assert cached_search("해외") == (["해외 로밍 안내"], False)

    assert cached_search("해외")[1] is True
    get_backend().update_helpfulness([second.pk])
    assert cached_search("해외") == (["해외 로밍 안내"], False)

    assert cached_search("해외")[1] is True
    SearchDocument.objects.filter(article=second).delete()  # a stray queryset write
    assert cached_search("해외") == ([], False)

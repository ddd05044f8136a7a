"""core.caching: an answer is served only while the versions it was stored under are current."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from core.caching import Version, VersionedCache, current_versions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def counting(values):
    calls = []

    def compute():
        calls.append(1)
        return values[len(calls) - 1]

    return compute, calls


def test_a_stored_answer_is_served_until_its_version_is_bumped(django_capture_on_commit_callbacks):
    version = Version("test:v")
    answers = VersionedCache("test:answers", versions=(version,), timeout=60)
    compute, calls = counting(["first", "second"])
    assert answers.get_or_compute(1, compute=compute) == "first"
    assert answers.get_or_compute(1, compute=compute) == "first"
    assert len(calls) == 1
    with django_capture_on_commit_callbacks(execute=True):
        version.bump()
    assert answers.get_or_compute(1, compute=compute) == "second"
    assert len(calls) == 2


def test_a_bump_changes_the_version_now_and_again_on_commit(django_capture_on_commit_callbacks):
    version = Version("test:v")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        before = version.current()
        version.bump()
        during = version.current()
    assert before != during != version.current()
    assert len(callbacks) == 1


def test_a_cleared_cache_never_revives_an_old_entry():
    version = Version("test:v")
    answers = VersionedCache("test:answers", versions=(version,), timeout=60)
    compute, _calls = counting(["first", "second"])
    answers.get_or_compute("k", compute=compute)
    cache.delete(version.key)  # a restarted cache loses the version but, say, not the entry
    assert answers.get_or_compute("k", compute=compute) == "second"


def test_forget_drops_one_entry_only():
    answers = VersionedCache("test:answers", versions=(Version("test:v"),), timeout=60)
    answers.get_or_compute("a", compute=lambda: "A")
    answers.get_or_compute("b", compute=lambda: "B")
    answers.forget("a")
    assert answers.get_or_compute("a", compute=lambda: "A2") == "A2"
    assert answers.get_or_compute("b", compute=lambda: "B2") == "B"


def test_nothing_is_stored_for_a_none_answer():
    answers = VersionedCache("test:answers", versions=(Version("test:v"),), timeout=60)
    assert answers.get_or_compute("x", compute=lambda: None) is None
    assert answers.get_or_compute("x", compute=lambda: "now") == "now"


def test_several_versions_are_read_in_one_round_trip_and_each_invalidates():
    a, b = Version("test:a"), Version("test:b")
    first = current_versions(a, b)
    assert current_versions(a, b) == first
    b._set_new()
    assert current_versions(a, b)[0] == first[0] and current_versions(a, b)[1] != first[1]

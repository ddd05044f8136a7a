"""Versioned caches: a cached answer is served only while the version it was stored under is current.

Every cache in Dasan that can go stale (the signed-in user, who may see which client, search
results) keeps its entries under one or more named versions in the shared cache. A write that can
change an answer bumps the version; it never has to find and delete the entries. A version is a
random string, not a counter, so a cleared or restarted cache can never revive an old entry.

Bumps come from the model layer, so no caller has to remember them:

- ``VersionedQuerySet`` (use ``SomeQuerySet.as_manager()`` or ``Manager.from_queryset``) bumps its
  versions on ``update``, ``bulk_create``, ``bulk_update`` and ``delete``, the writes that send no
  ``post_save`` signal;
- ``bump_on_save_and_delete(model, *versions)`` connects ``post_save``/``post_delete`` for the rest.

A bump happens at once (the writing transaction's own later reads see it) and again after commit
(a request that read the old rows meanwhile stored them under the version the first bump set).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save


class Version:
    """A named version in the shared cache."""

    def __init__(self, key: str):
        self.key = key

    def __repr__(self) -> str:
        return f"Version({self.key!r})"

    def current(self) -> str:
        return current_versions(self)[0]

    def bump(self) -> None:
        """Every answer stored under this version is stale: now, and once more after commit."""
        self._set_new()
        transaction.on_commit(self._set_new)

    def _set_new(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, None)

    def _start(self) -> str:
        # Two processes may start a missing version at once: the first add() wins for both.
        cache.add(self.key, uuid.uuid4().hex, None)
        return cache.get(self.key) or uuid.uuid4().hex


def current_versions(*versions: Version) -> tuple[str, ...]:
    """The current value of each version: one round trip to the shared cache."""
    found = cache.get_many([v.key for v in versions])
    return tuple(found.get(v.key) or v._start() for v in versions)


class VersionedCache:
    """Values in the shared cache, each valid while `versions` are what they were when it was stored.

    An entry is stored with the versions it was computed under, next to them in one key, so a read
    costs one round trip (the versions and the entry together) and a bump needs no key scan.
    `forget()` drops one entry when a single row changed and a full bump would be wasteful.
    """

    def __init__(self, prefix: str, *, versions: tuple[Version, ...], timeout: int):
        self.prefix, self.versions, self.timeout = prefix, versions, timeout

    def _key(self, parts: tuple[Hashable, ...]) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def get_or_compute(self, *parts: Hashable, compute: Callable[[], Any]) -> Any:
        """The stored value, else `compute()` stored under the versions read before it ran (a value
        computed while a write commits is stored under the version that write makes stale).
        A None from `compute` is returned and not stored."""
        key = self._key(parts)
        found = cache.get_many([*(v.key for v in self.versions), key])
        current = tuple(found.get(v.key) for v in self.versions)
        entry = found.get(key)
        if entry is not None and entry[0] == current and None not in current:
            return entry[1]
        if None in current:
            current = current_versions(*self.versions)
        value = compute()
        if value is not None:
            cache.set(key, (current, value), self.timeout)
        return value

    def forget(self, *parts: Hashable) -> None:
        """Drop one entry, now and once more after commit."""
        key = self._key(parts)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))

    def bump(self) -> None:
        for version in self.versions:
            version.bump()


_M = TypeVar("_M", bound=models.Model)


class VersionedQuerySet(models.QuerySet[_M]):
    """A queryset whose signal-less writes bump `cache_versions` (set on a subclass)."""

    cache_versions: tuple[Version, ...] = ()

    def _bump(self) -> None:
        for version in self.cache_versions:
            version.bump()

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        self._bump()
        return rows

    update.alters_data = True  # type: ignore[attr-defined]  # Django's flag on the method, unknown to the stubs

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[_M]:
        objs = super().bulk_create(*args, **kwargs)
        self._bump()
        return objs

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        rows = super().bulk_update(*args, **kwargs)
        self._bump()
        return rows

    bulk_update.alters_data = True  # type: ignore[attr-defined]  # as above

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted = super().delete()
        self._bump()
        return deleted

    delete.alters_data = True  # type: ignore[attr-defined]  # as above
    delete.queryset_only = True  # type: ignore[attr-defined]  # as above


def versioned_queryset(*versions: Version, base: type[models.QuerySet] = VersionedQuerySet) -> type:
    """A VersionedQuerySet subclass bumping `versions`."""
    return type("VersionedQuerySet", (base,), {"cache_versions": versions, "__module__": __name__})


def bump_on_save_and_delete(model: type[models.Model], *versions: Version) -> None:
    """Bump `versions` whenever one `model` row is saved or deleted."""

    def receiver(sender, **kwargs) -> None:
        for version in versions:
            version.bump()

    # weak=False: the receiver is a closure nobody else holds.
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=(model, "bump", versions))
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=(model, "bump-delete", versions))

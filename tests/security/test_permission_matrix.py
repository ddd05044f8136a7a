"""Every route × every actor answers what tests/security/matrix.py says.

Each actor's request runs in a savepoint that is rolled back, so all six see the same world (agent
A's loan is still on loan when the admin tries to return it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.contrib import admin, messages
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security import matrix
from tests.security.world import ACTORS, build_world


def iter_routes(resolver=None, prefix="/", namespace=None):
    """(key, route) for every URL pattern outside the admin site; key = namespaced name or path."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin site: test_admin_site_is_for_admins_only
            ns = entry.namespace
            if ns:
                ns = f"{namespace}:{ns}" if namespace else ns
            yield from iter_routes(entry, prefix + route, ns or namespace)
        elif isinstance(entry, URLPattern):
            if entry.name:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), prefix + route
            else:
                yield prefix + route, prefix + route


def test_every_route_is_in_the_matrix():
    routes = dict(iter_routes())
    missing = sorted(set(routes) - set(matrix.ROUTES))
    assert not missing, (
        "These routes are not in the permission matrix. Add a row for each to ROUTES in "
        "tests/security/matrix.py saying what every actor gets:\n"
        + "\n".join(f"  {name!r}  ({routes[name]})" for name in missing)
    )


def test_the_matrix_lists_no_route_that_is_gone():
    stale = sorted(set(matrix.ROUTES) - set(dict(iter_routes())))
    assert not stale, f"Rows in tests/security/matrix.py for routes that no longer exist: {stale}"


def outcome(response) -> int | str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return matrix.LOGIN
        if location.startswith("/admin/login/"):
            return matrix.ADMIN_LOGIN
        # HTML actions answer a refusal they can explain with a redirect and an error message.
        queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
        if any(m.level >= messages.WARNING for m in queued):
            return matrix.REFUSED
        return matrix.DONE
    return response.status_code


def _url(key: str, args, world) -> str:
    if key.startswith("/"):
        return key
    return reverse(key, args=args(world) if args else ())


def _ask(client: Client, method: str, url: str, data=None):
    # Each request runs in a block rolled back afterwards, as TestCase's own blocks are: marked like
    # them so that the durable use cases (transaction.atomic(durable=True)) may open inside it.
    block = transaction.atomic()
    block._from_testcase = True
    with block:
        response = getattr(client, method)(url, data or {})
        transaction.set_rollback(True)
    return response


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


RECORD = os.environ.get("MATRIX_RECORD")


@pytest.mark.parametrize("key", sorted(matrix.ROUTES))
def test_route_answers_each_actor_as_the_matrix_says(key, world):
    method, args, expected, *extra = matrix.ROUTES[key]
    url = _url(key, args, world)
    actual = []
    for actor in ACTORS:
        client = Client()
        if actor != "anon":
            client.force_login(world.users[actor])
        data = extra[0](world) if extra else None  # fresh per actor: an upload is read once
        actual.append(outcome(_ask(client, method, url, data)))
    if RECORD:
        with Path(RECORD).open("a") as fh:
            fh.write(json.dumps([key, method, url, actual], ensure_ascii=False) + "\n")
        return
    wrong = [
        f"  {actor}: expected {want!r}, got {got!r}"
        for actor, want, got in zip(ACTORS, expected, actual, strict=True)
        if want != got
    ]
    assert not wrong, f"{method.upper()} {url} ({key}):\n" + "\n".join(wrong)


# --- The admin site -------------------------------------------------------------------------------
def _admin_urls(world) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = world.users["admin"]
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{info}_changelist"))
        if model_admin.has_add_permission(request):  # append-only records (audit) offer no add
            urls.append(reverse(f"{info}_add"))
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            urls.append(reverse(f"{info}_change", args=[instance.pk]))
            urls.append(reverse(f"{info}_history", args=[instance.pk]))
    return urls


def test_admin_site_is_for_admins_only(world):
    """Every model's admin pages: anonymous and non-admins are sent to sign in, admins get in."""
    urls = _admin_urls(world)
    assert len(urls) > 60
    wrong = []
    for actor in ACTORS:
        client = Client()
        if actor != "anon":
            client.force_login(world.users[actor])
        for url in urls:
            got = outcome(_ask(client, "get", url))
            want = 200 if actor == "admin" else matrix.ADMIN_LOGIN
            if got != want:
                wrong.append(f"  {actor} GET {url}: expected {want!r}, got {got!r}")
    assert not wrong, "\n".join(wrong)

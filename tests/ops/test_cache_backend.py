"""The production cache backend (config.cache.RedisCache) reuses one redis-py client per pool."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from config.cache import RedisCache

ROOT = Path(__file__).resolve().parents[2]


def test_one_client_per_pool_instead_of_one_per_call():
    backend = RedisCache("redis://127.0.0.1:6379/11", {})
    client = backend._cache.get_client(write=True)
    assert isinstance(client, redis.Redis)
    assert backend._cache.get_client(write=True) is client
    assert backend._cache.get_client("some-key") is backend._cache.get_client("other-key")


def test_a_redis_cache_url_gets_the_reusing_backend():
    env = {
        **os.environ,
        "CACHE_URL": "rediscache://127.0.0.1:6379/11",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; print(json.dumps(settings.CACHES))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["default"]["BACKEND"] == "config.cache.RedisCache"


def _redis_running() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(
    not _redis_running(), reason="needs Redis on 127.0.0.1:6379 (CI and this machine run one)"
)
def test_values_round_trip_through_the_shared_client():
    backend = RedisCache("redis://127.0.0.1:6379/11", {})
    backend.set("dasan-test-key", {"a": [1, 2]}, 5)
    assert backend.get("dasan-test-key") == {"a": [1, 2]}
    assert backend.get_many(["dasan-test-key", "missing"]) == {"dasan-test-key": {"a": [1, 2]}}
    backend.delete("dasan-test-key")
    assert backend.get("dasan-test-key") is None

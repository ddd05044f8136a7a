"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django builds a new ``redis.Redis`` for every cache operation, and redis-py's constructor copies
its table of ~170 response callbacks each time: about 0.12 ms, as long as the round trip to Redis
itself. A session read and a search-result read per request made that a measurable share of the
load test. A ``Redis`` object is safe to share between threads (each command borrows a
connection from the pool), and the pool resets itself in a forked worker.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

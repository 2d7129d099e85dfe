"""A Redis cache that degrades instead of failing: Redis is an accelerator, not a single point
of failure.

Every cache operation that cannot reach Redis (down, unreachable, refusing writes because it
is full, timing out) is logged and answers as a cache miss would: a read returns its default,
a write is dropped. A page then computes what it would have read, and a write to the database
never depends on Redis. The socket timeouts are short so a silent Redis cannot hold a request.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("portal.cache")

# A read that fails answers like a miss; these are what a miss looks like per method.
_MISS = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "add": lambda args, kwargs: False,
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "set_many": lambda args, kwargs: list(args[0]) if args else [],
}
_QUIET = (
    "get",
    "get_many",
    "has_key",
    "add",
    "set",
    "touch",
    "delete",
    "set_many",
    "delete_many",
    "clear",
    "incr",
)


def _degrading(name, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:  # redis.RedisError, OSError, timeouts: all a cache miss
            logger.warning("Cache %s failed, carrying on without the cache: %r", name, error)
            miss = _MISS.get(name)
            return miss(args, kwargs) if miss else None

    return wrapper


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One `redis.Redis` per connection pool, reused by every operation. Django's builds a
    new one for each get or set, copying redis-py's ~170 response callbacks into a dict:
    60 us of a 180 us round trip here, several times per cached page (issue 17). A client
    holds no connection of its own (it borrows one from the pool per command), and redis-py
    documents it as safe to share between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


for _name in _QUIET:
    setattr(DegradingRedisCache, _name, _degrading(_name, getattr(RedisCache, _name)))

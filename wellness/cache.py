"""A Redis cache that fails soft.

Django's RedisCache raises when Redis is unreachable, which would turn a Redis
restart into 500s on every page. Here the cache is an optimisation: a failed
read is a miss and a failed write is skipped (both logged), so pages keep
working from the database while Redis is away, and pick Redis up again when
it returns.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _warn(operation):
    logger.warning("cache unavailable: %s skipped", operation, exc_info=False)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every operation, and each one copies
    redis-py's table of about 170 response callbacks: measurable on every request that reads
    its session. A redis.Redis is thread-safe and only borrows connections from the pool, so
    one per pool serves every operation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _UNAVAILABLE:
            _warn("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _UNAVAILABLE:
            _warn("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except _UNAVAILABLE:
            _warn("has_key")
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except _UNAVAILABLE:
            _warn("add")
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except _UNAVAILABLE:
            _warn("set")
            return None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except _UNAVAILABLE:
            _warn("set_many")
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except _UNAVAILABLE:
            _warn("touch")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _UNAVAILABLE:
            _warn("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except _UNAVAILABLE:
            _warn("delete_many")
            return None

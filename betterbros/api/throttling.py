"""Request rates per subscription tier (THROTTLE_RATE_FREE / _PRO / _ENTERPRISE) and for
anonymous clients (THROTTLE_RATE_ANON, per address: the socket's, or with NUM_PROXIES=N the
address N proxies saw in X-Forwarded-For), counted in the cache (Redis). With Redis unreachable
the counts are lost and requests pass: throttling degrades open, the API keeps serving.

On Redis the rule is a fixed window: at most N requests per window of the rate's duration
(windows aligned on multiples of it, e.g. each clock minute), counted by one INCR + EXPIRE in one
round trip; a refusal's Retry-After is the time left in the window. It replaced a sliding-log Lua
script that cost more per request than this (docs/DESIGN-NOTES.md); the price is that a client may
spend a window's allowance at its end and the next at the start of the next one. Other cache
backends (the development LocMemCache) use DRF's SimpleRateThrottle unchanged.
"""

from django.core.cache import caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

ANONYMOUS_SCOPE = "anon"


class TierRateThrottle(SimpleRateThrottle):
    """One rate per tier: the scope is the user's `subscription_tier`, or `anon`."""

    cache_format = "throttle_%(scope)s_%(ident)s"
    # One counter per window, under its own keys (DRF's logs are pickled lists).
    window_format = "throttle_count_%(scope)s_%(ident)s_%(window)d"

    def __init__(self):
        # The rate depends on the request's user, so it is resolved in allow_request.
        self.wait_seconds = None

    def scope_for(self, request):
        user = request.user
        if user and user.is_authenticated:
            return user.subscription_tier
        return ANONYMOUS_SCOPE

    def get_rate(self):
        # Read at request time, so a change of REST_FRAMEWORK settings applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        self.scope = self.scope_for(request)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        cache = caches["default"]
        if self.rate is None or not isinstance(cache, RedisCache):
            return super().allow_request(request, view)
        now = self.timer()
        window = int(now // self.duration)
        key = cache.make_key(self.window_format % {**self._key_parts(request), "window": window})
        try:
            pipeline = get_redis_connection("default").pipeline(transaction=False)
            pipeline.incr(key)
            pipeline.expire(key, self.duration)
            count, _ = pipeline.execute()
        except RedisError:
            return True
        if count <= self.num_requests:
            return True
        self.wait_seconds = (window + 1) * self.duration - now
        return False

    def wait(self):
        if self.wait_seconds is not None:
            return self.wait_seconds
        return super().wait()

    def get_cache_key(self, request, view):
        return self.cache_format % self._key_parts(request)

    def _key_parts(self, request):
        if request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return {"scope": self.scope, "ident": ident}

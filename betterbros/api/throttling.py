"""Request rates per subscription tier (THROTTLE_RATE_FREE / _PRO / _ENTERPRISE) and for
anonymous clients (THROTTLE_RATE_ANON, per address: the socket's, or with NUM_PROXIES=N the
address N proxies saw in X-Forwarded-For), counted in the cache (Redis). With Redis unreachable
the counts are lost and requests pass: throttling degrades open, the API keeps serving.

The rule is DRF's SimpleRateThrottle: at most N requests in any window of the rate's duration
(a sliding log of the allowed requests' times), Retry-After until the oldest leaves the window.
On Redis the log is a sorted set checked and updated by one Lua script: one round trip per
request instead of DRF's GET and SET of the whole pickled log (3,000 floats for an enterprise
client at its rate), and atomic, so concurrent requests cannot both take the last slot. Other
cache backends (the development LocMemCache) use DRF's implementation unchanged.
"""

import secrets

from django.core.cache import caches
from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

ANONYMOUS_SCOPE = "anon"

# KEYS[1]: the log. ARGV: now and window (ms), allowed requests, this request's member.
# Returns -1 when the request is allowed (and logged), else the ms until a slot frees up.
SLIDING_WINDOW = """
local now, window, allowed = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < allowed then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[1], window)
    return -1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(tonumber(oldest[2]) + window - now, 1)
"""


_scripts = {}


def _sliding_window(client):
    # One Script per Redis client and process: it hashes the source once, then runs by EVALSHA.
    script = _scripts.get(id(client))
    if script is None or script.registered_client is not client:
        script = _scripts[id(client)] = client.register_script(SLIDING_WINDOW)
    return script


class TierRateThrottle(SimpleRateThrottle):
    """One rate per tier: the scope is the user's `subscription_tier`, or `anon`."""

    cache_format = "throttle_%(scope)s_%(ident)s"
    # The sorted-set log, under its own keys (DRF's logs are pickled lists).
    window_format = "throttle_window_%(scope)s_%(ident)s"

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
        key = cache.make_key(self.window_format % self._key_parts(request))
        try:
            script = _sliding_window(cache.client.get_client(write=True))
            now_ms = int(self.timer() * 1000)
            member = f"{now_ms}:{secrets.token_hex(4)}"
            wait_ms = script(
                keys=[key], args=[now_ms, self.duration * 1000, self.num_requests, member]
            )
        except RedisError:
            return True
        if wait_ms < 0:
            return True
        self.wait_seconds = wait_ms / 1000
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

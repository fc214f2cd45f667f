"""Request rates per subscription tier (THROTTLE_RATE_FREE / _PRO / _ENTERPRISE) and for
anonymous clients (THROTTLE_RATE_ANON), counted in the cache (Redis). With Redis unreachable
the counts are lost and requests pass: throttling degrades open, the API keeps serving."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

ANONYMOUS_SCOPE = "anon"


class TierRateThrottle(SimpleRateThrottle):
    """One rate per tier: the scope is the user's `subscription_tier`, or `anon`."""

    cache_format = "throttle_%(scope)s_%(ident)s"

    def __init__(self):
        # The rate depends on the request's user, so it is resolved in allow_request.
        pass

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
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

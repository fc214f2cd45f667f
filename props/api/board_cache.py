"""Cached JSON responses of the prop-market reads, with ETag / If-None-Match.

A response body is cached in Redis under a digest of the request's query, stored with the board
version it was built at (`props.cache.boards_version(league, week)`, bumped by every write
through the services). It is served only while that version is current, so a write never
leaves an old line readable; while a write's bump has not reached Redis (a blip), this process
neither serves nor stores cached boards (`props.cache.board_cache_usable`). The version and
the entry are read in one round trip. With Redis unreachable the cache answers nothing
(django-redis IGNORE_EXCEPTIONS) and every read is built from PostgreSQL.

The body is the same for every authenticated caller (these reads are not per-user), so one
cached copy serves all of them; `Cache-Control: private, no-cache` keeps shared proxies out and
makes clients revalidate with the ETag.
"""

import hashlib

import orjson
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

from ..cache import board_cache_usable, board_version_keys, boards_version

JSON_OPTIONS = orjson.OPT_UTC_Z


def dumps(data) -> bytes:
    """JSON bytes in the API's format (UTC date-times end in Z, as DRF writes them)."""
    return orjson.dumps(data, option=JSON_OPTIONS)


def json_response(data, status=200) -> HttpResponse:
    return HttpResponse(dumps(data), status=status, content_type="application/json")


def cached_json(request, *, scope, board=(None, None), build):
    """The response of `build()` (a JSON-able object) for this request, from the cache when the
    `board` (league, week) has not changed since it was stored. 304 on a matching
    If-None-Match. `build` raises for an invalid query, so only valid queries are cached."""
    if not board_cache_usable():
        # Built from PostgreSQL, neither read from nor stored in the cache (still with an ETag).
        body = dumps(build())
        return _respond(request, body, _etag(body))
    query = sorted((key, tuple(values)) for key, values in request.GET.lists())
    digest = hashlib.blake2b(
        repr((request.build_absolute_uri("/"), request.path, query)).encode(), digest_size=16
    ).hexdigest()
    key = f"props:api:{scope}:{digest}"
    # One round trip: the board's version keys and this query's entry together.
    version_keys = board_version_keys(*board)
    found = cache.get_many([*version_keys, key])
    if all(name in found for name in version_keys):
        version = ".".join(found[name] for name in version_keys)
    else:
        version = boards_version(*board)
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        _, etag, body = stored
    else:
        body = dumps(build())
        etag = _etag(body)
        cache.set(key, (version, etag, body), timeout=settings.CACHE_TTL)
    return _respond(request, body, etag)


def _etag(body):
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def _respond(request, body, etag):
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if _matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
        for name, value in headers.items():
            response[name] = value
        return response
    return HttpResponse(body, content_type="application/json", headers=headers)


def _matches(if_none_match, etag):
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    # Weak comparison (RFC 9110 §13.1.2): a W/ prefix added by a proxy still matches.
    return "*" in tags or etag in {tag.removeprefix("W/") for tag in tags}

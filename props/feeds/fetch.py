"""Fetching a feed source over HTTP: one GET with connect/read timeouts, a conditional request
(If-None-Match / If-Modified-Since from the last successful poll), retries with exponential
backoff and jitter on timeouts, connection errors and 5xx (urllib3's Retry), and a body limit.

The body is spooled to a temporary file (in memory up to a few MB), never held whole, and is cut
off with an error as soon as it passes the limit.

Unless FEEDS_ALLOW_PRIVATE_ADDRESSES, every connection (redirects and retries included) is
checked once made, before anything is sent: an address that is not public is refused. Checking
the connected socket, not the name before it, leaves no gap for DNS to answer differently twice.
"""

import ipaddress
import os
import tempfile
from dataclasses import dataclass, field

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

CHUNK = 256 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024
RETRIED_STATUSES = (500, 502, 503, 504)


class FetchFailed(Exception):
    """The feed could not be fetched; the message says why (status, timeout, size …)."""

    def __init__(self, message, *, status=None, attempts=1):
        super().__init__(message)
        self.status = status
        self.attempts = attempts


class AddressRefused(Exception):
    """A feed's host resolved to an address the workers may not connect to."""


def refuse_unless_public(address, host):
    """Raise AddressRefused when `address` (the connected peer of `host`) is not a public
    internet address and FEEDS_ALLOW_PRIVATE_ADDRESSES is off."""
    if settings.FEEDS_ALLOW_PRIVATE_ADDRESSES:
        return
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope (fe80::1%eth0) aside
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if not ip.is_global:
        raise AddressRefused(
            f"{host} is at {ip}, which is not a public address: feed polls connect only to "
            "public addresses (FEEDS_ALLOW_PRIVATE_ADDRESSES)."
        )


class _PublicPeerOnly:
    def connect(self):
        super().connect()
        try:
            refuse_unless_public(self.sock.getpeername()[0], self.host)
        except AddressRefused:
            self.close()
            raise


class PublicHTTPConnection(_PublicPeerOnly, HTTPConnection):
    pass


class PublicHTTPSConnection(_PublicPeerOnly, HTTPSConnection):
    pass


class PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = PublicHTTPConnection


class PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = PublicHTTPSConnection


class PublicAddressAdapter(HTTPAdapter):
    """requests' adapter whose connections are checked by `refuse_unless_public`."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": PublicHTTPConnectionPool,
            "https": PublicHTTPSConnectionPool,
        }


@dataclass
class Fetched:
    status: int
    attempts: int
    body: object = None  # a binary file positioned at 0; None when not modified
    size: int = 0
    etag: str = ""
    last_modified: str = ""
    headers: dict = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def request_headers(source) -> dict:
    """The source's headers, each value read from the environment variable it names."""
    headers = {}
    for header, variable in (source.headers or {}).items():
        value = os.environ.get(variable)
        if value is None:
            raise FetchFailed(
                f"Header {header}: the environment variable {variable} is not set.", attempts=0
            )
        headers[header] = value
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    return headers


def _session(retries) -> requests.Session:
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=5,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"GET"}),
        backoff_factor=settings.FEEDS_RETRY_BACKOFF,
        backoff_max=settings.FEEDS_RETRY_BACKOFF_MAX,
        backoff_jitter=settings.FEEDS_RETRY_BACKOFF / 2,
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = PublicAddressAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def fetch(source, *, retries=None, max_bytes=None) -> Fetched:
    """GET the source's URL. Raises FetchFailed for anything but a 2xx body within the limit or
    a 304."""
    retries = settings.FEEDS_MAX_RETRIES if retries is None else retries
    max_bytes = settings.FEEDS_MAX_BODY_BYTES if max_bytes is None else max_bytes
    headers = request_headers(source)
    timeout = (settings.FEEDS_CONNECT_TIMEOUT, settings.FEEDS_READ_TIMEOUT)
    with _session(retries) as session:
        try:
            response = session.get(source.url, headers=headers, timeout=timeout, stream=True)
        except AddressRefused as exc:
            raise FetchFailed(str(exc)) from None
        except requests.exceptions.RetryError as exc:  # retries spent on 5xx (raise_on_status)
            raise FetchFailed(f"Gave up after {retries + 1} attempts: {exc}.") from None
        except requests.exceptions.RequestException as exc:
            if not _timed_out(exc):
                raise FetchFailed(
                    f"Could not connect after {retries + 1} attempts: {exc}.", attempts=retries + 1
                ) from None
            raise FetchFailed(
                f"Timed out after {retries + 1} attempts (connect {timeout[0]}s, "
                f"read {timeout[1]}s).",
                attempts=retries + 1,
            ) from None
        with response:
            history = getattr(response.raw, "retries", None)
            attempts = 1 + (len(history.history) if history is not None else 0)
            if response.status_code == 304:
                return Fetched(status=304, attempts=attempts)
            if response.status_code >= 400 or response.status_code < 200:
                raise FetchFailed(
                    f"HTTP {response.status_code} {response.reason}"
                    + (f" after {attempts} attempts." if attempts > 1 else "."),
                    status=response.status_code,
                    attempts=attempts,
                )
            body, size = _read_limited(response, max_bytes, attempts)
            return Fetched(
                status=response.status_code,
                attempts=attempts,
                body=body,
                size=size,
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
                headers=dict(response.headers),
            )


def _timed_out(exc) -> bool:
    """requests reports timeouts retried to the end as a ConnectionError around MaxRetryError."""
    if isinstance(exc, requests.exceptions.Timeout):
        return True
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    return isinstance(reason, TimeoutError | urllib3_exceptions.TimeoutError)


def _read_limited(response, max_bytes, attempts):
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(
            f"The body ({int(declared):,} bytes) is over the limit of {max_bytes:,} bytes.",
            status=response.status_code,
            attempts=attempts,
        )
    body = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (returned)
    size = 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise FetchFailed(
                    f"The body is over the limit of {max_bytes:,} bytes.",
                    status=response.status_code,
                    attempts=attempts,
                )
            body.write(chunk)
    except requests.exceptions.RequestException as exc:
        body.close()
        raise FetchFailed(
            f"The body was cut off after {size:,} bytes: {exc}.",
            status=response.status_code,
            attempts=attempts,
        ) from None
    except FetchFailed:
        body.close()
        raise
    body.seek(0)
    return body, size

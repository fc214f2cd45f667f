"""Feed URLs are typed in by staff and fetched by the workers: without
FEEDS_ALLOW_PRIVATE_ADDRESSES a poll never connects to a loopback, private or link-local address
(a cloud's metadata service at 169.254.169.254), by name or by redirect, and says so in its
run. Checked on the connected socket, so a name resolving elsewhere the second time gains
nothing."""

import http.server
import threading

import pytest

from props.feeds import fetch as feed_fetch
from props.feeds.fetch import AddressRefused, refuse_unless_public
from props.feeds.polling import poll_source
from props.models import PropMarket
from tests.factories import FeedSourceFactory

from .feed_server import NBA_FEED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_feeds")]


@pytest.fixture
def public_only(settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1%eth0",
        "fd00::1",
        "::ffff:127.0.0.1",
    ],
)
def test_addresses_that_are_not_public_are_refused(public_only, address):
    with pytest.raises(AddressRefused, match="not a public address"):
        refuse_unless_public(address, "feeds.example")


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.1.69", "2606:4700::1111"])
def test_public_addresses_are_let_through(public_only, address):
    refuse_unless_public(address, "feeds.example")


def test_a_poll_of_a_loopback_feed_fails_its_run_naming_the_address_and_writes_nothing(
    public_only, feed_server
):
    source = FeedSourceFactory(name="pp-nba", url=feed_server.route("/nba.json", NBA_FEED))

    run = poll_source(source.pk)

    assert run.status == "failed"
    assert "is at 127.0.0.1, which is not a public address" in run.error
    assert feed_server.requests("/nba.json") == []  # refused before the request was sent
    assert not PropMarket.objects.exists()


class _Redirect(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", self.target)
        self.end_headers()

    def log_message(self, *args):
        pass


def _serve(address, handler):
    server = http.server.ThreadingHTTPServer((address, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def redirected_feed():
    """A URL on 127.0.0.1 redirecting to the NBA feed served on another loopback address,
    127.0.0.2."""
    feed = _serve("127.0.0.2", http.server.SimpleHTTPRequestHandler)
    feed.RequestHandlerClass = type(
        "Feed",
        (http.server.SimpleHTTPRequestHandler,),
        {"log_message": lambda *args: None, "__init__": _feed_handler_init},
    )
    target = f"http://127.0.0.2:{feed.server_address[1]}/{NBA_FEED.name}"
    redirect = _serve("127.0.0.1", type("Redirect", (_Redirect,), {"target": target}))
    yield f"http://127.0.0.1:{redirect.server_address[1]}/feed.json"
    for server in (feed, redirect):
        server.shutdown()
        server.server_close()


def _feed_handler_init(self, *args, **kwargs):
    http.server.SimpleHTTPRequestHandler.__init__(
        self, *args, directory=str(NBA_FEED.parent), **kwargs
    )


def test_a_redirect_to_a_private_address_is_refused_too(public_only, redirected_feed, monkeypatch):
    # Only the redirecting server's address (127.0.0.1) counts as public here.
    def public_but_127_0_0_1(address, host):
        if address != "127.0.0.1":
            refuse_unless_public(address, host)

    monkeypatch.setattr(feed_fetch, "refuse_unless_public", public_but_127_0_0_1)
    source = FeedSourceFactory(name="redirected", url=redirected_feed)

    run = poll_source(source.pk)

    assert run.status == "failed"
    assert "127.0.0.2 is at 127.0.0.2, which is not a public address" in run.error
    assert not PropMarket.objects.exists()

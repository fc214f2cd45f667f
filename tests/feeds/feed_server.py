"""A local HTTP server on 127.0.0.1 serving the captured feeds (../shared/data) with faults on
demand, for the feed-poll tests and bench/feeds.py.

    server = FeedServer.start()
    server.route("/nba.json", NBA_FEED)          # serve a file (ETag + Last-Modified, 304s)
    server.fail("/nba.json", "500", "500")         # the next two requests get these faults
    ... server.requests("/nba.json") -> [(status or fault, If-None-Match), ...]

Faults: "500", "timeout" (answers after `slow_seconds`), "truncated" (half the body, then
closes), "wrong" (an HTML page), "big" (the body with no Content-Length, `big_bytes` long).
"""

import hashlib
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared/data"
NBA_FEED = SHARED_DATA / "prizepicks/2024-03-19-nba.json"
MULTI_LEAGUE_FEED = SHARED_DATA / "prizepicks/2024-01-23-multi-league.json"
BOOKS_CSV = SHARED_DATA / "sportsbook-csv/2024-nba-books-results.csv"
PORTS = range(16200, 16300)
FAULTS = {"500", "timeout", "truncated", "wrong", "big"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts, limits)
            self.close_connection = True

    def _answer(self):
        server = self.server.feed_server
        fault = server._next_fault(self.path)
        body = server._body(self.path)
        server._log(self.path, fault or "ok", self.headers.get("If-None-Match"))
        if body is None:
            return self._send(404, b"no such feed", "text/plain")
        if fault == "500":
            return self._send(500, b"upstream exploded", "text/plain")
        if fault == "timeout":
            time.sleep(server.slow_seconds)
            return self._send(503, b"too late", "text/plain")
        if fault == "wrong":
            return self._send(200, b"<html><body>Maintenance</body></html>", "text/html")
        if fault == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        if fault == "big":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b" " * 65536
            for _ in range(server.big_bytes // len(chunk) + 1):
                self.wfile.write(chunk)
            self.close_connection = True
            return None
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(server.started, usegmt=True))
        self.end_headers()
        self.wfile.write(body)
        return None

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FeedServer:
    def __init__(self, httpd):
        self.httpd = httpd
        self.started = time.time()
        self.slow_seconds = 2.0
        self.big_bytes = 2 * 1024 * 1024
        self._routes: dict[str, bytes] = {}
        self._faults: dict[str, list[str]] = {}
        self._log_lines: list[tuple[str, str, str | None]] = []
        self._lock = threading.Lock()
        httpd.feed_server = self

    @classmethod
    def start(cls):
        for port in PORTS:
            try:
                httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
            except OSError:
                continue
            httpd.daemon_threads = True
            server = cls(httpd)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            return server
        raise RuntimeError(f"No free port in {PORTS.start}-{PORTS.stop - 1}")

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def route(self, path, content):
        """Serve `content` (a Path or bytes) at `path`; returns its URL."""
        self._routes[path] = content.read_bytes() if isinstance(content, Path) else content
        return self.url(path)

    def fail(self, path, *faults):
        assert set(faults) <= FAULTS, faults
        with self._lock:
            self._faults.setdefault(path, []).extend(faults)

    def requests(self, path) -> list[tuple[str, str | None]]:
        with self._lock:
            return [(what, etag) for p, what, etag in self._log_lines if p == path]

    def _next_fault(self, path):
        with self._lock:
            queue = self._faults.get(path)
            return queue.pop(0) if queue else None

    def _body(self, path):
        return self._routes.get(path)

    def _log(self, path, what, etag):
        with self._lock:
            self._log_lines.append((path, what, etag))

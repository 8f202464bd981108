"""Real HTTP listeners on loopback for outbound tests: they count every TCP connection, so a
test can show a callback was never connected to, not merely that it failed."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    connections: int = 0
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], family: int, seen: Seen, redirect: str) -> None:
        self.address_family = family
        self.seen = seen
        self.redirect = redirect
        super().__init__(address, _Handler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.seen.connections += 1
        return True


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self, body: bytes) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length) if length else b""
        self.server.seen.requests.append((self.command, self.path, sent))
        if self.server.redirect:
            self.send_response(302)
            self.send_header("Location", self.server.redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        echo = parse_qs(urlsplit(self.path).query).get("echo", [""])[0]
        self._answer(echo.encode())

    def do_POST(self) -> None:
        self._answer(b"")

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def listener(host: str = "127.0.0.1", redirect: str = "") -> Iterator[tuple[int, Seen]]:
    """An HTTP server on `host`, a free port: (port, what it saw). It answers GET with its
    `echo` query value and POST with 200, or everything with a 302 to `redirect`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    seen = Seen()
    server = _Server((host, 0), family, seen, redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

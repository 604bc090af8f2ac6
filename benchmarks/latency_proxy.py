"""An HTTP proxy on 127.0.0.1 that adds a fixed delay to every request, to emulate a network.

Every request is forwarded to the target (a ``moto_server``) after sleeping ``delay`` seconds,
on a keep-alive connection the handling thread keeps open to the target. Clients may keep their
connections alive too (HTTP/1.1). Each client connection gets a thread; at most
``max_connections`` are served at once (more wait for a slot), and idle connections close after
``idle_timeout`` seconds. ``stop()`` (or SIGTERM / SIGINT for the command) shuts it down.

``GET /__latency_proxy__/stats`` answers locally with the number of requests forwarded so far
and ``POST /__latency_proxy__/reset`` zeroes it; nothing else is handled locally.

    python benchmarks/latency_proxy.py http://127.0.0.1:5000 [--port 0] [--delay-ms 20]

prints ``LISTENING http://127.0.0.1:PORT`` once it accepts connections.
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import socket
import sys
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any, ClassVar

STATS_PATH = "/__latency_proxy__/stats"
RESET_PATH = "/__latency_proxy__/reset"
# Hop-by-hop headers are about one connection and are never forwarded (RFC 9110 7.6.1).
HOP_BY_HOP = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "proxy-connection",
    }
)  # fmt: skip


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], proxy: LatencyProxy) -> None:
        self.proxy = proxy
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.proxy._slots.acquire()  # bound the threads: wait for a free slot
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.proxy._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.proxy._slots.release()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold the body back for ~40 ms.
    disable_nagle_algorithm = True
    server: _Server
    _methods: ClassVar[tuple[str, ...]] = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH")

    def setup(self) -> None:
        self.timeout = self.server.proxy.idle_timeout
        super().setup()
        self.upstream: http.client.HTTPConnection | None = None

    def finish(self) -> None:
        if self.upstream is not None:
            self.upstream.close()
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _connection(self) -> http.client.HTTPConnection:
        if self.upstream is None:
            proxy = self.server.proxy
            self.upstream = http.client.HTTPConnection(
                proxy.target_host, proxy.target_port, timeout=proxy.upstream_timeout
            )
        return self.upstream

    def _forward(self) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.path == STATS_PATH or self.path == RESET_PATH:
            self._local(self.path == RESET_PATH)
            return
        if proxy.delay > 0:
            time.sleep(proxy.delay)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        path = proxy.target_prefix + self.path
        try:
            response = self._send_upstream(path, body, headers)
        except OSError as error:
            proxy._count("upstream-error")
            self.send_error(502, f"upstream failed: {error}")
            return
        payload = response.read()
        proxy._count(self.command)
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _send_upstream(
        self, path: str, body: bytes | None, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        """Send on the kept-alive connection; reconnect once if the target closed it."""
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request(self.command, path, body=body, headers=headers)
                return connection.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                self.upstream = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _local(self, reset: bool) -> None:
        proxy = self.server.proxy
        if reset:
            proxy.reset()
        payload = json.dumps(proxy.stats()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward


class LatencyProxy:
    """The proxy; ``start()`` serves on a background thread, ``stop()`` shuts it down."""

    def __init__(
        self,
        target: str,
        *,
        delay: float = 0.020,
        host: str = "127.0.0.1",
        port: int = 0,
        max_connections: int = 64,
        idle_timeout: float = 30.0,
        upstream_timeout: float = 30.0,
    ) -> None:
        parsed = urllib.parse.urlsplit(target)
        if parsed.scheme != "http" or not parsed.hostname:
            raise ValueError(f"target must be an http:// URL, not {target!r}")
        self.target_host = parsed.hostname
        self.target_port = parsed.port or 80
        self.target_prefix = parsed.path.rstrip("/")
        self.delay = delay
        self.idle_timeout = idle_timeout
        self.upstream_timeout = upstream_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _count(self, what: str) -> None:
        with self._lock:
            self._counts["requests"] += 1
            self._counts[what] += 1

    def stats(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def start(self) -> LatencyProxy:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def fetch_stats(proxy_url: str, reset: bool = False) -> dict[str, int]:
    """Ask a running proxy (possibly in another process) for its counters."""
    parsed = urllib.parse.urlsplit(proxy_url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        connection.request("POST" if reset else "GET", RESET_PATH if reset else STATS_PATH)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def wait_for_port(host: str, port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listening on {host}:{port}") from None
            time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="URL to forward to, e.g. http://127.0.0.1:5000")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument("--delay-ms", type=float, default=20.0, help="delay added per request")
    parser.add_argument("--max-connections", type=int, default=64)
    args = parser.parse_args(argv)
    proxy = LatencyProxy(
        args.target,
        delay=args.delay_ms / 1000,
        port=args.port,
        max_connections=args.max_connections,
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever, which runs on this thread: do it from another.
        threading.Thread(target=proxy._server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"LISTENING {proxy.url}", flush=True)
    try:
        proxy.serve_forever()
    finally:
        proxy._server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A TCP relay in front of a server that a test can cut and restore, like a network that drops.

``stop()`` closes the listening socket and every relayed connection (new connections are
refused); ``start()`` listens again on the same port. ``cut_after(n)`` makes the cut happen
by itself once ``n`` more HTTP requests have gone through, so a test cuts mid-run however slowly
the machine runs it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable

_REQUEST_LINE_END = b" HTTP/1.1\r\n"


class TcpRelay:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._budget: int | None = None
        self._then: Callable[[], object] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TcpRelay:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
        for sock in [listener, *sockets]:
            if sock is None:
                continue
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def cut_after(self, requests: int, then: Callable[[], object] | None = None) -> None:
        """Stop once ``requests`` more requests have been relayed, then call ``then``."""
        with self._lock:
            self._budget, self._then = requests, then

    def _count(self, data: bytes) -> None:
        with self._lock:
            if self._budget is None:
                return
            self._budget -= data.count(_REQUEST_LINE_END)
            if self._budget > 0:
                return
            self._budget, then = None, self._then
        self.stop()
        if then is not None:
            then()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    server.close()
                    return
                self._sockets.update((client, server))
            for source, target, upstream in ((client, server, True), (server, client, False)):
                threading.Thread(
                    target=self._pump, args=(source, target, upstream), daemon=True
                ).start()

    def _pump(self, source: socket.socket, target: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
                if upstream:
                    self._count(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

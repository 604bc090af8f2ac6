"""An HTTP front for moto_server that denies chosen KMS operations, as an IAM policy would.

moto enforces key policies for DescribeKey only; to see a process that is not this one (the
rotation worker) meet ``AccessDeniedException`` on ``ReEncrypt``, requests go through this
front instead: each is forwarded to moto unless its ``X-Amz-Target`` names a denied operation,
which is answered with KMS's JSON error.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


class DenyProxy:
    def __init__(self, upstream: str, denied: set[str]) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.denied = denied  # e.g. {"ReEncrypt"}
        self.denials = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                operation = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
                if operation in proxy.denied:
                    proxy.denials += 1
                    action = "kms:ReEncryptFrom" if operation == "ReEncrypt" else f"kms:{operation}"
                    self._answer(
                        400,
                        json.dumps(
                            {
                                "__type": "AccessDeniedException",
                                "message": f"User: arn:aws:iam::123456789012:user/test is not "
                                f"authorized to perform: {action}",
                            }
                        ).encode(),
                        {"Content-Type": "application/x-amz-json-1.1"},
                    )
                    return
                connection = http.client.HTTPConnection(
                    proxy.upstream.hostname, proxy.upstream.port, timeout=30
                )
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                    connection.request("POST", self.path, body=body, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                    self._answer(
                        response.status,
                        data,
                        {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP},
                    )
                finally:
                    connection.close()

            def _answer(self, status: int, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> DenyProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

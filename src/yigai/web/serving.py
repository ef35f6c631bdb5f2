"""``yigai serve`` in production: gunicorn with bounded reads (issue 13, finding 1).

Gunicorn's sync worker reads a request with a blocking socket and no timeout: a client that sends its
headers or body a byte every few seconds holds the worker until the arbiter kills it. Here every read from
a client waits at most ``YIGAI_READ_TIMEOUT`` seconds (default 10) for the next bytes, the whole request
(headers and body) must arrive within ``YIGAI_BODY_TIMEOUT`` seconds of the connection (default 20; the
body is read before Django sees it: :func:`yigai.web.limits.buffered_body`), and a body over
``YIGAI_MAX_REQUEST_MB`` is refused from its Content-Length. A worker is still busy while a slow client
trickles within those bounds — production runs behind the buffering nginx of deploy/nginx/yigai.conf.
"""

from __future__ import annotations

import os
import time
from typing import Any

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.sync import SyncWorker


def read_timeout() -> float:
    return float(os.environ.get("YIGAI_READ_TIMEOUT", "10"))


def request_timeout() -> float:
    return float(os.environ.get("YIGAI_BODY_TIMEOUT", "20"))


class _TimedSocket:
    """A client socket whose reads wait at most ``read_timeout()`` each and end, all together, within
    ``request_timeout()`` of the connection; past either, the client counts as gone (gunicorn closes
    it quietly, and :func:`yigai.web.limits.buffered_body` answers 408 if the body was being read)."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._deadline = time.monotonic() + request_timeout()

    def recv(self, *args: Any) -> bytes:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise NoMoreData(b"")
        self._sock.settimeout(min(read_timeout(), remaining))
        try:
            return bytes(self._sock.recv(*args))
        except TimeoutError as exc:
            raise NoMoreData(b"") from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class TimeoutSyncWorker(SyncWorker):  # type: ignore[misc]  # gunicorn is untyped
    """The sync worker, with a timeout on every read from the client (headers included)."""

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        super().handle(listener, _TimedSocket(client), addr)


def gunicorn_options(host: str, port: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": int(os.environ.get("YIGAI_WORKERS", "3")),
        "worker_class": "yigai.web.serving.TimeoutSyncWorker",
        "timeout": int(os.environ.get("YIGAI_WORKER_TIMEOUT", "60")),
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "accesslog": "-",
    }

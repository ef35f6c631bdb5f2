"""Request bodies are bounded before they are read (issue 13, findings 1 and 5).

- :class:`RequestSizeMiddleware`, first in the chain: a declared ``Content-Length`` over
  ``settings.MAX_REQUEST_BYTES`` is answered 413 at once, with a Chinese message (JSON under ``/api/``),
  without reading a byte of the body — a 1 GiB multipart POST to the reports API no longer lands in
  memory or on disk.
- :class:`CappedUploadHandler`, first of the upload handlers: a file part stops streaming as soon as it
  passes the largest per-file limit (policy documents, evidence), whatever the request declared.
- :func:`buffered_body` (WSGI, used by ``yigai serve``'s gunicorn): reads the whole body, within the size
  cap and a deadline (``YIGAI_BODY_TIMEOUT``, default 20 s), before Django sees the request; a client
  that sends its body too slowly gets 408 instead of holding a worker while Django waits for it.

The real answer to slow clients is the buffering nginx of deploy/nginx/yigai.conf (docs/guide/deploy.md):
it holds slow connections without tying up a worker and hands gunicorn only complete requests.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse

TOO_LARGE = "请求体过大（{size:.1f} MB），上限为 {limit:.0f} MB"
TOO_SLOW = "请求体发送过慢（{seconds:.0f} 秒内未发送完毕），已断开；请检查网络后重试"
_CHUNK = 64 * 1024


def _declared_length(environ: dict[str, Any]) -> int:
    try:
        return max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _refusal(status: int, message: str, *, api: bool) -> tuple[str, bytes]:
    if api:
        return "application/json", json.dumps({"detail": message}, ensure_ascii=False).encode()
    page = (
        f"<!doctype html><html lang='zh-hans'><meta charset='utf-8'><title>{status}</title><p>{message}</p>"
    )
    return "text/html; charset=utf-8", page.encode()


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        size, limit = _declared_length(request.META), settings.MAX_REQUEST_BYTES
        if size > limit:
            message = TOO_LARGE.format(size=size / 1048576, limit=limit / 1048576)
            content_type, body = _refusal(413, message, api=request.path.startswith("/api/"))
            response = HttpResponse(body, status=413, content_type=content_type)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


def upload_file_limit() -> int:
    return max(settings.MAX_UPLOAD_BYTES, getattr(settings, "LEDGER_EVIDENCE_MAX_BYTES", 0))


class CappedUploadHandler(FileUploadHandler):
    """Counts each file part as it streams in and stops it past the per-file limit; the next handlers
    (memory, then temporary file) store what it passes on."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        limit = upload_file_limit()
        if self.received > limit:
            raise RequestDataTooBig(f"{self.file_name}：文件超过 {limit / 1048576:.0f} MB 的上限")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


Start = Callable[..., Any]
App = Callable[[dict[str, Any], Start], Iterable[bytes]]


class _Slow(Exception):
    pass


def _read_within(stream: Any, length: int, deadline: float) -> Any:
    """The body (a spooled temporary file, rewound) or :class:`_Slow` past the deadline. Under gunicorn
    each read is bounded by the socket (:mod:`yigai.web.serving`); here between reads."""
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115  # handed on as wsgi.input
    left = length
    try:
        while left > 0:
            if time.monotonic() > deadline:
                raise _Slow
            try:
                chunk = stream.read(min(_CHUNK, left))
            except OSError as exc:  # timed out (TimeoutError, gunicorn's NoMoreData) or gone
                raise _Slow from exc
            if not chunk:
                break
            spool.write(chunk)
            left -= len(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def buffered_body(app: App, *, timeout: float | None = None) -> App:
    """Wrap a WSGI app so that it only ever sees a complete body, read within the cap and ``timeout``."""
    seconds = timeout if timeout is not None else float(os.environ.get("YIGAI_BODY_TIMEOUT", "20"))

    def wrapped(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        length = _declared_length(environ)
        api = str(environ.get("PATH_INFO", "")).startswith("/api/")
        if length > settings.MAX_REQUEST_BYTES:
            message = TOO_LARGE.format(size=length / 1048576, limit=settings.MAX_REQUEST_BYTES / 1048576)
            return _answer(start_response, "413 Request Entity Too Large", message, api=api)
        if length:
            try:
                environ["wsgi.input"] = _read_within(
                    environ["wsgi.input"], length, time.monotonic() + seconds
                )
            except _Slow:
                return _answer(
                    start_response, "408 Request Timeout", TOO_SLOW.format(seconds=seconds), api=api
                )
        return app(environ, start_response)

    return wrapped


def _answer(start_response: Start, status: str, message: str, *, api: bool) -> list[bytes]:
    content_type, body = _refusal(int(status[:3]), message, api=api)
    start_response(
        status,
        [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Connection", "close")],
    )
    return [body]

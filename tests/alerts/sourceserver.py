"""A loopback HTTP server standing in for a national alert source (data.go.kr, a CAP feed).

Serves documents by path with a strong ETag and Last-Modified, answers conditional GETs with
304, and can be told to fail (an HTTP status) or to hang past the client's timeout. It records
every request's path, query and headers."""

from __future__ import annotations

import hashlib
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

DATA = Path(__file__).with_name("data") / "ingest"


class SourceServer:
    def __init__(self):
        self.documents: dict[str, tuple[bytes, str]] = {}
        self.fail: dict[str, int] = {}        # path -> status to answer instead
        self.hang: dict[str, float] = {}      # path -> seconds to wait before answering
        self.requests: list[dict] = []
        self.modified = formatdate(time.time() - 3600, usegmt=True)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.hang.clear()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.origin + path

    def put(self, path: str, body: bytes | str, content_type: str = "application/json") -> str:
        self.documents[path] = (body.encode() if isinstance(body, str) else body, content_type)
        self.modified = formatdate(time.time(), usegmt=True)
        return self.url(path)

    def put_file(self, path: str, name: str, content_type: str = "application/json") -> str:
        return self.put(path, (DATA / name).read_bytes(), content_type)

    def _send(self, handler, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if body:
            handler.wfile.write(body)

    def handle(self, handler) -> None:
        parts = urlsplit(handler.path)
        self.requests.append({"path": parts.path, "query": parts.query, "headers": dict(handler.headers)})
        if parts.path in self.hang:
            time.sleep(self.hang[parts.path])
        if parts.path in self.fail:
            return self._send(handler, self.fail[parts.path], b"upstream trouble")
        if parts.path not in self.documents:
            return self._send(handler, 404, b"not found")
        body, content_type = self.documents[parts.path]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        validators = {"ETag": etag, "Last-Modified": self.modified}
        if handler.headers.get("If-None-Match") == etag:
            return self._send(handler, 304, b"", validators)
        self._send(handler, 200, body, {"Content-Type": content_type, **validators})

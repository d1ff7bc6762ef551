"""A loopback server that answers each push POST with a scripted byte stream: valid answers,
garbage, oversized heads, odd chunk sizes, a connection closed half-way, bytes dripped slowly.

The script of a request is chosen by the last path segment (``/m/<key>``); unknown paths get a
plain 201. A script is a list of (bytes, pause before them) and whether to close afterwards."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Reply:
    parts: list[tuple[bytes, float]]
    close: bool = False

    @classmethod
    def created(cls) -> Reply:
        return cls([(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0.0)])


@dataclass
class RawPushServer:
    replies: dict[str, Reply] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        server = self
        self.lock = threading.Lock()

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                server.serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def serve(self, sock: socket.socket) -> None:
        sock.settimeout(5)
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = sock.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                while len(buffer) < length:
                    data = sock.recv(65536)
                    if not data:
                        return
                    buffer += data
                buffer = buffer[length:]
                target = lines[0].split(b" ")[1].decode("latin-1") if b" " in lines[0] else ""
                key = target.rsplit("/", 1)[-1].split("?", 1)[0]
                with self.lock:
                    self.requests[key] = self.requests.get(key, 0) + 1
                reply = self.replies.get(key) or Reply.created()
                for data, pause in reply.parts:
                    if pause:
                        time.sleep(pause)
                    sock.sendall(data)
                if reply.close:
                    return
        except OSError:
            return
        finally:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

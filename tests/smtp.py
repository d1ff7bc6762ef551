"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for mail tests."""

from __future__ import annotations

import email
import re
import socket
import threading
import time
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"']+")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """What the server accepted: ``(envelope recipients, parsed message)`` in arrival order."""

    def __init__(self):
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse_next = 0  # answer 451 (temporary failure) to this many messages
        self._lock = threading.Lock()
        self.port = _free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            if self.refuse_next:
                self.refuse_next -= 1
                return "451 4.3.0 try again later"
            message = email.message_from_bytes(envelope.original_content or envelope.content,
                                               policy=default_policy)
            self.received.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def start(self):
        self.controller.start()

    def reset(self) -> None:
        """Empty, for the next test (one server serves a whole run)."""
        with self._lock:
            self.received.clear()
            self.refuse_next = 0

    def stop(self):
        self.controller.stop()

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        with self._lock:
            return [m for rcpts, m in self.received if to is None or to.lower() in [r.lower() for r in rcpts]]

    def wait_for(self, to: str | None = None, count: int = 1, timeout: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages(to)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mail(s) to {to}, got {len(self.messages(to))}")


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "no text/plain part"
    return part.get_content()


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "no text/html part"
    return part.get_content()


def links(message: EmailMessage) -> list[str]:
    return LINK.findall(text_of(message))


def link_with(message: EmailMessage, fragment: str) -> str:
    found = [link for link in links(message) if fragment in link]
    assert found, f"no link with {fragment!r} in {links(message)}"
    return found[0]


def path_of(url: str) -> str:
    """The path of an absolute link, to follow it with the test client."""
    return re.sub(r"^https?://[^/]+", "", url)

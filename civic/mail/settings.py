"""E-mail settings (the registry is civic/settings.py)."""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from civic.settings import Setting, positive

MAIL_SCHEMES = ("smtp", "smtps", "console", "file")


def mail_url(value: Any) -> str | None:
    parts = urlsplit(str(value))
    if parts.scheme not in MAIL_SCHEMES:
        return "must start with smtp://, smtps://, console:// or file://"
    if parts.scheme in ("smtp", "smtps") and not parts.hostname:
        return "needs a host, e.g. smtp://user:password@relay.example.org:587"
    if parts.scheme == "file" and not (parts.netloc + parts.path).strip("/"):
        return "needs a directory, e.g. file:///var/spool/civic-mail"
    return None


def mail_address(value: Any) -> str | None:
    """``Name <box@example.org>`` or a bare address, on one line."""
    text = str(value or "")
    if not text:
        return None
    if "\r" in text or "\n" in text:
        return "must be on one line"
    name, addr = parseaddr(text)
    if "@" not in addr:
        return "must be an e-mail address, e.g. 서울시 <no-reply@example.org>"
    try:
        Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError):
        return "must be an e-mail address, e.g. 서울시 <no-reply@example.org>"
    return None


def public_url(value: Any) -> str | None:
    parts = urlsplit(str(value))
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return "must be the site's origin, e.g. https://civic.example.org"
    return None


SETTINGS = [
    Setting("MAIL_URL", str, "console://", "Where mail goes: `smtp://user:password@host:587` (STARTTLS when the "
            "server offers it; add `?starttls=required` to insist), `smtps://user:password@host:465` (TLS from "
            "the start), `console://` (printed to the log with its links; for `make run`) or `file:///dir` "
            "(one `.eml` file per message). User and password are URL-encoded.", check=mail_url, secret=True,
            shown_default="`console://`"),
    Setting("MAIL_FROM", str, "civic <no-reply@localhost>", "Sender of every mail (`Name <address>`).",
            check=mail_address),
    Setting("MAIL_REPLY_TO", str, "", "Reply-To of every mail (a mailbox people may write to); empty = none.",
            check=mail_address),
    Setting("PUBLIC_URL", str, "http://127.0.0.1:5000", "The site's public origin: links in mail are built on "
            "it (mail is sent by a worker with no request to take the host from).", check=public_url),
    Setting("MAIL_MAX_ATTEMPTS", int, 5, "Sending attempts of one mail before it is marked failed (waits of "
            "1, 5, 30 and 120 minutes between; failed mail is counted on `/healthz`).", check=positive),
    Setting("MAIL_QUEUE", str, "default", "RQ queue that sends mail."),
    Setting("MAIL_TIMEOUT_S", int, 20, "Network timeout of one SMTP conversation, in seconds.", check=positive),
]

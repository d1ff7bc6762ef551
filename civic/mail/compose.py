"""What a mail says and how it is put together: a plain-text and an HTML part from one content,
in the recipient's language, with safe headers.

Every header value that comes from people (names, petition titles in subjects) is put on one
line (CR, LF and other control characters become spaces) and encoded by the standard library's
``email`` package; addresses are the normalised ones (``civic.accounts.service.normalize_email``)
with the domain in IDNA (ASCII) form. No images, no tracking pixels, no remote resources: the
HTML part is text with links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template

CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(value: str, limit: int = 250) -> str:
    """A header-safe text: control characters (CR/LF above all) become one space."""
    text = CONTROL.sub(" ", str(value or "")).strip()
    return text[:limit]


@dataclass
class Content:
    """The parts of a mail, already in the recipient's language."""

    subject: str
    paragraphs: list[str] = field(default_factory=list)
    action: tuple[str, str] | None = None          # (label, absolute URL)
    quote: str = ""                                # e.g. the answer to a petition
    quote_heading: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)   # e.g. attachments
    items: list[tuple[str, str, str]] = field(default_factory=list)  # digest: (title, body, URL)
    footer: str = ""


def absolute(path: str) -> str:
    """An absolute link on ``PUBLIC_URL``."""
    if path.startswith(("http://", "https://")):
        return path
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/" + path.lstrip("/")


def render(content: Content, unsubscribe_url: str | None) -> tuple[str, str]:
    """(text, html) of a content; call it inside the recipient's locale."""
    from flask_babel import gettext

    context = {"content": content, "unsubscribe_url": unsubscribe_url,
               "site_url": absolute("/"), "city": gettext(current_app.config["CITY_NAME"])}
    return render_template("mail/message.txt", **context), render_template("mail/message.html", **context)


def ascii_address(address: str) -> str:
    """The address with its domain in IDNA form (what SMTP servers expect)."""
    try:
        return validate_email(address, check_deliverability=False).ascii_email or address
    except EmailNotValidError:
        return address


def sender() -> Address:
    name, addr = parseaddr(current_app.config["MAIL_FROM"])
    local, _, domain = ascii_address(addr).rpartition("@")
    return Address(display_name=one_line(name, 100), username=local, domain=domain)


def new_message_id() -> str:
    domain = sender().domain or "localhost"
    return make_msgid(domain=domain)


def build(*, recipient: str, display_name: str, subject: str, text: str, html: str, message_id: str,
          date: datetime, unsubscribe_url: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender()
    local, _, domain = ascii_address(recipient).rpartition("@")
    message["To"] = Address(display_name=one_line(display_name, 100), username=local, domain=domain)
    reply_to = current_app.config["MAIL_REPLY_TO"]
    if reply_to:
        name, addr = parseaddr(reply_to)
        r_local, _, r_domain = ascii_address(addr).rpartition("@")
        message["Reply-To"] = Address(display_name=one_line(name, 100), username=r_local, domain=r_domain)
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        # RFC 8058: a POST to this URL with "List-Unsubscribe=One-Click" unsubscribes at once.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message

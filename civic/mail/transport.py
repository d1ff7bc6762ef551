"""Hand a finished message to ``MAIL_URL``: an SMTP relay, the log, or a folder of ``.eml`` files.

- ``smtp://user:password@host:587``: plain SMTP, upgraded with STARTTLS when the server offers
  it (``?starttls=required`` refuses to send without it), then AUTH when credentials are given.
- ``smtps://user:password@host:465``: TLS from the first byte.
- ``console://``: the whole message is printed to standard error (``make run``: confirmation and
  reset links appear in the terminal), never to the log.
- ``file:///dir``: one ``<time>-<id>.eml`` file per message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

log = logging.getLogger("civic.mail")


class TransportError(Exception):
    """Sending failed; ``permanent`` when retrying cannot help (5xx for every recipient)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def send(message: EmailMessage) -> None:
    url = current_app.config["MAIL_URL"]
    parts = urlsplit(url)
    if parts.scheme == "console":
        _to_console(message)
    elif parts.scheme == "file":
        _to_file(message, Path(unquote(parts.netloc + parts.path)))
    else:
        _to_smtp(message, parts)


def _to_console(message: EmailMessage) -> None:
    """Printed to the terminal (standard error), never into the log: a mail holds personal data
    and live links, and logs are kept and shipped."""
    text = message.get_body(preferencelist=("plain",))
    body = text.get_content() if text is not None else ""
    print(f"----- mail (MAIL_URL=console://, not sent) -----\nFrom: {message['From']}\nTo: {message['To']}\n"
          f"Subject: {message['Subject']}\nMessage-ID: {message['Message-ID']}\n\n{body}"
          "----- end of mail -----", file=sys.stderr, flush=True)


def _to_file(message: EmailMessage, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    name = str(message["Message-ID"] or "message").strip("<>").split("@")[0]
    path = directory / f"{name}.eml"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(message.as_bytes())
    tmp.replace(path)


def _to_smtp(message: EmailMessage, parts) -> None:
    host = parts.hostname or "localhost"
    timeout = current_app.config["MAIL_TIMEOUT_S"]
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    context = ssl.create_default_context()
    try:
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
        with client:
            client.ehlo()
            if parts.scheme == "smtp":
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
                elif options.get("starttls") == "required":
                    raise TransportError("the SMTP server does not offer STARTTLS", permanent=False)
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise TransportError(f"recipient refused ({', '.join(map(str, codes))})",
                             permanent=all(500 <= c < 600 for c in codes)) from None
    except smtplib.SMTPResponseException as exc:
        raise TransportError(f"SMTP {exc.smtp_code}", permanent=500 <= exc.smtp_code < 600) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(type(exc).__name__) from None

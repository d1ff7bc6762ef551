"""The app's Web Push sender, and a push to a few subscriptions at once, now.

``make_sender()`` is the one sender every caller uses (the alert fan-out, personal pushes, the
test notification): the app's VAPID signer and the ``PUSH_*`` settings. ``send_direct`` sends a
handful of messages now, without delivery rows (the test notification of an alert subscription);
the caller decides what a ``gone`` result means for its own rows.
"""

from __future__ import annotations

from flask import current_app

from civic.webpush.keys import signer
from civic.webpush.sender import PushMessage, PushResult, PushSender, SenderSettings


def make_sender() -> PushSender:
    return PushSender(signer(), SenderSettings.from_config(current_app.config))


def send_direct(messages: list[PushMessage]) -> list[PushResult]:
    """Send a few messages now; one result per message."""
    results: list[PushResult] = []
    make_sender().send_all(messages, results.extend)
    return results

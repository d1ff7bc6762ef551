"""Web Push infrastructure shared by disaster alerts and personal notifications.

``crypto`` encrypts messages (pywebpush) and signs VAPID tokens (py-vapid), ``keys`` holds the
app's VAPID key pair, ``http1`` is the keep-alive HTTP/1.1 client, ``sender`` the concurrent,
failure-isolating sender, ``direct`` the app's sender and a push sent now, ``subscription`` the
checks of a browser's subscription (endpoint on ``PUSH_SERVICE_ALLOWLIST``, keys) and ``schemas``
the keys' API input. Nothing here knows about alerts or accounts: ``civic.alerts`` and
``civic.notifications`` depend on it, never the other way round (``tests/test_structure.py``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.webpush import keys

    keys.configure_keys(app)

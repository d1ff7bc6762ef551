"""The VAPID key pair: from the environment, or generated once into the instance folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, current_app

from civic.webpush.crypto import VapidSigner, generate_private_key_b64, public_key_b64, vapid_from_text

KEY_FILE = "vapid_private_key"


def _read_key(path: Path) -> str:
    # Another process may have created the file an instant ago and not written it yet.
    for _ in range(50):
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty; delete it or set VAPID_PRIVATE_KEY")


def _instance_key(instance_path: Path) -> str:
    path = instance_path / KEY_FILE
    if path.exists():
        return _read_key(path)
    instance_path.mkdir(parents=True, exist_ok=True)
    value = generate_private_key_b64()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process generated it first
        return _read_key(path)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def configure_keys(app: Flask) -> None:
    """Fill ``VAPID_PRIVATE_KEY``/``VAPID_PUBLIC_KEY``; the public key always matches the private."""
    private = app.config["VAPID_PRIVATE_KEY"] or _instance_key(Path(app.instance_path))
    try:
        vapid = vapid_from_text(private)
    except ValueError as exc:
        raise RuntimeError(f"VAPID_PRIVATE_KEY: {exc}") from exc
    public = public_key_b64(vapid)
    configured_public = app.config["VAPID_PUBLIC_KEY"]
    if configured_public and configured_public.strip() != public:
        raise RuntimeError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY")
    app.config["VAPID_PRIVATE_KEY"] = private
    app.config["VAPID_PUBLIC_KEY"] = public
    signer = VapidSigner(vapid, app.config["VAPID_SUBJECT"])
    try:
        signer.check()
    except ValueError as exc:
        raise RuntimeError(f"VAPID_SUBJECT must be a mailto: or https: URI ({exc})") from exc
    app.extensions["civic_vapid_signer"] = signer


def signer() -> VapidSigner:
    return current_app.extensions["civic_vapid_signer"]

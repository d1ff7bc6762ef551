"""Per-account rate limits on votes, supports, comments and submissions (Flask-Limiter, in Redis
when ``REDIS_URL`` is set). Signed-in requests are counted per account, others per address."""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address

from civic.accounts.auth import current_user
from civic.extensions import limiter


def account_or_address() -> str:
    user = current_user()
    return f"account:{user.id}" if user is not None else get_remote_address()


def limited(setting: str):
    """Decorator: the limit named by config ``setting`` (e.g. ``10/minute``) on writes, one
    counter per account shared by every route using the same setting (page and API alike)."""
    return limiter.shared_limit(lambda: current_app.config[setting], scope=setting, key_func=account_or_address,
                                methods=["POST", "PUT", "PATCH", "DELETE"])

"""One-click unsubscribe (RFC 8058): GET shows a button, POST applies it (mail clients POST
``List-Unsubscribe=One-Click`` with no cookies and no CSRF token)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from civic.mail import unsubscribe as rules

bp = Blueprint("mail", __name__)


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    if request.method == "POST":
        user, scope = rules.apply(token)
        return render_template("mail/unsubscribed.html", scope=scope, done=True)
    user, scope = rules.read(token)
    return render_template("mail/unsubscribed.html", scope=scope, done=False, token=token)

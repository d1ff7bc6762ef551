"""E-mail: account links, petition notices, report and proposal updates and digests.

Everything goes through the outbox (``outbox.py``): a handler subscribed to a domain event
renders the mail in the recipient's language and stores it, a job sends it through
``MAIL_URL`` (``transport.py``). Nothing is sent inside a web request's transaction, and the same
event never mails the same person twice.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.extensions import csrf
    from civic.mail import (
        account_mail,
        cli,
        models,  # noqa: F401  (registers the tables)
        outbox,
        petition_mail,
        update_mail,
        views,
    )

    app.register_blueprint(views.bp)
    csrf.exempt(views.unsubscribe)
    app.cli.add_command(cli.mail_cli)
    account_mail.subscribe(app)
    petition_mail.subscribe(app)
    update_mail.subscribe(app)
    app.extensions.setdefault("civic_health", {})["mail"] = outbox.health

    from civic.accounts.service import register_deletion_hook

    register_deletion_hook(app, forget_user)


def forget_user(user) -> None:
    """Account deletion hook: the account's digest items and outbox rows go."""
    from sqlalchemy import delete

    from civic.extensions import db
    from civic.mail.models import DigestItem, OutboxMessage

    db.session.execute(delete(DigestItem).where(DigestItem.user_id == user.id))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user.id))

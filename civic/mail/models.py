"""The outbox (one row per mail to one recipient) and the items waiting for a digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from civic.db import IdMixin, TimestampMixin
from civic.extensions import Model

STATES = ("pending", "sending", "sent", "failed")


class OutboxMessage(IdMixin, TimestampMixin, Model):
    """A rendered mail for one recipient. ``(key, recipient)`` is unique: the key names the
    event the mail is about, so a retried job or a handler run twice never sends it twice."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        UniqueConstraint("key", "recipient", name="uq_mail_outbox_key_recipient"),
        Index("ix_mail_outbox_state_not_before", "state", "not_before"),
    )

    key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # Essential mail (confirmation, reset, security notices) has no unsubscribe header.
    essential: Mapped[bool] = mapped_column(default=True)
    unsubscribe_scope: Mapped[str | None] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    # Quiet hours and retry backoff: not sent before this time.
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class DigestItem(IdMixin, TimestampMixin, Model):
    """An update waiting for the account's daily or weekly digest."""

    __tablename__ = "mail_digest_items"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_mail_digest_items_user_key"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    digest_key: Mapped[str | None] = mapped_column(String(200), index=True)

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from civic.db import IdMixin, TimestampMixin
from civic.extensions import Model


class Notification(IdMixin, TimestampMixin, Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    read_at: Mapped[datetime | None]


DELIVERY_STATES = ("pending", "sending", "sent", "failed", "gone")


class Device(IdMixin, TimestampMixin, Model):
    """A browser's push subscription linked to an account, for that account's personal updates.

    Separate from the anonymous alert subscriptions: linking is opt-in per device, and unlinking
    never touches the district alerts the same browser may receive."""

    __tablename__ = "account_devices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(100), default="")
    last_sent_at: Mapped[datetime | None]


class PersonalDelivery(IdMixin, Model):
    """One notification for one device. The unique pair makes delivery idempotent: a retried
    job finds the row already ``sent`` and never sends it again."""

    __tablename__ = "personal_deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "device_id", name="uq_personal_deliveries_notification_device"),
        Index("ix_personal_deliveries_state_not_before", "state", "not_before"),
    )

    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("account_devices.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    # Quiet hours: not sent before this time.
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    status_code: Mapped[int | None]
    error: Mapped[str] = mapped_column(String(200), default="")
    claim: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]


PETITION_CHANNELS = ("both", "email", "push")
UPDATE_MODES = ("immediate", "daily", "weekly", "off")


class DeliveryPreference(Model):
    """How an account wants its personal updates. Petition results always reach the account
    (in the app, and by e-mail, push or both); report and proposal updates by e-mail come as they
    happen, in a daily or weekly digest, or not at all. No row: the defaults."""

    __tablename__ = "delivery_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    petition_channel: Mapped[str] = mapped_column(String(10), default="both")
    update_mail: Mapped[str] = mapped_column(String(10), default="immediate")
    updated_at: Mapped[datetime]

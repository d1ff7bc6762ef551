"""Push subscriptions, alerts and the per-subscription delivery record of each alert."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.db import IdMixin, TimestampMixin, utcnow
from civic.extensions import Model

ALERT_TYPES = ("heavy_rain", "typhoon", "heavy_snow", "fire", "traffic_accident", "earthquake",
               "heat_wave", "fine_dust", "cold_wave", "wildfire", "air_raid", "missing_person",
               "infectious_disease", "power_outage", "other")
LEVELS = ("emergency", "urgent", "safety")
MSG_TYPES = ("Alert", "Update", "Cancel")
ALERT_STATUSES = ("draft", "sending", "sent")
DELIVERY_STATES = ("pending", "sending", "sent", "failed", "gone")


class PushSubscription(IdMixin, TimestampMixin, Model):
    """A browser's push endpoint and what its owner wants to hear about. No account needed."""

    __tablename__ = "push_subscriptions"

    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    # Alert types as a space-separated list; empty means every type.
    types: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(5), default="ko")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    districts: Mapped[list[SubscriptionDistrict]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin")

    @property
    def type_list(self) -> list[str]:
        return self.types.split() if self.types else []

    @property
    def chosen_districts(self) -> list[str]:
        return sorted(d.code for d in self.districts if not d.via_location)

    @property
    def location_district(self) -> str | None:
        return next((d.code for d in self.districts if d.via_location), None)

    def wants(self, alert_type: str) -> bool:
        return not self.types or alert_type in self.type_list


class SubscriptionDistrict(Model):
    """One row per district a subscription listens to (chosen, or where its location lies), so
    the audience of an alert is one indexed query even with millions of subscriptions."""

    __tablename__ = "push_subscription_districts"
    __table_args__ = (Index("ix_push_subscription_districts_code", "code", "subscription_id"),)

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    via_location: Mapped[bool] = mapped_column(default=False)


class Alert(IdMixin, TimestampMixin, Model):
    __tablename__ = "alerts"
    # A relayed message is created once per (source, serial): polling the same data twice
    # creates nothing (NULLs, the city's own alerts, never collide).
    __table_args__ = (UniqueConstraint("source", "source_ref", name="uq_alerts_source_ref"),)

    identifier: Mapped[str] = mapped_column(String(80), unique=True)
    msg_type: Mapped[str] = mapped_column(String(10), default="Alert")
    references_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(20))
    headline_ko: Mapped[str] = mapped_column(String(160))
    body_ko: Mapped[str] = mapped_column(Text)
    instruction_ko: Mapped[str] = mapped_column(Text, default="")
    headline_en: Mapped[str] = mapped_column(String(160), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    instruction_en: Mapped[str] = mapped_column(Text, default="")
    districts: Mapped[list] = mapped_column(JSON, default=list)
    # A GeoJSON Polygon geometry, and/or a circle (centre + radius).
    polygon: Mapped[dict | None] = mapped_column(JSON)
    circle_lat: Mapped[float | None]
    circle_lon: Mapped[float | None]
    circle_radius_m: Mapped[float | None]
    onset: Mapped[datetime]
    expires: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    # When the fan-out's delivery rows were all written: the alert is ``sent`` only after it.
    planned_at: Mapped[datetime | None]
    audience: Mapped[int] = mapped_column(default=0)

    # Where a relayed alert came from (``civic.alerts.ingest``): "safetydata", "disastermsg" or
    # "cap:<sender>"; the serial or CAP identifier; the issuer's name and time of issue.
    source: Mapped[str | None] = mapped_column(String(200))
    source_ref: Mapped[str | None] = mapped_column(String(200))
    source_name: Mapped[str] = mapped_column(String(120), default="")
    source_sent_at: Mapped[datetime | None]

    references: Mapped[Alert | None] = relationship(remote_side="Alert.id")

    def text(self, field: str, lang: str) -> str:
        """The English text when asked for and present, else the Korean one."""
        if lang == "en" and getattr(self, f"{field}_en"):
            return getattr(self, f"{field}_en")
        return getattr(self, f"{field}_ko")

    @property
    def root(self) -> Alert:
        alert = self
        while alert.references is not None:
            alert = alert.references
        return alert

    @property
    def topic(self) -> str:
        """Web Push ``Topic``: updates and cancellations replace the original on the device."""
        return f"civic-alert-{self.root.id}"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.status != "draft" and self.expires > now


class Delivery(IdMixin, Model):
    """What happened to one alert for one subscription. The unique pair makes a re-run of a
    batch idempotent: a row already ``sent`` is never sent again."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "subscription_id", name="uq_alert_deliveries_alert_subscription"),
        Index("ix_alert_deliveries_alert_state", "alert_id", "state"),
    )

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    status_code: Mapped[int | None]
    error: Mapped[str] = mapped_column(String(200), default="")
    # The batch run that holds this row while it is ``sending`` (a lease until updated_at + lease).
    claim: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class IngestSource(IdMixin, Model):
    """One polled source of relayed alerts: its conditional-GET validators and its failures
    (a failing source is retried with a growing delay)."""

    __tablename__ = "alert_ingest_sources"

    url: Mapped[str] = mapped_column(String(1024), unique=True)
    format: Mapped[str] = mapped_column(String(20))
    etag: Mapped[str] = mapped_column(String(200), default="")
    last_modified: Mapped[str] = mapped_column(String(64), default="")
    polled_at: Mapped[datetime | None]
    succeeded_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)
    retry_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(300), default="")

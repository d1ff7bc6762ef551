"""Reports (service requests), their photos, updates and followers; routing rules; themed maps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import ApiClient, Department, User
from civic.db import IdMixin, TimestampMixin, utcnow
from civic.extensions import Model
from civic.idempotency import ClientTokenMixin

STATUSES = ("open", "acknowledged", "in_progress", "closed")
CLOSE_REASONS = ("fixed", "duplicate", "not_responsible", "no_action")
CONTRIBUTION_MODES = ("open", "invite")
POINT_STATES = ("published", "pending", "hidden")


class Service(IdMixin, TimestampMixin, Model):
    """A report category; ``attributes`` are Open311 attribute definitions (extra questions)."""

    __tablename__ = "report_services"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_ko: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(60), default="")
    keywords: Mapped[str] = mapped_column(String(300), default="")
    expected_hours: Mapped[int | None]
    attributes: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    def name(self, locale: str = "ko") -> str:
        return self.name_en if locale == "en" else self.name_ko

    def description(self, locale: str = "ko") -> str:
        return self.description_en if locale == "en" else self.description_ko


class RoutingRule(IdMixin, TimestampMixin, Model):
    """Service + district -> department. Empty service or district means "any"."""

    __tablename__ = "report_routing_rules"
    __table_args__ = (UniqueConstraint("service_code", "district_code",
                                       name="uq_report_routing_rules_service_district"),)

    service_code: Mapped[str] = mapped_column(String(40), default="")
    district_code: Mapped[str] = mapped_column(String(5), default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))

    department: Mapped[Department] = relationship()


class Report(IdMixin, TimestampMixin, Model):
    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_service_status", "service_id", "status"),
        Index("ix_reports_lat_lon", "lat", "lon"),
        # Duplicate look-ups: one service, a narrow latitude band.
        Index("ix_reports_service_lat_lon", "service_id", "lat", "lon"),
        Index("ix_reports_department_status", "department_id", "status"),
        Index("ix_reports_created_at", "created_at"),
    )

    service_id: Mapped[int] = mapped_column(ForeignKey("report_services.id"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(300), default="")
    district_code: Mapped[str | None] = mapped_column(String(5))
    description: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="open")
    close_reason: Mapped[str | None] = mapped_column(String(20))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    api_client_id: Mapped[int | None] = mapped_column(ForeignKey("api_clients.id"))
    public_name: Mapped[str | None] = mapped_column(String(100))
    # Open311 contact fields (email, first_name, last_name, phone, device_id, account_id):
    # kept for the department, never shown publicly or returned by GET.
    contact: Mapped[dict] = mapped_column(JSON, default=dict)
    media_url: Mapped[str | None] = mapped_column(String(500))
    token: Mapped[str] = mapped_column(String(40), unique=True)
    # Idempotency key from the filing page (offline drafts): the same key returns the same report.
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    expected_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The staff member of the handling department who takes care of it (the desk's assignee).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    service: Mapped[Service] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    assignee: Mapped[User | None] = relationship(foreign_keys="Report.assignee_id")
    api_client: Mapped[ApiClient | None] = relationship()
    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportPhoto.position")
    updates: Mapped[list[ReportUpdate]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportUpdate.id")

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


class ReportPhoto(IdMixin, TimestampMixin, Model):
    __tablename__ = "report_photos"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    thumb_name: Mapped[str] = mapped_column(String(90), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)

    report: Mapped[Report] = relationship(back_populates="photos")


class ReportUpdate(IdMixin, TimestampMixin, ClientTokenMixin, Model):
    """A public timeline entry: text and/or a status change."""

    __tablename__ = "report_updates"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    close_reason: Mapped[str | None] = mapped_column(String(20))

    report: Mapped[Report] = relationship(back_populates="updates")


class ReportFollower(IdMixin, TimestampMixin, Model):
    __tablename__ = "report_followers"
    __table_args__ = (UniqueConstraint("report_id", "user_id", name="uq_report_followers_report_user"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()


class CommunityMap(IdMixin, TimestampMixin, Model):
    __tablename__ = "community_maps"

    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list] = mapped_column(JSON, default=list)
    contribution: Mapped[str] = mapped_column(String(10), default="open")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    owner: Mapped[User | None] = relationship()
    points: Mapped[list[MapPoint]] = relationship(
        back_populates="map", cascade="all, delete-orphan", order_by="MapPoint.id")


class MapContributor(IdMixin, TimestampMixin, Model):
    """Invited contributor of a map (needed for invite-only maps; trusted on open maps)."""

    __tablename__ = "map_contributors"
    __table_args__ = (UniqueConstraint("map_id", "user_id", name="uq_map_contributors_map_user"),)

    map_id: Mapped[int] = mapped_column(ForeignKey("community_maps.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()


class MapPoint(IdMixin, TimestampMixin, ClientTokenMixin, Model):
    __tablename__ = "map_points"

    map_id: Mapped[int] = mapped_column(ForeignKey("community_maps.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    photo_name: Mapped[str | None] = mapped_column(String(80))
    photo_thumb_name: Mapped[str | None] = mapped_column(String(90))
    state: Mapped[str] = mapped_column(String(12), default="published")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    map: Mapped[CommunityMap] = relationship(back_populates="points")

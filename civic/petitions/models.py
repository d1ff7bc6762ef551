"""Petition types, petitions, their attachments and timeline, and the receipt-number counter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import Department, User
from civic.db import IdMixin, TimestampMixin
from civic.extensions import Model
from civic.idempotency import ClientTokenMixin

STATUSES = ("received", "assigned", "in_progress", "answered", "closed", "withdrawn")
OPEN_STATUSES = ("received", "assigned", "in_progress")
CONTACT_PREFERENCES = ("in_app", "email", "phone")
# What a petition type may require beyond type, title and body.
REQUIRABLE_FIELDS = ("location", "point", "attachment", "contact_phone")


class PetitionType(IdMixin, TimestampMixin, Model):
    __tablename__ = "petition_types"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    # Route to the district office (GU-<code>) when the petition names a district.
    route_by_district: Mapped[bool] = mapped_column(default=False)
    # The legal period: ``deadline_days`` counts ``deadline_unit`` (civic/petitions/deadlines.py:
    # immediate, days, weeks, months or years; the amount is ignored for "immediate").
    deadline_days: Mapped[int] = mapped_column(default=7)
    deadline_unit: Mapped[str] = mapped_column(String(10), default="days", server_default="days")
    required_fields: Mapped[list] = mapped_column(JSON, default=list)
    answer_template: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    department: Mapped[Department] = relationship()

    def name(self, locale: str = "ko") -> str:
        return self.name_en if locale == "en" else self.name_ko

    @property
    def deadline(self) -> dict:
        """The legal period and how it is counted (the API publishes this)."""
        from civic.petitions import deadlines

        return {"amount": self.deadline_days, "unit": self.deadline_unit,
                "counting": deadlines.counting(self.deadline_days, self.deadline_unit),
                "working_hours": deadlines.period_hours(self.deadline_days, self.deadline_unit)}


class AnswerTemplate(IdMixin, TimestampMixin, Model):
    """A department's canned answer: staff pick one when answering. The text may hold the
    placeholders ``{receipt_no}`` and ``{name}`` (the petitioner's display name)."""

    __tablename__ = "petition_answer_templates"

    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)

    department: Mapped[Department] = relationship()


class ReceiptCounter(Model):
    """One row per year; incremented atomically to hand out receipt numbers."""

    __tablename__ = "petition_receipt_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Petition(IdMixin, TimestampMixin, Model):
    __tablename__ = "petitions"
    __table_args__ = (
        Index("ix_petitions_queue", "department_id", "status", "due_at"),
    )

    receipt_no: Mapped[str] = mapped_column(String(20), unique=True)
    # Idempotency key from the filing page (offline drafts): the same key returns the same petition.
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("petition_types.id"))
    petitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    district_code: Mapped[str | None] = mapped_column(String(5))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    contact_preference: Mapped[str] = mapped_column(String(20), default="in_app")
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="received")
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime]
    answer_body: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None]

    type: Mapped[PetitionType] = relationship()
    department: Mapped[Department] = relationship()
    petitioner: Mapped[User] = relationship(foreign_keys=[petitioner_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    attachments: Mapped[list[PetitionAttachment]] = relationship(
        back_populates="petition", order_by="PetitionAttachment.id")
    events: Mapped[list[PetitionEvent]] = relationship(
        back_populates="petition", order_by="PetitionEvent.id")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def petition_attachments(self) -> list[PetitionAttachment]:
        return [a for a in self.attachments if a.kind == "petition"]

    def answer_attachments(self) -> list[PetitionAttachment]:
        return [a for a in self.attachments if a.kind == "answer"]


class PetitionAttachment(IdMixin, TimestampMixin, Model):
    __tablename__ = "petition_attachments"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="petition")   # petition | answer
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    thumb_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]

    petition: Mapped[Petition] = relationship(back_populates="attachments")


class PetitionEvent(IdMixin, TimestampMixin, ClientTokenMixin, Model):
    """The petition's timeline. Public events are shown to the petitioner; notes are not."""

    __tablename__ = "petition_events"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    public: Mapped[bool] = mapped_column(default=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str | None] = mapped_column(String(20))
    from_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    to_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    body: Mapped[str] = mapped_column(Text, default="")

    petition: Mapped[Petition] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    from_department: Mapped[Department | None] = relationship(foreign_keys=[from_department_id])
    to_department: Mapped[Department | None] = relationship(foreign_keys=[to_department_id])


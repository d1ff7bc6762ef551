"""Append-only audit trail of staff and admin actions.

Features call ``record`` inside the same unit of work as the action, so the entry and the change
commit together or not at all. Entries are never updated or deleted by the application.
"""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from civic.db import IdMixin, TimestampMixin
from civic.extensions import Model, db


class AuditEntry(IdMixin, TimestampMixin, Model):
    __tablename__ = "audit_log"

    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(40))
    # The department of the subject (the petition's, the report's) at the time of the action.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    # Who acted, as they were then: their own role and department (an admin has none).
    actor_role: Mapped[str | None] = mapped_column(String(30))
    actor_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


def record(actor, action: str, subject_type: str, subject_id, *, department_id: int | None = None,
           **detail) -> AuditEntry:
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None), actor_role=getattr(actor, "role", None),
        actor_department_id=getattr(actor, "department_id", None), action=action, subject_type=subject_type,
        subject_id=str(subject_id), department_id=department_id, detail=detail,
    )
    db.session.add(entry)
    return entry


def entries_for(subject_type: str, subject_id) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_type == subject_type,
                                 AuditEntry.subject_id == str(subject_id))
        .order_by(AuditEntry.id)
    ))

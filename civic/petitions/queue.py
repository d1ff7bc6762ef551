"""The staff queue of petitions: who sees which petitions, filtered and ordered for the desk
(``staff_views``, the API and the statistics' "due soon" list use it), and per-status counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from civic.accounts.models import Department, User
from civic.accounts.service import require_role
from civic.api.pagination import Page, paginate
from civic.db import utcnow
from civic.errors import N_, Forbidden, ValidationFailed
from civic.extensions import db
from civic.petitions import deadlines
from civic.petitions.models import OPEN_STATUSES, STATUSES, Petition, PetitionType

SORTS = ("due", "-due", "received", "-received", "status", "-status", "district", "-district",
         "assignee", "-assignee")


def require_staff(user: User | None) -> User:
    return require_role(user, "staff")


@dataclass
class QueueFilter:
    status: str | None = None
    type: str | None = None
    district: str | None = None
    overdue: bool = False
    due_soon: bool = False
    assignee: str | None = None          # "me", "none" or a user id
    department: str | None = None        # admins only: a department code
    sort: str = "due"
    open_only: bool = field(default=False)


def department_scope(user: User, code: str | None) -> Department | None:
    """Admins choose any department (or all, None); everybody else sees their own."""
    if user.has_role("admin"):
        if not code:
            return None
        department = db.session.scalar(select(Department).where(Department.code == code))
        if department is None:
            raise ValidationFailed({"department": N_("Unknown department.")})
        return department
    if user.department_id is None:
        raise Forbidden(N_("Your account has no department."))
    return user.department


def _filtered(user: User, flt: QueueFilter, now: datetime):
    department = department_scope(user, flt.department)
    query = select(Petition)
    if department is not None:
        query = query.where(Petition.department_id == department.id)
    if flt.status:
        if flt.status not in STATUSES:
            raise ValidationFailed({"status": N_("One of %(names)s.", names=", ".join(STATUSES))})
        query = query.where(Petition.status == flt.status)
    elif flt.open_only:
        query = query.where(Petition.status.in_(OPEN_STATUSES))
    if flt.type:
        query = query.join(PetitionType, Petition.type_id == PetitionType.id).where(PetitionType.code == flt.type)
    if flt.district:
        query = query.where(Petition.district_code == flt.district)
    soon = deadlines.due_soon_limit(now)
    if flt.overdue:
        query = query.where(Petition.status.in_(OPEN_STATUSES), Petition.due_at < now)
    if flt.due_soon:
        query = query.where(Petition.status.in_(OPEN_STATUSES), Petition.due_at >= now, Petition.due_at < soon)
    if flt.assignee == "me":
        query = query.where(Petition.assignee_id == user.id)
    elif flt.assignee == "none":
        query = query.where(Petition.assignee_id.is_(None))
    elif flt.assignee:
        try:
            query = query.where(Petition.assignee_id == int(flt.assignee))
        except ValueError:
            raise ValidationFailed({"assignee": N_("Use me, none or a user id.")}) from None
    return query, department


def queue(user: User | None, flt: QueueFilter | None = None, page: int = 1, per_page: int = 20) -> Page:
    """The caller's department queue (admins: every department, or one chosen)."""
    return paginate(queue_query(user, flt), page, per_page)


def queue_export(user: User | None, flt: QueueFilter | None = None, limit: int = 5000) -> list[Petition]:
    """The whole current view of the queue (up to ``limit`` rows), for a CSV download."""
    return list(db.session.scalars(queue_query(user, flt).limit(limit)))


def queue_query(user: User | None, flt: QueueFilter | None = None):
    """The queue's filtered, ordered query."""
    user = require_staff(user)
    flt = flt or QueueFilter()
    query, _department = _filtered(user, flt, utcnow())
    if flt.sort not in SORTS:
        raise ValidationFailed({"sort": N_("One of %(names)s.", names=", ".join(SORTS))})
    if flt.sort.lstrip("-") == "assignee":
        query = query.outerjoin(User, Petition.assignee_id == User.id)
    order = _order(flt.sort)
    query = query.options(selectinload(Petition.type), selectinload(Petition.department),
                          selectinload(Petition.assignee))
    return query.order_by(*order)


def _order(sort: str) -> tuple:
    """ORDER BY for a queue sort: a column then the due date, ``-`` for descending; ties by id."""
    descending = sort.startswith("-")
    column = {
        "due": Petition.due_at, "received": Petition.id, "status": Petition.status,
        "district": Petition.district_code, "assignee": User.display_name,
    }[sort.lstrip("-")]
    first = column.desc() if descending else column.asc()
    if sort.lstrip("-") in ("district", "assignee"):
        first = first.nulls_last()
    tail = (Petition.due_at.asc(), Petition.id.asc()) if sort.lstrip("-") not in ("due", "received") else ()
    last = Petition.id.desc() if descending else Petition.id.asc()
    return (first, *tail, last)


def status_counts(user: User | None, department_code: str | None = None) -> dict[str, int]:
    """Petitions per status in the caller's scope, plus ``overdue`` and ``due_soon``."""
    user = require_staff(user)
    now = utcnow()
    department = department_scope(user, department_code)
    scope = [] if department is None else [Petition.department_id == department.id]
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in db.session.execute(
        select(Petition.status, func.count()).where(*scope).group_by(Petition.status)
    ):
        counts[status] = count
    soon = deadlines.due_soon_limit(now)
    open_scope = [*scope, Petition.status.in_(OPEN_STATUSES)]
    counts["overdue"] = db.session.scalar(
        select(func.count()).select_from(Petition).where(*open_scope, Petition.due_at < now)) or 0
    counts["due_soon"] = db.session.scalar(
        select(func.count()).select_from(Petition)
        .where(*open_scope, Petition.due_at >= now, Petition.due_at < soon)) or 0
    return counts


def assignable_staff(department_id: int) -> list[User]:
    users = db.session.scalars(
        select(User).where(User.department_id == department_id, User.is_active.is_(True))
        .order_by(User.display_name, User.id))
    return [u for u in users if u.has_role("staff")]


def users_by_id(ids) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(ids))))}

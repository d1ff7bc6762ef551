"""Deadline follow-up: a department's workload for its admins, and the daily reminder to
handling staff about overdue and due-soon petitions."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, case, func, select

from civic.accounts.models import Department, User
from civic.accounts.service import require_role
from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.notifications.service import in_locale_of, notify
from civic.petitions import deadlines
from civic.petitions.models import OPEN_STATUSES, Petition
from civic.petitions.triage import assignable_staff, department_scope, status_counts

log = logging.getLogger(__name__)


@dataclass
class Workload:
    department: Department | None
    per_assignee: list[tuple[User | None, int, int]]      # (assignee, open, overdue)
    overdue: list[Petition]
    counts: dict[str, int]


def workload(user: User | None, department_code: str | None = None) -> Workload:
    """Department admins see their department's workload; admins any department (or all)."""
    user = require_role(user, "department_admin")
    department = department_scope(user, department_code)
    now = utcnow()
    scope: list[ColumnElement[bool]] = [Petition.status.in_(OPEN_STATUSES)]
    if department is not None:
        scope.append(Petition.department_id == department.id)
    rows = db.session.execute(
        select(Petition.assignee_id, func.count(),
               func.sum(case((Petition.due_at < now, 1), else_=0)))
        .where(*scope).group_by(Petition.assignee_id)
    ).all()
    per_assignee = sorted(
        ((db.session.get(User, aid) if aid else None, total, int(late or 0)) for aid, total, late in rows),
        key=lambda row: (-row[2], -row[1]),
    )
    overdue = list(db.session.scalars(
        select(Petition).where(*scope, Petition.due_at < now).order_by(Petition.due_at).limit(200)))
    return Workload(department, per_assignee, overdue,
                    status_counts(user, department.code if department else None))


def send_reminders(now: datetime | None = None) -> int:
    """Tell handling staff about overdue petitions and those due within
    ``PETITIONS_DUE_SOON_HOURS``: the assignee, or every staff member of the department when
    nobody is assigned. One notification per person; returns how many were sent."""
    now = now or utcnow()
    soon = deadlines.due_soon_limit(now)
    pending = db.session.scalars(
        select(Petition).where(Petition.status.in_(OPEN_STATUSES), Petition.due_at < soon))
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])     # user id -> [overdue, due soon]
    staff_of: dict[int, list[User]] = {}
    for petition in pending:
        assignee = petition.assignee
        if assignee is not None and assignee.is_active and assignee.department_id == petition.department_id:
            recipients = [assignee]
        else:
            if petition.department_id not in staff_of:
                staff_of[petition.department_id] = assignable_staff(petition.department_id)
            recipients = staff_of[petition.department_id]
        for person in recipients:
            tally[person.id][0 if petition.due_at < now else 1] += 1
    with unit_of_work():
        for user_id, (late, due_soon) in tally.items():
            recipient = db.session.get(User, user_id)
            if recipient is None:
                continue
            with in_locale_of(recipient):
                notify(recipient, "petition_reminder",
                       _("Petitions need your attention"),
                       _("%(overdue)d overdue, %(soon)d due within a day.", overdue=late, soon=due_soon),
                       "/staff/petitions?flag=overdue" if late else "/staff/petitions?flag=due_soon")
    log.info("petition reminders sent to %d staff", len(tally))
    return len(tally)

"""Petition types (admins edit them) and routing a new petition to its department."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from civic import audit
from civic.accounts.models import Department, User
from civic.accounts.service import district_office, require_role
from civic.db import unit_of_work
from civic.errors import N_, NotFound, ValidationFailed
from civic.extensions import db
from civic.petitions import deadlines
from civic.petitions.models import REQUIRABLE_FIELDS, PetitionType


def list_types(include_inactive: bool = False) -> list[PetitionType]:
    query = select(PetitionType).order_by(PetitionType.position, PetitionType.code)
    if not include_inactive:
        query = query.where(PetitionType.is_active.is_(True))
    return list(db.session.scalars(query))


def get_type(code: str) -> PetitionType:
    ptype = db.session.scalar(select(PetitionType).where(PetitionType.code == code))
    if ptype is None:
        raise NotFound(N_("Unknown petition type."))
    return ptype


def update_type(actor: User | None, code: str, *, name_ko: str, name_en: str, department_code: str,
                deadline_days: int, required_fields: Iterable[str], route_by_district: bool,
                answer_template: str, is_active: bool, deadline_unit: str = "days") -> PetitionType:
    """Admins edit a petition type; the change is audited."""
    require_role(actor, "admin")
    ptype = get_type(code)
    errors = {}
    if not (name_ko or "").strip() or len(name_ko) > 200:
        errors["name_ko"] = N_("Enter a name of 1 to 200 characters.")
    if not (name_en or "").strip() or len(name_en) > 200:
        errors["name_en"] = N_("Enter a name of 1 to 200 characters.")
    department = db.session.scalar(select(Department).where(Department.code == department_code))
    if department is None:
        errors["department"] = N_("Unknown department.")
    if deadline_unit not in deadlines.UNITS:
        errors["deadline_unit"] = N_("One of %(names)s.", names=", ".join(deadlines.UNITS))
    elif deadline_unit == "immediate":
        deadline_days = 0
    elif not isinstance(deadline_days, int) or not 1 <= deadline_days <= 90:
        errors["deadline_days"] = N_("Between 1 and 90.")
    required = list(dict.fromkeys(required_fields or []))
    if any(name not in REQUIRABLE_FIELDS for name in required):
        errors["required_fields"] = N_("Only %(names)s.", names=", ".join(REQUIRABLE_FIELDS))
    if errors or department is None:
        raise ValidationFailed(errors)
    with unit_of_work():
        ptype.name_ko, ptype.name_en = name_ko.strip(), name_en.strip()
        ptype.department = department
        ptype.deadline_days = deadline_days
        ptype.deadline_unit = deadline_unit
        ptype.required_fields = required
        ptype.route_by_district = bool(route_by_district)
        ptype.answer_template = answer_template or ""
        ptype.is_active = bool(is_active)
        audit.record(actor, "petition_type.update", "petition_type", ptype.code,
                     department_id=department.id, deadline_days=deadline_days,
                     deadline_unit=deadline_unit, department=department.code, is_active=bool(is_active))
    return ptype


def route(ptype: PetitionType, district_code: str | None) -> Department:
    """The department that handles a new petition: the district office for types routed by
    district (when the petition names one), the type's default department otherwise."""
    if ptype.route_by_district and district_code:
        office = district_office(district_code)
        if office is not None:
            return office
    return ptype.department

"""The service catalogue (report categories with Open311 attributes) and routing rules."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select

from civic import audit, geo
from civic.accounts.models import Department, User
from civic.accounts.service import district_office_code, require_role
from civic.db import unit_of_work
from civic.errors import N_, Conflict, NotFound, ValidationFailed
from civic.extensions import db
from civic.reports.models import RoutingRule, Service

ATTRIBUTE_TYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def list_services(active_only: bool = True) -> list[Service]:
    query = select(Service).order_by(Service.group, Service.code)
    if active_only:
        query = query.where(Service.active.is_(True))
    return list(db.session.scalars(query))


def get_service(code: str, *, active_only: bool = True) -> Service:
    service = db.session.scalar(select(Service).where(Service.code == str(code or "")))
    if service is None or (active_only and not service.active):
        raise NotFound(N_("Unknown service code %(code)s.", code=code))
    return service


def validate_attribute_definitions(definitions) -> list[dict]:
    """Check a list of Open311 attribute definitions (for admins editing the catalogue)."""
    if not isinstance(definitions, list):
        raise ValidationFailed({"attributes": N_("Must be a list.")})
    seen = set()
    clean = []
    for i, item in enumerate(definitions):
        if not isinstance(item, dict) or not str(item.get("code") or "").strip():
            raise ValidationFailed({f"attributes.{i}": N_("Each attribute needs a code.")})
        code = str(item["code"]).strip()
        if code in seen:
            raise ValidationFailed({f"attributes.{i}": N_("Duplicate attribute code %(code)s.", code=code)})
        seen.add(code)
        datatype = item.get("datatype", "string")
        if datatype not in ATTRIBUTE_TYPES:
            raise ValidationFailed({f"attributes.{i}": N_("datatype must be one of %(values)s.",
                                                        values=", ".join(ATTRIBUTE_TYPES))})
        values = item.get("values") or []
        if datatype.endswith("valuelist") and not values:
            raise ValidationFailed({f"attributes.{i}": N_("A value list needs values.")})
        clean.append({
            "code": code, "variable": bool(item.get("variable", True)), "datatype": datatype,
            "required": bool(item.get("required", False)),
            "datatype_description": item.get("datatype_description"),
            "order": int(item.get("order") or i + 1),
            "description": str(item.get("description") or ""),
            "description_ko": str(item.get("description_ko") or item.get("description") or ""),
            "values": [{"key": str(v["key"]), "name": str(v.get("name", v["key"])),
                        "name_ko": str(v.get("name_ko") or v.get("name", v["key"]))} for v in values],
        })
    return clean


def upsert_service(actor: User | None, code: str, **fields) -> Service:
    """Create or edit a service (admins; ``actor=None`` only for seeding and the CLI)."""
    if actor is not None:
        require_role(actor, "admin")
    code = (code or "").strip()
    if not re.fullmatch(r"[a-z0-9_\-]{1,40}", code):
        raise ValidationFailed({"code": N_("Use 1-40 lowercase letters, digits, '-' or '_'.")})
    if "attributes" in fields:
        fields["attributes"] = validate_attribute_definitions(fields["attributes"])
    with unit_of_work():
        service = db.session.scalar(select(Service).where(Service.code == code))
        created = service is None
        if service is None:
            if not fields.get("name_ko") or not fields.get("name_en"):
                raise ValidationFailed({"name_ko": N_("A new service needs Korean and English names.")})
            service = Service(code=code)
            db.session.add(service)
        for key, value in fields.items():
            setattr(service, key, value)
        if actor is not None:
            audit.record(actor, "report_service.created" if created else "report_service.updated",
                         "report_service", code, fields=sorted(fields))
    return service


def attributes_from_form(form) -> dict[str, str | list[str]]:
    """The answers in a form's ``attribute[code]`` fields, read the same way on every face (the
    pages, the multipart API, Open311): a repeated field (a multivaluelist) gives a list, a
    single one its value; empty ones are left out. ``check_attributes`` then validates them."""
    answers: dict[str, str | list[str]] = {}
    for key in form:
        if key.startswith("attribute[") and key.endswith("]"):
            values = [v for v in form.getlist(key) if v != ""]
            if values:
                answers[key[10:-1]] = values if len(values) > 1 else values[0]
    return answers


def check_attributes(service: Service, given: dict | None) -> dict:
    """Validate answers to the service's extra questions; unknown codes are dropped."""
    given = given or {}
    answers, errors = {}, {}
    for definition in service.attributes or []:
        code = definition["code"]
        if not definition.get("variable", True):
            continue
        raw = given.get(code)
        values = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
        values = [str(v).strip() for v in values if str(v).strip()]
        if not values:
            if definition.get("required"):
                errors[f"attribute[{code}]"] = N_("This question needs an answer.")
            continue
        datatype = definition.get("datatype", "string")
        keys = {str(v["key"]) for v in definition.get("values") or []}
        if datatype in ("singlevaluelist", "multivaluelist"):
            if any(v not in keys for v in values):
                errors[f"attribute[{code}]"] = N_("Choose one of the listed values.")
                continue
            answers[code] = values if datatype == "multivaluelist" else values[0]
        elif datatype == "number":
            try:
                float(values[0])
            except ValueError:
                errors[f"attribute[{code}]"] = N_("Must be a number.")
                continue
            answers[code] = values[0]
        else:
            answers[code] = values[0][:1000]
    if errors:
        raise ValidationFailed(errors)
    return answers


# --- routing -------------------------------------------------------------------------------

def route_report(service_code: str, district_code: str | None) -> Department:
    """The department responsible: the most specific rule wins (service+district, service,
    district); then the district office; then the city's civil affairs office."""
    district_code = district_code or ""
    rules = {(r.service_code, r.district_code): r for r in db.session.scalars(
        select(RoutingRule).where(RoutingRule.service_code.in_([service_code, ""]),
                                  RoutingRule.district_code.in_([district_code, ""])))}
    for key in ((service_code, district_code), (service_code, ""), ("", district_code), ("", "")):
        if key in rules:
            return rules[key].department
    fallbacks = [district_office_code(district_code)] if district_code else []
    fallbacks.append(current_app.config["REPORTS_FALLBACK_DEPARTMENT"])
    for code in fallbacks:
        department = db.session.scalar(select(Department).where(Department.code == code))
        if department is not None:
            return department
    raise Conflict(N_("No department can receive this report; load the default data (flask seed)."))


def list_routing_rules() -> list[RoutingRule]:
    return list(db.session.scalars(
        select(RoutingRule).order_by(RoutingRule.service_code, RoutingRule.district_code)))


def set_routing_rule(actor: User | None, service_code: str, district_code: str,
                     department_code: str | None) -> RoutingRule | None:
    """Create, change or (with no department) delete a rule. Admins only (None = CLI/seed)."""
    if actor is not None:
        require_role(actor, "admin")
    service_code = (service_code or "").strip()
    district_code = (district_code or "").strip()
    if service_code:
        get_service(service_code, active_only=False)
    if district_code:
        geo.validate_district_codes([district_code], field="district_code")
    with unit_of_work():
        rule = db.session.scalar(select(RoutingRule).where(
            RoutingRule.service_code == service_code, RoutingRule.district_code == district_code))
        if not department_code:
            if rule is not None:
                db.session.delete(rule)
            result = None
        else:
            department = db.session.scalar(select(Department).where(Department.code == department_code))
            if department is None:
                raise ValidationFailed({"department_code": N_("Unknown department %(code)s.", code=department_code)})
            if rule is None:
                rule = RoutingRule(service_code=service_code, district_code=district_code)
                db.session.add(rule)
            rule.department = department
            result = rule
        if actor is not None:
            audit.record(actor, "report_routing.set", "report_routing", f"{service_code}/{district_code}",
                         department=department_code or None)
    return result



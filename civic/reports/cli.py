from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from civic.errors import DomainError
from civic.reports import service

reports_cli = AppGroup("reports", help="Report services and routing rules.")


def _fail(exc: DomainError):
    detail = "; ".join(f"{k}: {v}" for k, v in exc.errors.items()) or exc.detail
    raise click.ClickException(detail)


@reports_cli.command("services")
def list_services():
    """List the service catalogue."""
    for svc in service.list_services(active_only=False):
        flag = "" if svc.active else " (inactive)"
        click.echo(f"{svc.code}\t{svc.name_en} / {svc.name_ko}\t{len(svc.attributes or [])} attribute(s){flag}")


@reports_cli.command("service")
@click.argument("code")
@click.option("--name-ko")
@click.option("--name-en")
@click.option("--description-ko")
@click.option("--description-en")
@click.option("--group")
@click.option("--expected-hours", type=int)
@click.option("--attributes", "attributes_file", type=click.File(encoding="utf-8"),
              help="JSON file with a list of Open311 attribute definitions.")
@click.option("--active/--inactive", default=None)
def edit_service(code, attributes_file, **options):
    """Create or edit a service."""
    fields = {k: v for k, v in options.items() if v is not None}
    if attributes_file:
        fields["attributes"] = json.load(attributes_file)
    try:
        svc = service.upsert_service(None, code, **fields)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"saved service {svc.code}")


@reports_cli.command("routes")
def list_routes():
    """List routing rules (service, district -> department); '*' means any."""
    for rule in service.list_routing_rules():
        click.echo(f"{rule.service_code or '*'}\t{rule.district_code or '*'}\t{rule.department.code}")


@reports_cli.command("route")
@click.argument("service_code")
@click.argument("district_code")
@click.argument("department_code", required=False)
def set_route(service_code, district_code, department_code):
    """Route SERVICE_CODE in DISTRICT_CODE ('*' = any) to DEPARTMENT_CODE; omit it to delete."""
    try:
        service.set_routing_rule(None, "" if service_code == "*" else service_code,
                                 "" if district_code == "*" else district_code, department_code)
    except DomainError as exc:
        _fail(exc)
    click.echo("deleted" if not department_code else f"{service_code} {district_code} -> {department_code}")

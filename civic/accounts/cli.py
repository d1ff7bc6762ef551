from __future__ import annotations

import click
from flask.cli import AppGroup

from civic.accounts import service
from civic.accounts.models import ROLES
from civic.errors import DomainError

users_cli = AppGroup("users", help="Manage accounts.")
clients_cli = AppGroup("api-clients", help="Manage Open311 / machine API clients.")
departments_cli = AppGroup("departments", help="Departments (the codes staff accounts and routing use).")


def _fail(exc: DomainError):
    detail = "; ".join(f"{k}: {v}" for k, v in exc.errors.items()) or exc.detail
    raise click.ClickException(detail)


@users_cli.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), default="citizen", show_default=True)
@click.option("--department", "department_code", help="Department code, required for staff.")
@click.option("--name", "display_name", default="")
def create_user(email, password, role, department_code, display_name):
    """Create an account (citizen, staff, officer or admin)."""
    try:
        user = service.create_user(email, password, role, department_code, display_name)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"created user {user.id} ({user.role})")


@users_cli.command("create-staff")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--department", "department_code", required=True)
@click.option("--role", type=click.Choice(ROLES[1:]), default="staff", show_default=True)
@click.pass_context
def create_staff(ctx, email, password, department_code, role):
    """Shortcut for staff accounts."""
    ctx.invoke(create_user, email=email, password=password, role=role,
               department_code=department_code, display_name="")


@users_cli.command("token")
@click.argument("email")
def token(email):
    """Issue a personal access token; printed once, as the last line."""
    user = service.find_user_by_email(email)
    if user is None:
        raise click.ClickException("No such user.")
    click.echo(service.issue_token(user))


@users_cli.command("revoke-tokens")
@click.argument("email")
@click.option("--prefix", help="Revoke only the token starting with this (first 12 characters).")
def revoke_tokens(email, prefix):
    user = service.find_user_by_email(email)
    if user is None:
        raise click.ClickException("No such user.")
    click.echo(f"revoked {service.revoke_tokens(user, prefix)} token(s)")


@clients_cli.command("create")
@click.argument("name")
def create_client(name):
    """Register an API client; its key is printed once, as the last line."""
    try:
        client, key = service.create_api_client(name)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"created api client {client.id} ({client.name})")
    click.echo(key)


@departments_cli.command("list")
def list_departments():
    """Every department: code, Korean name, English name (one per line, tab-separated)."""
    for department in service.list_departments():
        click.echo(f"{department.code}\t{department.name_ko}\t{department.name_en}")

"""civic: a mobile-first civic participation service.

``create_app`` reads like a table of contents: configuration, extensions, features, errors, CLI.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from pathlib import Path
from typing import cast

import click
from flask import Blueprint, Flask, g, url_for
from werkzeug.routing import BuildError

ROOT = Path(__file__).resolve().parent.parent

# Feature packages, in registration order. A feature is a folder under civic/ whose
# ``__init__.py`` defines ``init_app(app)``; a missing one is skipped, so features land
# independently.
FEATURES = ("accounts", "places", "reports", "petitions", "participation", "webpush", "alerts",
            "notifications", "mail", "stats", "staff")


def create_app(config: dict | None = None) -> Flask:
    instance_path = Path(os.environ.get("INSTANCE_PATH") or (ROOT / "instance")).resolve()
    if config and config.get("INSTANCE_PATH"):
        instance_path = Path(config["INSTANCE_PATH"]).resolve()
    from civic.settings import CivicFlask

    app = CivicFlask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "mobile_web" / "templates"),
        static_folder=str(ROOT / "mobile_web" / "static"),
    )
    configure(app, instance_path, config or {})
    configure_logging(app)
    register_extensions(app)
    register_http_policy(app)
    register_blueprints(app)
    register_features(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure(app: Flask, instance_path: Path, overrides: dict) -> None:
    """Every declared setting, typed and checked (a bad value stops here), then what follows
    from them, then overrides of Flask's own keys (tests)."""
    from civic.config import derived_config
    from civic.settings import StrictConfig, declared_settings, load_settings

    instance_path.mkdir(parents=True, exist_ok=True)
    settings = declared_settings(installed_features())
    values = load_settings(settings, os.environ, overrides, instance_path)
    derived = derived_config(values)
    app.config.update(values)
    app.config.update(derived)
    if isinstance(app.config, StrictConfig):
        app.config.declare([*values, *derived])
    app.config.update({key: value for key, value in overrides.items() if key not in values})
    app.extensions["civic_settings"] = settings
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    from civic import events, jobs
    from civic.api import init_api
    from civic.extensions import babel, csrf, db, limiter, migrate
    from civic.i18n import install_particles, select_locale, translation_dirs

    db.init_app(app)
    events.init_app(app)
    jobs.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in translation_dirs())
    babel.init_app(app, locale_selector=select_locale)
    install_particles(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_api(app)

    from civic import audit  # noqa: F401  (registers the audit model)


def register_http_policy(app: Flask) -> None:
    from civic.http_policy import init_http_policy

    init_http_policy(app)


def register_blueprints(app: Flask) -> None:
    from civic import site
    from civic.accounts.auth import load_current_user
    from civic.extensions import limiter

    app.before_request(load_current_user)
    app.register_blueprint(site.bp)

    @limiter.request_filter
    def _reads_are_not_limited() -> bool:
        from flask import request

        return request.method in {"GET", "HEAD", "OPTIONS"}


def installed_features() -> list[str]:
    return [name for name in FEATURES if importlib.util.find_spec(f"civic.{name}") is not None]


def register_features(app: Flask) -> None:
    from civic.extensions import limiter

    for name in installed_features():
        module = importlib.import_module(f"civic.{name}")
        module.init_app(app)
    # Every write anywhere is rate limited per client address (reads are filtered above).
    for blueprint in app.blueprints.values():
        if blueprint.name != "site":
            # Flask types app.blueprints with its sans-I/O Blueprint; registered ones are flask.Blueprint.
            limiter.limit(lambda: app.config["WRITE_RATE_LIMIT"])(cast(Blueprint, blueprint))


def register_error_handlers(app: Flask) -> None:
    from civic.errors import register_error_handlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale
    from flask_wtf.csrf import generate_csrf

    from civic import formatting

    formatting.init_app(app)

    def nav_url(endpoint: str, **values) -> str | None:
        """URL of a feature page, or None while that feature is not installed."""
        try:
            return url_for(endpoint, **values)
        except BuildError:
            return None

    @app.context_processor
    def inject():
        return {
            "current_user": g.get("user"),
            "current_locale": str(get_locale()),
            "nav_url": nav_url,
            "csrf_token_value": generate_csrf,
        }


def register_commands(app: Flask) -> None:
    from civic.backup import backup_command
    from civic.jobs_cli import jobs_cli

    app.cli.add_command(backup_command)
    app.cli.add_command(jobs_cli)

    @app.cli.command("seed")
    @click.option("--demo", is_flag=True, help="Also load demo content and one demo account per role "
                  "(refused on a database with real accounts).")
    @click.option("--quiet", "-q", is_flag=True, help="Print only what concerns the demo content.")
    def seed_command(demo, quiet):
        """Load default data (departments and every feature's defaults). Idempotent."""
        for name in installed_features():
            spec = importlib.util.find_spec(f"civic.{name}.seed")
            if spec is None:
                continue
            added = importlib.import_module(f"civic.{name}.seed").seed()
            if not quiet:
                click.echo(f"{name}: {added} added")
        if demo:
            from civic.demo import account_lines, load_demo

            result = load_demo()
            if not result.loaded:
                click.echo(f"demo content skipped: {result.reason}")
                return
            click.echo("demo: " + (", ".join(f"{n} {k}" for k, n in result.added.items()) or "already loaded"))
            for line in account_lines():
                click.echo(line)

    @app.cli.group("settings")
    def settings_group():
        """The settings registry: every environment variable civic reads."""

    @settings_group.command("table")
    def settings_table_command():
        """The README's configuration table (Markdown)."""
        from civic.settings import markdown_table

        click.echo(markdown_table(app.extensions["civic_settings"]), nl=False)

    @settings_group.command("env-example")
    def settings_env_command():
        """The contents of .env.example."""
        from civic.settings import env_example

        click.echo(env_example(app.extensions["civic_settings"]), nl=False)

    @app.cli.group("i18n")
    def i18n_group():
        """Translation catalogs."""

    @i18n_group.command("compile")
    @click.option("--force", is_flag=True)
    def compile_command(force):
        from civic.i18n import compile_catalogs

        click.echo(f"compiled {compile_catalogs(force)} catalog(s)")

"""Languages: Korean by default, English second. Each feature keeps its own catalog in
``civic/<feature>/translations`` (core texts in ``civic/translations``), so features never edit
each other's files; Flask-Babel merges them."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g, has_request_context, request, session
from flask_babel import Domain
from jinja2 import pass_context
from markupsafe import Markup

from civic.korean_particles import resolve_particles

PACKAGE_DIR = Path(__file__).parent


def translation_dirs() -> list[Path]:
    dirs = [PACKAGE_DIR / "translations"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/translations") if p.is_dir())
    return [d for d in dirs if d.is_dir()]


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs: the default language (or force_locale)
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user = g.get("user")
    if user is not None and user.locale in languages:
        return user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogs(force: bool = False) -> int:
    """Compile every ``.po`` newer than its ``.mo``; returns how many were written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = 0
    for directory in translation_dirs():
        for po_path in directory.glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as fh:
                catalog = read_po(fh)
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog)
            written += 1
    return written


class ParticleDomain(Domain):
    """Flask-Babel's domain, with Korean particles made to agree once the values are in (see
    ``civic.korean_particles``): every ``gettext`` in Python goes through it."""

    def gettext(self, string, **variables):
        return resolve_particles(super().gettext(string, **variables))

    def ngettext(self, singular, plural, num, **variables):
        return resolve_particles(super().ngettext(singular, plural, num, **variables))

    def pgettext(self, context, string, **variables):
        return resolve_particles(super().pgettext(context, string, **variables))

    def npgettext(self, context, singular, plural, num, **variables):
        return resolve_particles(super().npgettext(context, singular, plural, num, **variables))


def install_particles(app) -> None:
    """Templates format their messages in Jinja (newstyle gettext), after the domain: wrap the
    installed callables so particles agree there too (``_`` looks ``gettext`` up at call time)."""
    env = app.jinja_env
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        original = env.globals.get(name)
        if original is None:
            continue
        env.globals[name] = _particle_aware(original)


def _particle_aware(original):
    @pass_context
    def translate(__context, *args, **variables):
        value = original(__context, *args, **variables)
        resolved = resolve_particles(value)
        return Markup(resolved) if isinstance(value, Markup) and resolved is not value else resolved

    return translate

"""Languages: Korean by default, English second. Each feature keeps its own catalog in
``civic/<feature>/translations`` (core texts in ``civic/translations``), so features never edit
each other's files; Flask-Babel merges them."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g, request, session

PACKAGE_DIR = Path(__file__).parent


def translation_dirs() -> list[Path]:
    dirs = [PACKAGE_DIR / "translations"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/translations") if p.is_dir())
    return [d for d in dirs if d.is_dir()]


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
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

"""The one registry of settings.

Core settings are declared in ``civic/config.py``; each feature declares its own in
``civic/<feature>/settings.py`` as ``SETTINGS = [Setting(...), ...]``. At start-up every setting
is read once from the environment (or from the test/config overrides given to ``create_app``),
parsed to its type and checked; a bad value stops the app with one message naming every
problem. Code then reads ``current_app.config["NAME"]``, already typed. The README's
configuration table and ``.env.example`` are generated from the same declarations
(``flask settings table`` / ``flask settings env-example``), and a test keeps them in step.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Config, Flask

Parser = Callable[[str], Any]
Check = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Setting:
    """One environment variable: how to read it, its default, how to check it, what it means."""

    name: str
    type: Parser
    default: Any
    doc: str
    check: Check | None = None
    # Computed default (e.g. a path inside the instance folder); receives the instance path.
    default_factory: Callable[[Path], Any] | None = None
    # How the default reads in the README when the value itself would mislead or be too long.
    shown_default: str | None = None
    # app.config key when it differs from the variable's name (Flask's own keys).
    key: str | None = None
    # Never print the value (generated secrets).
    secret: bool = False

    @property
    def config_key(self) -> str:
        return self.key or self.name

    def default_text(self) -> str:
        """The default as the README shows it: an explanation, or the value in backticks."""
        if self.shown_default is not None:
            return self.shown_default
        text = format_value(self.default)
        return text if text == "(unset)" else f"`{text}`"


class SettingsError(RuntimeError):
    """Raised at start-up when one or more settings have bad values; the message lists them all."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))


class UndeclaredSetting(KeyError):
    """civic code read a setting that no ``Setting(...)`` declares."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"{name} is not a declared setting: declare it as Setting({name!r}, …) in "
                         "civic/<feature>/settings.py (core ones in civic/config.py)")

    def __str__(self) -> str:
        return str(self.args[0])


# Keys that belong to Flask and its extensions (civic sets some of them from its settings).
FOREIGN_PREFIXES = ("SQLALCHEMY_", "RATELIMIT_", "WTF_", "BABEL_", "SESSION_", "COMPRESS_", "OPENAPI_", "API_SPEC",
                    "OAUTH2_")


class StrictConfig(Config):
    """``app.config`` that fails loudly when civic code reads a name no setting declares,
    present or not: ``config["NAME"]`` and ``config.get("NAME")`` raise ``UndeclaredSetting``.
    Flask's and the extensions' own keys, and reads from outside civic, work as usual."""

    known: frozenset[str] = frozenset()  # filled once the settings are loaded (``declare``)

    def declare(self, names: Iterable[str]) -> None:
        self.known = frozenset(names)

    def _check(self, key: Any) -> None:
        if not self.known or not isinstance(key, str) or key in self.known:
            return
        if key in Flask.default_config or key.startswith(FOREIGN_PREFIXES):
            return
        caller = sys._getframe(2).f_globals.get("__name__", "")
        if caller == "civic" or caller.startswith("civic."):
            raise UndeclaredSetting(key)

    def __getitem__(self, key: Any) -> Any:
        self._check(key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._check(key)
        return super().get(key, default)


class CivicFlask(Flask):
    config_class = StrictConfig


# -- parsers ------------------------------------------------------------------------------------

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("expected true or false")


def csv_list(text: str) -> list[str]:
    """Comma-separated words, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def words(text: str) -> list[str]:
    """Whitespace-separated words."""
    return text.split()


def json_value(text: str) -> Any:
    return json.loads(text) if text.strip() else None


def optional_str(text: str) -> str | None:
    return text.strip() or None


TIME_OF_DAY = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def time_of_day(text: str) -> str:
    """``HH:MM`` on a 24-hour clock, normalised to two digits each."""
    match = TIME_OF_DAY.fullmatch(text.strip())
    if not match:
        raise ValueError("expected HH:MM")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def time_range(text: str) -> str:
    """``HH:MM-HH:MM`` (start before end, same day), normalised; empty means none."""
    if not text.strip():
        return ""
    start, sep, end = text.strip().partition("-")
    if not sep:
        raise ValueError("expected HH:MM-HH:MM")
    start, end = time_of_day(start), time_of_day(end)
    if start >= end:
        raise ValueError("expected the start before the end")
    return f"{start}-{end}"


# -- checks -------------------------------------------------------------------------------------

def positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than 0"


def non_negative(value: Any) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def one_of(*allowed: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in allowed else "must be one of " + ", ".join(allowed)
    return check


def rate_limit(value: Any) -> str | None:
    """A Flask-Limiter rate-limit string such as ``10/minute;100/day``."""
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        return "must be a rate limit such as 10/minute;100/day"
    return None


# -- loading ------------------------------------------------------------------------------------

def declared_settings(features: Iterable[str]) -> list[Setting]:
    """Core settings first, then each installed feature's, in registration order."""
    from civic.config import SETTINGS as CORE

    found: list[Setting] = list(CORE)
    for feature in features:
        module_name = f"civic.{feature}.settings"
        if importlib.util.find_spec(module_name) is None:
            continue
        found.extend(importlib.import_module(module_name).SETTINGS)
    names = [s.name for s in found]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SettingsError([f"{name}: declared twice" for name in duplicated])
    return found


def load_settings(settings: Iterable[Setting], environ: Mapping[str, str], overrides: Mapping[str, Any],
                  instance_path: Path) -> dict[str, Any]:
    """Typed, checked values keyed by config key. Overrides win over the environment; a string
    override is parsed like an environment value, anything else is taken as already typed."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for setting in settings:
        try:
            if setting.config_key in overrides:
                value = overrides[setting.config_key]
                if isinstance(value, str):
                    value = setting.type(value)
            elif setting.name in environ:
                value = setting.type(environ[setting.name])
            elif setting.default_factory is not None:
                value = setting.default_factory(instance_path)
            else:
                value = setting.default
        except (ValueError, TypeError) as exc:
            shown = "…" if setting.secret else repr(environ.get(setting.name, overrides.get(setting.config_key)))
            problems.append(f"{setting.name}={shown}: {exc}")
            continue
        message = setting.check(value) if setting.check and value is not None else None
        if message:
            shown = "…" if setting.secret else repr(value)
            problems.append(f"{setting.name}={shown}: {message}")
            continue
        values[setting.config_key] = value
    if problems:
        raise SettingsError(problems)
    return values


# -- documentation ------------------------------------------------------------------------------

def format_value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def markdown_table(settings: Iterable[Setting]) -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for setting in settings:
        default = setting.default_text().replace("|", "\\|")
        doc = setting.doc.replace("|", "\\|")
        lines.append(f"| `{setting.name}` | {default} | {doc} |")
    return "\n".join(lines) + "\n"


def env_example(settings: Iterable[Setting]) -> str:
    out = ["# Every civic setting with its default. Export the ones you change (or give them to your process",
           "# manager); unset variables take the default shown. Generated by `flask settings env-example`.", ""]
    for setting in settings:
        out.append(f"# {setting.doc}")
        if setting.secret or setting.default_factory is not None or setting.shown_default is not None:
            out.append(f"# default: {setting.default_text()}")
            out.append(f"# {setting.name}=")
        else:
            value = setting.default
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else format_value(value)
            out.append(f"# {setting.name}={'' if text == '(unset)' else text}")
        out.append("")
    return "\n".join(out)

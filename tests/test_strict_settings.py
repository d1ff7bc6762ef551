"""Settings are read one way: ``config["NAME"]`` of a declared setting. A name no ``Setting``
declares fails loudly where civic reads it, and no module repeats a default with
``config.get(NAME, default)`` (the registry holds the one default)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask

from civic.settings import FOREIGN_PREFIXES, UndeclaredSetting

PACKAGE = Path(__file__).resolve().parent.parent / "civic"


def _is_config(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "config") or (isinstance(node, ast.Name)
                                                                            and node.id == "config")


def config_reads() -> list[tuple[str, int, str, int]]:
    """(file, line, name, number of arguments) of every ``config["NAME"]`` / ``config.get("NAME", …)``."""
    reads = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(PACKAGE.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Subscript) and _is_config(node.value) and isinstance(node.slice, ast.Constant)
                    and isinstance(node.slice.value, str) and not isinstance(node.ctx, ast.Store)):
                reads.append((where, node.lineno, node.slice.value, 1))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                  and _is_config(node.func.value) and node.args and isinstance(node.args[0], ast.Constant)
                  and isinstance(node.args[0].value, str)):
                reads.append((where, node.lineno, node.args[0].value, len(node.args) + len(node.keywords)))
    return reads


def _foreign(name: str) -> bool:
    return name in Flask.default_config or name.startswith(FOREIGN_PREFIXES)


def test_the_scan_finds_the_reads():
    names = {name for _, _, name, _ in config_reads()}
    assert {"JOBS_INLINE", "CITY_NAME", "SESSION_COOKIE_SECURE"} <= names


def test_every_setting_civic_reads_is_declared(app):
    known = app.config.known
    undeclared = sorted(f"{where}:{line}: {name}" for where, line, name, _ in config_reads()
                        if name not in known and not _foreign(name) and name != "INSTANCE_PATH")
    assert not undeclared, "settings read but never declared (add a Setting):\n" + "\n".join(undeclared)


def test_no_default_is_repeated_where_a_setting_is_read():
    repeated = sorted(f"{where}:{line}: {name}" for where, line, name, arguments in config_reads() if arguments > 1)
    assert not repeated, ('config.get(NAME, default) repeats the registry\'s default: read config["NAME"]\n'
                          + "\n".join(repeated))


def _civic_reader():
    """A function that lives in a civic module, as the strict config sees it."""
    namespace = {"__name__": "civic.probe"}
    exec("def read(config, name):\n    return config[name]\n"
         "def get(config, name):\n    return config.get(name)\n", namespace)
    return namespace["read"], namespace["get"]


def test_civic_reading_an_undeclared_name_fails_loudly(app):
    read, get = _civic_reader()
    app.config["PETITIONS_HOLIDAY_COUNTRY"] = "US"  # present, but no Setting declares it
    for reader in (read, get):
        with pytest.raises(UndeclaredSetting, match="PETITIONS_HOLIDAY_COUNTRY is not a declared setting"):
            reader(app.config, "PETITIONS_HOLIDAY_COUNTRY")
    with pytest.raises(KeyError):
        read(app.config, "NO_SUCH_SETTING")
    assert read(app.config, "CIVIC_HOLIDAY_COUNTRY") == "KR"  # declared
    assert read(app.config, "TESTING") is True  # Flask's own
    assert get(app.config, "WTF_CSRF_TIME_LIMIT") is None  # an extension's
    # Outside civic (extensions, tests) the config is a plain Flask config.
    assert app.config["PETITIONS_HOLIDAY_COUNTRY"] == "US"
    assert app.config.get("CITY_CLIENT_ID") is None

"""The settings registry: typed and checked at start-up, documented from the same declarations."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from civic import create_app
from civic.settings import SettingsError, csv_list, env_example, markdown_table, parse_bool, time_of_day

ROOT = Path(__file__).resolve().parent.parent


def settings_of(app):
    return app.extensions["civic_settings"]


def test_values_from_the_environment_are_typed(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACES_MAX_RADIUS_M", "15000")
    monkeypatch.setenv("PLACES_CATEGORIES", "toilet, pharmacy,,shelter")
    monkeypatch.setenv("RATELIMIT_ENABLED", "off")
    monkeypatch.setenv("PUSH_RETRY_BASE_S", "0.25")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["PLACES_MAX_RADIUS_M"] == 15000
    assert app.config["PLACES_CATEGORIES"] == ["toilet", "pharmacy", "shelter"]
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["PUSH_RETRY_BASE_S"] == 0.25


def test_bad_values_stop_the_app_with_one_message_naming_each(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACES_MAX_RADIUS_M", "far")
    monkeypatch.setenv("PETITIONS_TRANSFER_DEADLINE", "sometimes")
    monkeypatch.setenv("PUSH_BATCH_SIZE", "0")
    monkeypatch.setenv("CIVIC_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("WRITE_RATE_LIMIT", "lots")
    with pytest.raises(SettingsError) as caught:
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    message = str(caught.value)
    for name in ("PLACES_MAX_RADIUS_M", "PETITIONS_TRANSFER_DEADLINE", "PUSH_BATCH_SIZE", "CIVIC_TIMEZONE",
                 "WRITE_RATE_LIMIT"):
        assert name in message
    assert "must be one of continue, restart" in message


def test_a_secret_is_never_echoed_in_the_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACES_MAX_RADIUS_M", "-1")
    monkeypatch.setenv("SECRET_KEY", "")
    with pytest.raises(SettingsError) as caught:
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "SECRET_KEY": "s3cr3t-value", "PASSWORD_MIN_LENGTH": 0})
    assert "s3cr3t-value" not in str(caught.value)
    assert "PASSWORD_MIN_LENGTH" in str(caught.value)


def test_the_flask_command_fails_loudly_on_a_bad_setting(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "INSTANCE_PATH": str(tmp_path), "PETITIONS_WORKING_HOURS": "25:00"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "settings", "table"], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "PETITIONS_WORKING_HOURS='25:00': expected HH:MM-HH:MM" in result.stderr


def test_parsers():
    assert parse_bool("Yes") is True and parse_bool("0") is False
    with pytest.raises(ValueError):
        parse_bool("maybe")
    assert csv_list(" a, b ,") == ["a", "b"]
    assert time_of_day("9:05") == "09:05"


def test_readme_table_is_generated_from_the_registry(app):
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- settings:start[^>]*-->\n(.*?)<!-- settings:end -->", readme, re.S)
    assert match, "README lacks the settings markers"
    assert match.group(1) == markdown_table(settings_of(app)), "run: flask settings table, paste into README"


def test_env_example_lists_every_setting(app):
    assert (ROOT / ".env.example").read_text() == env_example(settings_of(app)), \
        "run: flask settings env-example > .env.example"


def test_only_the_registry_reads_the_environment():
    offenders = []
    for path in (ROOT / "civic").rglob("*.py"):
        text = path.read_text()
        name = path.relative_to(ROOT).as_posix()
        # create_app reads INSTANCE_PATH first (the other defaults live there) and hands os.environ
        # to the registry.
        if re.search(r"os\.environ|os\.getenv", text) and name != "civic/__init__.py":
            offenders.append(name)
    assert offenders == []

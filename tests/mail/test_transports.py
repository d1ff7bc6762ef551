"""The other transports: ``console://`` (what ``make run`` uses) and ``file://``; settings checks."""

from __future__ import annotations

import email
import logging
from email.policy import default as default_policy

import pytest

from civic.accounts import consent
from civic.settings import SettingsError
from tests.factories import PASSWORD


def test_console_prints_the_confirmation_and_reset_mails_with_their_links(app, client, capsys, caplog):
    app.config["MAIL_URL"] = "console://"
    with caplog.at_level(logging.INFO):
        client.post("/register", data={"email": "me@example.org", "password": PASSWORD, "privacy_consent": "y",
                                       "consent_version": consent.CURRENT_VERSION})
        client.post("/password-reset", data={"email": "me@example.org"})
    printed = capsys.readouterr().err
    assert "To: me@example.org" in printed
    assert "https://civic.example.org/account/confirm/" in printed
    assert "https://civic.example.org/password-reset/" in printed
    # ... and none of it in the log (logs are kept; links and addresses are personal).
    assert "me@example.org" not in caplog.text and "/password-reset/" not in caplog.text


def test_file_transport_writes_one_eml_per_message(app, client, tmp_path):
    spool = tmp_path / "spool"
    app.config["MAIL_URL"] = f"file://{spool}"
    client.post("/register", data={"email": "me@example.org", "password": PASSWORD, "privacy_consent": "y",
                                   "consent_version": consent.CURRENT_VERSION})
    [eml] = list(spool.glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=default_policy)
    assert message["To"].addresses[0].addr_spec == "me@example.org"
    assert message.get_body(preferencelist=("html",)) is not None


@pytest.mark.parametrize("name, value", [("MAIL_URL", "http://relay"), ("MAIL_URL", "smtp://"),
                                         ("MAIL_FROM", "no address"), ("MAIL_FROM", "a@b.org\r\nBcc: x@y.org"),
                                         ("PUBLIC_URL", "civic.example.org")])
def test_bad_mail_settings_stop_the_app(tmp_path, name, value):
    from civic import create_app
    from tests.conftest import make_config

    with pytest.raises(SettingsError) as exc:
        create_app(make_config(tmp_path, **{name: value}))
    assert name in str(exc.value)

"""Personal data (e-mail, phone, petition text) never reaches the logs, even at DEBUG, in the
main flows: sign-up and sign-in, filing a petition, filing an Open311 report with contact data,
and the failing variants of each (validation errors are logged too)."""

from __future__ import annotations

import logging

from civic.accounts.consent import CURRENT_VERSION
from civic.accounts.service import create_api_client
from tests.factories import bearer, make_user

EMAIL = "hong.gildong.private@example.org"
PHONE = "010-9876-5432"
PETITION_BODY = "My neighbour at 12-3 Secret-ro keeps the gate unlocked at night"
PETITION_TITLE = "Unlocked gate at Secret-ro"


def test_main_flows_log_no_personal_data(app, client, departments, caplog):
    from civic.petitions.seed import seed as seed_petitions
    from civic.reports.seed import seed as seed_reports

    seed_petitions()
    seed_reports()
    caplog.set_level(logging.DEBUG)

    # Sign-up (a failing attempt first), sign-in with a wrong and then the right password.
    client.post("/register", data={"email": EMAIL, "password": "short", "display_name": "Hong"})
    assert client.post("/register", data={"email": EMAIL, "password": "correct horse battery",
                                           "display_name": "Hong", "privacy_consent": "y",
                                           "consent_version": CURRENT_VERSION}).status_code == 200
    client.post("/logout")
    client.post("/login", data={"email": EMAIL, "password": "wrong password!"})
    client.post("/login", data={"email": EMAIL, "password": "correct horse battery"})

    # A petition through the API (an invalid one first).
    citizen = make_user(email="petitioner.private@example.org")
    headers = bearer(citizen)
    client.post("/api/v1/petitions", json={"type": "no-such-type", "title": PETITION_TITLE,
                                           "body": PETITION_BODY}, headers=headers)
    response = client.post("/api/v1/petitions", json={"type": "parks", "title": PETITION_TITLE,
                                                      "body": PETITION_BODY, "contact_preference": "phone",
                                                      "contact_phone": PHONE}, headers=headers)
    assert response.status_code == 201, response.get_json()

    # An Open311 report with contact data (a failing one first).
    key = create_api_client("120")[1]
    contact = {"email": EMAIL, "phone": PHONE, "first_name": "Gildong", "last_name": "Hong"}
    client.post("/open311/v2/requests.json", data={"api_key": key, "service_code": "flooding", **contact})
    response = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "flooding", "lat": "37.5704", "long": "126.992",
        "description": "Water on the road", **contact})
    assert response.status_code == 200, response.get_data(as_text=True)

    assert caplog.records, "nothing was logged: the capture is not working"
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, 'exc_text', '')}" for r in caplog.records)
    for secret in (EMAIL, "petitioner.private@example.org", PHONE, "9876", PETITION_BODY, "Secret-ro"):
        assert secret not in logged, f"{secret!r} was logged"

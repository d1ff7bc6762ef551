"""Sign-up asks for consent to the collection and use of personal data, records the version
accepted and when, and cannot go on without it: in the service, the form and the API."""

import pytest

from civic.accounts import consent, service
from civic.accounts.models import User
from civic.errors import ValidationFailed
from tests.factories import PASSWORD


def test_the_service_refuses_a_sign_up_without_the_current_consent(app, db):
    for version in (None, "", "2020-01-01"):
        with pytest.raises(ValidationFailed) as exc:
            service.register_local("a@example.org", PASSWORD, privacy_consent=version)
        assert set(exc.value.errors) == {"privacy_consent"}
    assert db.session.query(User).count() == 0


def test_the_version_accepted_and_when_are_stored(app, db):
    user = service.register_local("a@example.org", PASSWORD, privacy_consent=consent.CURRENT_VERSION)
    record = consent.latest_for(user)
    assert record.version == consent.CURRENT_VERSION
    assert record.accepted_at is not None and record.accepted_at.tzinfo is not None


def test_the_form_shows_the_notice_and_needs_the_box(client, db):
    page = client.get("/register", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    for text in ("개인정보 수집·이용 동의", "수집·이용 목적", "수집 항목", "보유·이용 기간", "동의를 거부할 권리",
                 "비밀번호(일방향 암호화하여 저장)"):
        assert text in page
    assert "제공자가 계정에 부여한 식별자" not in page          # the provider path's item
    assert f'value="{consent.CURRENT_VERSION}"' in page
    refused = client.post("/register", data={"email": "a@example.org", "password": PASSWORD,
                                              "consent_version": consent.CURRENT_VERSION},
                          headers={"Accept-Language": "ko"})
    assert refused.status_code == 422
    assert "계정을 만들려면 개인정보 수집·이용에 동의해 주세요." in refused.get_data(as_text=True)
    assert db.session.query(User).count() == 0
    accepted = client.post("/register", data={"email": "a@example.org", "password": PASSWORD,
                                               "privacy_consent": "y", "consent_version": consent.CURRENT_VERSION})
    assert accepted.status_code == 200  # "check your e-mail" (the same page for a taken address)
    assert consent.latest_for(db.session.query(User).one()).version == consent.CURRENT_VERSION


def test_a_form_showing_an_older_notice_is_refused(client, db):
    response = client.post("/register", data={"email": "a@example.org", "password": PASSWORD,
                                              "privacy_consent": "y", "consent_version": "2019-01-01"})
    assert response.status_code == 422
    assert db.session.query(User).count() == 0


def test_the_api_serves_the_notice_and_refuses_a_sign_up_without_consent(client, db):
    notice = client.get("/api/v1/accounts/privacy-consent", headers={"Accept-Language": "ko"}).get_json()
    assert notice["version"] == consent.CURRENT_VERSION
    assert [item["heading"] for item in notice["items"]] == [
        "수집·이용 목적", "수집 항목", "보유·이용 기간", "동의를 거부할 권리"]
    refused = client.post("/api/v1/accounts", json={"email": "a@example.org", "password": PASSWORD})
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert "privacy_consent" in refused.get_json()["errors"]
    created = client.post("/api/v1/accounts", json={"email": "a@example.org", "password": PASSWORD,
                                                    "privacy_consent": notice["version"]})
    assert created.status_code == 202
    assert db.session.query(User).one().email == "a@example.org"
    assert consent.latest_for(db.session.query(User).one()) is not None


def test_each_path_lists_what_it_collects_with_its_own_version(app):
    """Local sign-up collects a password; sign-up through a provider collects the provider's
    identifier instead. The texts differ, so do the versions a recorded consent names."""
    def collected(path: str) -> str:
        with app.test_request_context(headers={"Accept-Language": "en"}):
            return dict((str(h), str(t)) for h, t in consent.NOTICES[path])["Items collected"]

    assert "password" in collected(consent.LOCAL) and "identifier" not in collected(consent.LOCAL)
    assert "identifier the provider gives your account" in collected(consent.OIDC)
    assert "No password" in collected(consent.OIDC) and "one-way hash" not in collected(consent.OIDC)
    assert consent.VERSIONS[consent.LOCAL] != consent.VERSIONS[consent.OIDC]
    assert consent.CURRENT_VERSION == consent.VERSIONS[consent.LOCAL]    # the API's and the form's
    with pytest.raises(ValidationFailed):
        consent.require_current(consent.VERSIONS[consent.OIDC])            # not for local sign-up
    with pytest.raises(ValidationFailed):
        consent.require_current(consent.VERSIONS[consent.LOCAL], consent.OIDC)

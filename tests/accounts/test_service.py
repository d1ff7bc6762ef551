
import pytest
from werkzeug.security import check_password_hash

from civic.accounts import service
from civic.accounts.consent import CURRENT_VERSION as CONSENT
from civic.accounts.consent import OIDC, VERSIONS
from civic.accounts.models import OidcIdentity, User
from civic.errors import Conflict, Forbidden, Unauthorized, ValidationFailed
from tests.factories import PASSWORD, make_user

OIDC_CONSENT = VERSIONS[OIDC]     # sign-up through a provider has its own notice


@pytest.mark.real_password_hashing
def test_register_stores_an_scrypt_hash_and_normalises_email(app, db):
    user = service.register_local("  Citizen@Example.ORG ", PASSWORD, "Kim", privacy_consent=CONSENT)
    assert user.email == "citizen@example.org"
    assert user.role == "citizen"
    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, PASSWORD)


def test_register_reports_every_bad_field(app):
    with pytest.raises(ValidationFailed) as exc:
        service.register_local("not-an-email", "short", privacy_consent=CONSENT)
    assert set(exc.value.errors) == {"email", "password"}


def test_register_makes_no_second_account_for_a_taken_email_whatever_its_case(app, db):
    first = service.register_local("a@example.org", PASSWORD, privacy_consent=CONSENT)
    assert first is not None and not first.email_confirmed
    # No error that would tell the caller the address is taken (its owner is warned by mail).
    assert service.register_local("A@EXAMPLE.org", "another password", privacy_consent=CONSENT) is None
    assert db.session.query(User).count() == 1
    assert service.authenticate("a@example.org", PASSWORD).id == first.id


def test_authenticate_gives_one_generic_error(app):
    service.register_local("a@example.org", PASSWORD, privacy_consent=CONSENT)
    with pytest.raises(service.InvalidCredentials) as wrong_password:
        service.authenticate("a@example.org", "wrong password!")
    with pytest.raises(service.InvalidCredentials) as unknown:
        service.authenticate("nobody@example.org", PASSWORD)
    assert wrong_password.value.detail == unknown.value.detail
    assert service.authenticate("A@example.org", PASSWORD).email == "a@example.org"


def test_tokens_are_stored_hashed_and_revocable(app, db):
    user = service.register_local("a@example.org", PASSWORD, privacy_consent=CONSENT)
    token = service.issue_token(user)
    assert service.user_for_token(token) == user
    stored = db.session.query(service.ApiToken).one()
    assert stored.token_hash != token and token not in stored.token_hash
    assert service.revoke_tokens(user) == 1
    assert service.user_for_token(token) is None


def test_api_client_keys_are_stored_hashed(app, db):
    client, key = service.create_api_client("Open311 test app")
    assert service.client_for_key(key) == client
    assert client.key_hash != key
    assert service.client_for_key(key + "x") is None
    assert service.client_for_key(None) is None
    with pytest.raises(ValidationFailed):
        service.create_api_client("  ")


def test_create_staff_needs_a_known_department(app, departments):
    staff = make_user("staff", "ROADS")
    assert staff.department.code == "ROADS" and staff.has_role("staff")
    assert not staff.has_role("admin")
    with pytest.raises(ValidationFailed):
        service.create_user("x@example.org", PASSWORD, "staff")
    with pytest.raises(Conflict):
        service.create_user(staff.email, PASSWORD, "citizen")


def test_role_implications(app, departments):
    admin = make_user("admin")
    officer = make_user("alert_officer")
    assert admin.has_role("alert_officer") and admin.has_role("department_admin")
    assert officer.has_role("staff") and not officer.has_role("department_admin")
    with pytest.raises(Forbidden):
        service.require_role(officer, "admin")
    with pytest.raises(Unauthorized):
        service.require_role(None, "staff")


def test_oidc_links_by_provider_and_subject(app, db):
    first = service.sign_in_oidc("city", {"sub": "abc", "email": "k@example.org", "email_verified": True},
                                 privacy_consent=OIDC_CONSENT)
    again = service.sign_in_oidc("city", {"sub": "abc", "email": "changed@example.org"})
    other_provider = service.sign_in_oidc("kakao", {"sub": "abc"}, privacy_consent=OIDC_CONSENT)
    assert first.id == again.id != other_provider.id
    assert first.email == "k@example.org"
    assert db.session.query(OidcIdentity).count() == 2


def test_oidc_never_takes_over_a_local_account_by_email(app):
    local = service.register_local("k@example.org", PASSWORD, privacy_consent=CONSENT)
    linked = service.sign_in_oidc("city", {"sub": "1", "email": "k@example.org", "email_verified": True},
                                  privacy_consent=OIDC_CONSENT)
    assert linked.id != local.id and linked.email is None


def test_oidc_needs_a_subject(app):
    with pytest.raises(ValidationFailed):
        service.sign_in_oidc("city", {"email": "x@example.org"}, privacy_consent=OIDC_CONSENT)


def test_a_new_oidc_account_needs_the_current_consent_and_records_it(app, db):
    from civic.accounts import consent

    for version in (None, "", "2020-01-01"):
        with pytest.raises(ValidationFailed) as exc:
            service.sign_in_oidc("city", {"sub": "new", "email": "n@example.org", "email_verified": True},
                                 privacy_consent=version)
        assert set(exc.value.errors) == {"privacy_consent"}
    assert db.session.query(User).count() == 0 and db.session.query(OidcIdentity).count() == 0
    with pytest.raises(ValidationFailed):      # the local notice's version is not the provider path's
        service.sign_in_oidc("city", {"sub": "new"}, privacy_consent=CONSENT)
    user = service.sign_in_oidc("city", {"sub": "new"}, privacy_consent=OIDC_CONSENT)
    assert consent.latest_for(user).version == consent.VERSIONS[consent.OIDC]
    # A linked account signs in without it.
    assert service.sign_in_oidc("city", {"sub": "new"}).id == user.id


def test_who_starts_confirmed(app):
    from civic.accounts.recovery import EmailNotConfirmed, require_confirmed

    # A provider that vouches for the address (email_verified), and an administrator's account.
    assert service.sign_in_oidc("city", {"sub": "v", "email": "v@example.org", "email_verified": True},
                                privacy_consent=OIDC_CONSENT).email_confirmed
    unverified = service.sign_in_oidc("city", {"sub": "u", "email": "u@example.org", "email_verified": False},
                                      privacy_consent=OIDC_CONSENT)
    assert not unverified.email_confirmed
    assert make_user(email="cli@example.org").email_confirmed
    # A local sign-up does not, and may not file until it is.
    local = service.register_local("l@example.org", PASSWORD, privacy_consent=CONSENT)
    assert local is not None and not local.email_confirmed
    with pytest.raises(EmailNotConfirmed):
        require_confirmed(local)

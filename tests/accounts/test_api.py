from civic.accounts import service
from civic.errors import PROBLEM_JSON
from tests.factories import bearer, make_user


def test_me_needs_authentication(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM_JSON
    assert response.json["status"] == 401


def test_me_with_a_bearer_token(client, departments):
    user = make_user("staff", "ROADS", email="s@example.org")
    response = client.get("/api/v1/me", headers=bearer(user))
    assert response.status_code == 200
    assert response.json["email"] == "s@example.org"
    assert response.json["role"] == "staff"
    assert response.json["department"]["code"] == "ROADS"
    assert "password_hash" not in response.json


def test_revoked_or_unknown_tokens_are_refused(client):
    user = make_user()
    headers = bearer(user)
    service.revoke_tokens(user)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_departments_list(client, departments):
    body = client.get("/api/v1/departments").json
    codes = {d["code"] for d in body}
    assert {"ROADS", "GU-11680", "GU-11110"} <= codes
    gangnam = next(d for d in body if d["code"] == "GU-11680")
    assert gangnam["name_ko"] == "강남구청" and gangnam["name_en"] == "Gangnam-gu Office"

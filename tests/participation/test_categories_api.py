"""GET /api/v1/proposals/categories: clients need not read docs to file a proposal."""


def test_categories_are_listed_with_names_and_departments(client):
    response = client.get("/api/v1/proposals/categories")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.get_json()}
    assert rows["transport"] == {"code": "transport", "name_ko": "교통", "name_en": "Transport",
                                 "department": "TRAFFIC"}
    assert "other" in rows and all(row["name_ko"] and row["name_en"] for row in rows.values())


def test_categories_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/proposals/categories"]["get"]
    assert "200" in operation["responses"]


def test_a_listed_category_files_a_proposal(client, app):
    from tests.factories import bearer, make_user

    code = client.get("/api/v1/proposals/categories").get_json()[0]["code"]
    response = client.post("/api/v1/proposals", headers=bearer(make_user()),
                           json={"title": "공원에 그늘막을", "body": "여름에 그늘이 필요합니다. " * 3,
                                 "category": code})
    assert response.status_code == 201, response.get_json()

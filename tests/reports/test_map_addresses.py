"""Themed maps need no English address: derived from a Latin title, else map-<id>; every map
answers at /maps/<id> too, and existing addresses keep working."""

import pytest

from civic.errors import ValidationFailed
from civic.reports import maps
from tests.factories import make_user


def test_address_is_optional(app, db):
    owner = make_user()
    korean = maps.create_map(owner, "", "휠체어로 갈 수 있는 화장실", "", ["장애인 화장실"])
    assert korean.slug == f"map-{korean.id}"
    latin = maps.create_map(owner, None, "Safe Toilets 2!", "", ["toilet"])
    assert latin.slug == "safe-toilets-2"
    again = maps.create_map(owner, None, "Safe toilets 2", "", ["toilet"])  # taken: a number instead
    assert again.slug == f"map-{again.id}"
    chosen = maps.create_map(owner, "ramps", "경사로 지도", "", ["경사로"])
    assert chosen.slug == "ramps"
    assert maps.get_map(str(korean.id)) is korean and maps.get_map(korean.slug) is korean
    assert maps.get_map("ramps") is chosen and maps.get_map(str(chosen.id)) is chosen


@pytest.mark.parametrize("slug", ["Bad Slug", "12345", "map-7", "a"])
def test_a_chosen_address_is_still_checked(app, slug):
    with pytest.raises(ValidationFailed) as exc:
        maps.create_map(make_user(), slug, "제목", "", ["x"])
    assert "slug" in exc.value.errors


def test_map_form_without_address_and_pages_by_id(client, app):
    from tests.conftest import login

    user = make_user(email="mapper@example.org")
    login(client, user.email)
    response = client.post("/maps/new", data={"title": "여성 안심 귀갓길", "description": "",
                                              "categories": "안심벨\n가로등", "contribution": "open", "slug": ""})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/maps/map-")
    map_id = location.rsplit("-", 1)[1]
    assert "여성 안심 귀갓길" in client.get(f"/maps/{map_id}").get_data(as_text=True)
    assert client.get(f"/api/v1/maps/{map_id}").get_json()["properties"]["title"] == "여성 안심 귀갓길"
    listed = client.get("/api/v1/maps").get_json()
    assert listed[0]["id"] == int(map_id)

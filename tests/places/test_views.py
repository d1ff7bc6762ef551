"""The "near me" page (no JavaScript needed) and the facility page."""

import re

from tests.places.helpers import place


def names(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/places/\d+">([^<]+)</a>', html)


def test_index_without_a_point_explains_what_to_do(client, db):
    response = client.get("/places")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="near"' in html and 'name="lat"' in html and 'name="category"' in html
    assert "강남역" in html and "종로구" in html   # landmarks and districts, in Korean by default
    assert "leaflet" not in html.lower() and "maplibre" not in html.lower()


def test_list_near_a_landmark(client, db):
    place("시청 앞 화장실", lat=37.5664, lon=126.9780, phone="02-120", hours_text="상시")
    place("조금 먼 화장실", lat=37.5690, lon=126.9780)
    place("시청 약국", category="pharmacy", lat=37.5664, lon=126.9781)
    html = client.get("/places?category=toilet&near=city-hall").get_data(as_text=True)
    assert names(html) == ["시청 앞 화장실", "조금 먼 화장실"]
    assert 'href="tel:02-120"' in html
    assert "https://map.kakao.com/link/to/" in html
    assert "지금 열림" in html and re.search(r"<strong>\d+ m</strong>", html)
    # The map library is only loaded on request (by places.js), never with the page.
    assert not re.search(r"<script[^>]+leaflet", html) and not re.search(r"<link[^>]+leaflet", html)


def test_list_near_typed_coordinates_with_filters(client, db):
    place("낮", lat=37.5664, lon=126.9780, hours_text="09:00~18:00")
    place("휠체어", lat=37.5670, lon=126.9780, attributes={"wheelchair": True})
    html = client.get("/places?category=toilet&lat=37.566295&lon=126.977945&wheelchair=y").get_data(as_text=True)
    assert names(html) == ["휠체어"]


def test_bad_coordinates_re_render_with_errors(client, db):
    response = client.get("/places?category=toilet&lat=123&lon=126.97")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "error-summary" in html and 'aria-invalid="true"' in html
    assert client.get("/places?category=toilet&near=atlantis").status_code == 422


def test_empty_result(client, db):
    html = client.get("/places?category=hospital&near=11680").get_data(as_text=True)
    assert 'class="empty"' in html


def test_detail_page(client, db):
    created = place("시청 화장실", hours_text="월-금06:00~22:00 토-일09:00~18:00 공휴일 휴관",
                    attributes={"baby_changing": True}, address="서울특별시 중구 세종대로 110")
    html = client.get(f"/places/{created.id}").get_data(as_text=True)
    assert "시청 화장실" in html and "서울특별시 중구 세종대로 110" in html and "중구" in html
    assert "06:00–22:00" in html and "휴무" in html  # Korean for "Closed" on holidays
    assert "기저귀 교환대" in html
    assert client.get(f"/places/{created.id + 1}").status_code == 404


def test_english(client, db):
    created = place("City Hall toilet")
    client.get("/lang/en")
    html = client.get("/places?category=toilet&near=city-hall").get_data(as_text=True)
    assert "Public toilets near Seoul City Hall" in html
    assert "Hours unknown" in client.get(f"/places/{created.id}").get_data(as_text=True)


def test_results_link_to_the_other_categories_around_the_same_point(client, db):
    place("시청 앞 화장실", lat=37.5664, lon=126.9780)
    html = client.get("/places?category=toilet&near=city-hall").get_data(as_text=True)
    assert 'href="/places?category=pharmacy&amp;near=city-hall"' in html
    assert 'href="/places?category=toilet&amp;near=city-hall"' not in html

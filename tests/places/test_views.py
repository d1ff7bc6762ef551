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


def test_nothing_anywhere_near_says_what_the_city_has_data_for(client, db):
    place("강동 약국", category="pharmacy", lat=37.5500, lon=127.1500)   # 29 km from 강서구
    place("강서 화장실", lat=37.5600, lon=126.8300)
    html = client.get("/places?category=pharmacy&lat=37.5600&lon=126.8230").get_data(as_text=True)
    assert 'class="empty"' in html and "20 km" in html
    assert "자료가 있는 시설" in html and 'href="/places?category=toilet&amp;lat=37.5600&amp;lon=126.8230"' in html


def test_categories_without_data_are_not_offered(client, db):
    place("시청 앞 화장실", lat=37.5664, lon=126.9780)
    place("시청 약국", category="pharmacy", lat=37.5664, lon=126.9781)
    html = client.get("/places").get_data(as_text=True)
    assert '<option value="toilet"' in html or 'value="toilet"' in html
    assert 'value="pharmacy"' in html
    for empty in ("public_office", "flood_shelter", "civil_defence_shelter", "wifi", "hospital"):
        assert f'value="{empty}"' not in html


def test_few_results_widen_the_search_and_say_so(client, db):
    place("1 km", lat=37.5753, lon=126.9780)
    place("4 km", lat=37.6023, lon=126.9780)
    place("6.5 km", lat=37.6248, lon=126.9780)
    place("far south", lat=37.4700, lon=126.9500)
    html = client.get("/places?category=toilet&near=city-hall").get_data(as_text=True)
    assert "3 km 안에 1곳뿐이라 7 km까지 넓혀 찾았습니다." in html
    assert names(html) == ["1 km", "4 km", "6.5 km"]
    place("2 km", lat=37.5843, lon=126.9780)
    place("2.5 km", lat=37.5888, lon=126.9780)
    html = client.get("/places?category=toilet&near=city-hall").get_data(as_text=True)
    assert "넓혀" not in html and names(html) == ["1 km", "2 km", "2.5 km"]
    html = client.get("/places?category=toilet&lat=37.45&lon=126.9780").get_data(as_text=True)
    assert "3 km 안에 없어" in html


def test_results_fold_the_form_into_a_one_line_summary(client, db):
    place("시청 앞 화장실", lat=37.5664, lon=126.9780)
    html = client.get("/places?category=toilet&lat=37.566295&lon=126.977945").get_data(as_text=True)
    assert re.search(r'<details class="search-box" id="search-box">\s*<summary><span>현재 위치 기준</span> · '
                     r'<span class="change">바꾸기</span></summary>', html)
    assert '<details class="search-box" id="search-box" open' not in html
    assert 'id="search-box"' not in client.get("/places").get_data(as_text=True)  # nothing to fold yet


def test_dong_places_are_approximate_and_phones_dialable(client, db):
    from civic.places.importer import import_file
    from tests.places.helpers import FIXTURES

    import_file(FIXTURES / "pharmacy_hours_cp949.csv", "pharmacy", data_date="2021")
    html = client.get("/places?category=pharmacy&lat=37.4960&lon=127.1500").get_data(as_text=True)
    # Never ranked among exact places by a made-up distance: listed apart, for the dong of the point.
    assert names(html) == [] and 'data-precision="dong"' not in html
    apart = html[html.index("이 동에 있는 약국 · 위치 대략"):]
    assert "진메디칼약국" in apart
    ranged = place("시청 민원실", phone="02-2133-0001%7E6", source="seoul-toilets",
                   details={"data_date": "2025-06"})
    page = client.get(f"/places/{ranged.id}").get_data(as_text=True)
    assert 'href="tel:02-2133-0001"' in page and "02-2133-0001~6" in page and "%7E" not in page
    assert "서울시 공중화장실 현황 · 2025-06 기준" in page


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
    place("시청 약국", category="pharmacy", lat=37.5664, lon=126.9781)
    html = client.get("/places?category=toilet&near=city-hall").get_data(as_text=True)
    assert 'href="/places?category=pharmacy&amp;near=city-hall"' in html
    assert 'href="/places?category=toilet&amp;near=city-hall"' not in html

"""Report and map pages, the three-step flow without JavaScript, staff triage."""

import io

from sqlalchemy import func, select

from civic import uploads
from civic.audit import entries_for
from civic.reports import maps, service
from civic.reports.models import Report
from tests.conftest import login
from tests.factories import make_user
from tests.reports.conftest import GANGNAM, JONGNO, file_report, jpeg_with_gps, offset


def signed_in(client, role="citizen", department=None, **kwargs):
    user = make_user(role, department=department, **kwargs)
    login(client, user.email)
    return user


def test_public_list_filters_and_empty_state(client, catalog):
    empty = client.get("/reports", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No reports match" in empty
    user = make_user(email="who@example.org", name="Secret Person")
    file_report(user, description="Hole near COEX")
    file_report(user, "fallen_tree", point=JONGNO, description="Tree down")
    page = client.get("/reports", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Pothole" in page and "Fallen tree" in page
    assert "who@example.org" not in page and "Secret Person" not in page
    filtered = client.get("/reports?service=fallen_tree", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Fallen tree" in filtered and "#1 Pothole" not in filtered
    assert client.get("/reports?district=11110&status=open").status_code == 200


def test_three_step_flow_without_javascript(client, catalog, db):
    signed_in(client)
    assert client.get("/reports/new").status_code == 200
    # Step 1 -> 2 with only an address (no GPS, no map).
    step2 = client.get("/reports/new", query_string={"step": 2, "address": "종로구 종로 1"})
    assert step2.status_code == 200 and 'name="service_code"' in step2.get_data(as_text=True)
    # Missing location -> back to step 1 with an error.
    assert client.get("/reports/new?step=2").status_code == 422
    # Step 3 with coordinates: the form for the pothole's extra questions.
    where = {"lat": GANGNAM[0], "lon": GANGNAM[1], "address": "", "district_code": ""}
    step3 = client.get("/reports/new", query_string={"step": 3, "service_code": "pothole", **where})
    html = step3.get_data(as_text=True)
    assert 'name="attribute[SIZE]"' in html and 'type="file"' in html
    # Missing required answer -> 422, nothing saved.
    data = {"step": "3", "service_code": "pothole", **where, "description": "Big hole"}
    assert client.post("/reports/new", data=data).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
    response = client.post("/reports/new", content_type="multipart/form-data", data={
        **data, "attribute[SIZE]": "large", "photos": [(io.BytesIO(jpeg_with_gps()), "hole.jpg")]})
    assert response.status_code == 302, response.get_data(as_text=True)
    report = db.session.scalar(select(Report))
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    assert report.attributes == {"SIZE": "large"} and len(report.photos) == 1
    detail = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert report.photos[0].thumb_name in detail and "Big hole" in detail


def test_corrupt_photo_is_a_clear_error_and_nothing_remains(client, catalog, db):
    signed_in(client)
    response = client.post("/reports/new", content_type="multipart/form-data", data={
        "step": "3", "service_code": "flooding", "lat": JONGNO[0], "lon": JONGNO[1],
        "photos": [(io.BytesIO(jpeg_with_gps()[:300]), "broken.jpg")]})
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
    assert list(uploads.upload_dir().iterdir()) == []


def test_duplicates_are_offered_and_can_be_followed(client, catalog):
    existing = file_report(make_user(), description="Already here")
    user = signed_in(client)
    near = offset(GANGNAM, east_m=25)
    html = client.get("/reports/new", query_string={"step": 3, "service_code": "pothole", "lat": near[0],
                                                    "lon": near[1]}).get_data(as_text=True)
    assert f"/reports/{existing.id}/follow" in html
    assert client.post(f"/reports/{existing.id}/follow").status_code == 302
    assert service.is_following(user, service.get_report(existing.id))


def test_photos_are_served_with_their_type_only_for_known_names(client, catalog):
    report = file_report(make_user(), photos=[io.BytesIO(jpeg_with_gps())])
    response = client.get(f"/reports/photos/{report.photos[0].name}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/reports/photos/unknown.jpg").status_code == 404
    assert client.get("/reports/photos/..%2Fsecret_key").status_code == 404


def test_my_reports_needs_sign_in(client, catalog):
    assert client.get("/reports/mine").status_code == 302
    user = signed_in(client)
    mine = file_report(user, description="Mine")
    other = file_report(make_user(), "fallen_tree", point=JONGNO)
    page = client.get("/reports/mine").get_data(as_text=True)
    assert f"/reports/{mine.id}" in page and f"/reports/{other.id}" not in page


def test_staff_triage_sees_only_their_department_and_updates_are_audited(client, catalog, db):
    reporter = make_user()
    pothole = file_report(reporter)
    tree = file_report(reporter, "fallen_tree", point=JONGNO)
    staff = signed_in(client, "staff", department="ROADS")
    page = client.get("/staff/reports").get_data(as_text=True)
    assert f"/reports/{pothole.id}" in page and f"/reports/{tree.id}" not in page
    assert 'name="status"' in client.get(f"/reports/{pothole.id}").get_data(as_text=True)
    assert 'name="status"' not in client.get(f"/reports/{tree.id}").get_data(as_text=True)
    assert client.post(f"/reports/{tree.id}/updates", data={"status": "closed", "close_reason": "fixed"}
                       ).status_code == 403
    bad = client.post(f"/reports/{pothole.id}/updates", data={"status": "closed", "text": "done"})
    assert bad.status_code == 422
    ok = client.post(f"/reports/{pothole.id}/updates",
                     data={"status": "closed", "close_reason": "fixed", "text": "Patched."})
    assert ok.status_code == 302
    db.session.expire_all()
    assert service.get_report(pothole.id).status == "closed"
    assert entries_for("report", pothole.id)[0].actor_id == staff.id
    moved = client.post(f"/staff/reports/{pothole.id}/transfer", data={"department_code": "PARKS", "reason": "x"})
    db.session.expire_all()
    assert moved.status_code == 302 and service.get_report(pothole.id).department.code == "PARKS"


def test_staff_pages_need_the_role(client, catalog):
    assert client.get("/staff/reports").status_code == 302
    signed_in(client)
    assert client.get("/staff/reports").status_code == 403
    assert client.get("/staff/reports/routing").status_code == 403


def test_admin_edits_routing_on_a_page(client, catalog):
    signed_in(client, "admin")
    assert client.get("/staff/reports/routing").status_code == 200
    response = client.post("/staff/reports/routing", data={"service_code": "graffiti", "district_code": "",
                                                           "department_code": "URBAN-DESIGN"})
    assert response.status_code == 302
    assert service.route_report("graffiti", None).code == "URBAN-DESIGN"
    assert service.route_report("graffiti", "11110").code == "GU-11110"     # the more specific rule


def test_map_pages(client, catalog):
    owner = signed_in(client)
    assert client.get("/maps").status_code == 200
    bad = client.post("/maps/new", data={"title": "T", "slug": "No Spaces!", "categories": "a"})
    assert bad.status_code == 422
    response = client.post("/maps/new", data={"title": "Safe routes", "slug": "safe-routes",
                                              "categories": "cctv\nbell", "contribution": "invite"})
    assert response.status_code == 302
    response = client.post("/maps/safe-routes/points/new", content_type="multipart/form-data", data={
        "category": "bell", "name": "Bell at park", "lat": str(JONGNO[0]), "lon": str(JONGNO[1]),
        "photo": (io.BytesIO(jpeg_with_gps()), "bell.jpg")})
    assert response.status_code == 302
    cmap = maps.get_map("safe-routes")
    assert cmap.owner_id == owner.id and cmap.points[0].photo_name
    page = client.get("/maps/safe-routes").get_data(as_text=True)
    assert "Bell at park" in page
    owner_page = client.get("/maps/safe-routes", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "내가 만든 지도 · 관리 도구" in owner_page and "초대한 사람만" in owner_page
    photo = client.get(f"/maps/photos/{cmap.points[0].photo_thumb_name}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    geo = client.get("/maps/safe-routes.geojson")
    assert geo.mimetype == "application/geo+json"
    assert geo.get_json()["features"][0]["properties"]["name"] == "Bell at park"
    client.post("/logout")
    signed_in(client)
    assert client.get("/maps/safe-routes/points/new").status_code == 302      # invite only
    assert "owner-tools" not in client.get("/maps/safe-routes").get_data(as_text=True)
    forbidden = client.post("/maps/safe-routes/points/new", data={
        "category": "bell", "name": "x", "lat": str(JONGNO[0]), "lon": str(JONGNO[1])})
    assert forbidden.status_code == 403
    assert client.post(f"/maps/safe-routes/points/{cmap.points[0].id}/moderate", data={"state": "hidden"}
                       ).status_code == 403


def test_expected_handling_is_the_end_of_a_working_day(client, catalog, db):
    """72 hours = 3 working days after the day of filing, shown as a day ("12월 11일 (금)까지"),
    not the filing minute three days later."""
    from datetime import UTC, datetime

    from civic.reports.service import expected_by
    from civic.timezone import to_local

    tuesday_night = datetime(2026, 12, 7, 16, 26, tzinfo=UTC)        # Tue 8 Dec 01:26 in Seoul
    due = to_local(expected_by(tuesday_night, 72))
    assert (due.date().isoformat(), due.hour, due.minute) == ("2026-12-11", 23, 59)
    friday = datetime(2026, 12, 11, 1, 0, tzinfo=UTC)                 # Fri 11 Dec 10:00 in Seoul
    assert to_local(expected_by(friday, 72)).date().isoformat() == "2026-12-16"   # over the weekend
    before_christmas = datetime(2026, 12, 23, 1, 0, tzinfo=UTC)       # Wed; 25 Dec is a holiday
    assert to_local(expected_by(before_christmas, 48)).date().isoformat() == "2026-12-28"
    assert expected_by(tuesday_night, None) is None

    report = file_report(make_user(), service_code="pothole")
    html = client.get(f"/reports/{report.id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    day_text = html.split("처리 예정")[1].split("</dd>")[0]
    assert "까지" in day_text and "오전" not in day_text and "오후" not in day_text

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from civic import uploads
from civic.audit import entries_for
from civic.errors import Forbidden, NotFound, ValidationFailed
from civic.notifications.models import Notification
from civic.reports import handling, maps, open311, service
from civic.reports.models import MapPoint, Report, ReportPhoto
from civic.reports.seed import seed
from tests.factories import make_user
from tests.reports.conftest import GANGNAM, JONGNO, file_report, jpeg_with_gps, offset, png_bytes


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- catalogue and routing ---------------------------------------------------------------

def test_seed_is_idempotent_and_has_the_catalogue(catalog):
    assert seed() == 0
    codes = {s.code for s in service.list_services()}
    assert {"pothole", "streetlight", "illegal_dumping", "illegal_parking", "accessibility", "graffiti",
            "fallen_tree", "flooding"} <= codes
    assert service.get_service("pothole").attributes[0]["code"] == "SIZE"


def test_routing_by_service_and_district(catalog):
    assert service.route_report("pothole", "11680").code == "ROADS"
    assert service.route_report("illegal_dumping", "11680").code == "GU-11680"
    assert service.route_report("illegal_dumping", "11110").code == "GU-11110"
    # No rule for the service: the district office, and without a district the city's office.
    assert service.route_report("unknown", "11110").code == "GU-11110"
    assert service.route_report("graffiti", None).code == "CIVIL-AFFAIRS"


def test_admin_edits_routing_rules_and_others_may_not(catalog, db):
    admin = make_user("admin")
    staff = make_user("staff", department="ROADS")
    with pytest.raises(Forbidden):
        service.set_routing_rule(staff, "pothole", "11680", "GU-11680")
    service.set_routing_rule(admin, "pothole", "11680", "GU-11680")
    assert service.route_report("pothole", "11680").code == "GU-11680"
    assert service.route_report("pothole", "11110").code == "ROADS"
    assert entries_for("report_routing", "pothole/11680")[0].actor_id == admin.id
    service.set_routing_rule(admin, "pothole", "11680", None)
    assert service.route_report("pothole", "11680").code == "ROADS"
    with pytest.raises(ValidationFailed):
        service.set_routing_rule(admin, "pothole", "99999", "ROADS")


def test_attribute_definitions_are_checked(catalog):
    admin = make_user("admin")
    with pytest.raises(ValidationFailed):
        service.upsert_service(admin, "pothole", attributes=[{"code": "X", "datatype": "colour"}])
    svc = service.upsert_service(admin, "noise", name_ko="소음", name_en="Noise",
                                 attributes=[{"code": "WHEN", "datatype": "string", "required": True}])
    assert svc.attributes[0]["required"] is True
    assert entries_for("report_service", "noise")


# --- filing reports ----------------------------------------------------------------------

def test_report_gets_district_department_and_expected_time(catalog):
    user = make_user()
    report = file_report(user, description="Deep hole  \x07")
    assert report.district_code == "11680"
    assert report.department.code == "ROADS"
    assert report.status == "open" and report.description == "Deep hole"
    from civic.reports.service import expected_by

    assert report.expected_at == expected_by(report.created_at, 72)   # end of the 3rd working day
    assert report.public_name is None


def test_public_name_only_when_chosen(catalog):
    user = make_user(name="Kim Minji")
    assert file_report(user).public_name is None
    assert file_report(user, show_name=True).public_name == "Kim Minji"


def test_location_rules(catalog):
    with pytest.raises(ValidationFailed) as exc:
        service.resolve_location(91, 127)
    assert "lat" in exc.value.errors
    with pytest.raises(ValidationFailed):
        service.resolve_location(35.1, 129.0)      # Busan: outside the service area
    with pytest.raises(ValidationFailed):
        service.resolve_location()
    by_text = service.resolve_location(address="종로구 세종대로 175 앞")
    assert by_text.lat is None and by_text.district_code == "11110"
    assert service.resolve_location(address="near Gangnam-gu office").district_code == "11680"
    user = make_user()
    report = file_report(user, "illegal_dumping", point=None, address="강남구 테헤란로 152")
    assert report.department.code == "GU-11680"


def test_description_and_attributes_are_validated(catalog):
    user = make_user()
    with pytest.raises(ValidationFailed) as exc:
        file_report(user, description="x" * 4001)
    assert "description" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        file_report(user, attributes={})
    assert "attribute[SIZE]" in exc.value.errors
    with pytest.raises(ValidationFailed):
        file_report(user, attributes={"SIZE": "enormous"})
    report = file_report(user, attributes={"SIZE": "large", "ONROAD": "yes", "EXTRA": "dropped"})
    assert report.attributes == {"SIZE": "large", "ONROAD": "yes"}


def test_unknown_service_and_anonymous_reporter(catalog):
    with pytest.raises(NotFound):
        file_report(make_user(), "teleporter")
    with pytest.raises(Forbidden):
        file_report(None)


# --- photos -------------------------------------------------------------------------------

def test_photos_are_stored_without_exif_gps(catalog, db):
    report = file_report(make_user(), photos=[io.BytesIO(jpeg_with_gps()), io.BytesIO(png_bytes())])
    assert [p.content_type for p in report.photos] == ["image/jpeg", "image/png"]
    stored = uploads.upload_dir() / report.photos[0].name
    with Image.open(stored) as image:
        assert not image.getexif().get(0x8825)
    assert b"Secret Phone" not in stored.read_bytes()
    assert (uploads.upload_dir() / report.photos[0].thumb_name).exists()


def test_bad_photo_leaves_no_report_and_no_file(catalog, db):
    with pytest.raises(ValidationFailed) as exc:
        file_report(make_user(), photos=[io.BytesIO(png_bytes()), io.BytesIO(b"GIF89a not really" * 20)])
    assert "photos" in exc.value.errors
    assert count(db, Report) == 0
    assert list(uploads.upload_dir().iterdir()) == []


def test_decompression_bomb_and_too_many_photos_are_refused(catalog, db):
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    bomb.seek(0)
    with pytest.raises(ValidationFailed):
        file_report(make_user(), photos=[bomb])
    with pytest.raises(ValidationFailed) as exc:
        file_report(make_user(), photos=[io.BytesIO(png_bytes()) for _ in range(4)])
    assert "photos" in exc.value.errors
    assert count(db, Report) == 0 and list(uploads.upload_dir().iterdir()) == []


def test_database_failure_deletes_stored_photos(catalog, db, monkeypatch):
    def broken_commit():
        raise RuntimeError("database went away")

    user = make_user()
    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        file_report(user, photos=[io.BytesIO(png_bytes())])
    monkeypatch.undo()
    assert count(db, ReportPhoto) == 0
    assert list(uploads.upload_dir().iterdir()) == []


# --- duplicates and followers --------------------------------------------------------------

def test_duplicates_are_open_reports_of_the_same_service_within_50_m(catalog):
    user = make_user()
    near = file_report(user, point=offset(GANGNAM, north_m=30))
    file_report(user, point=offset(GANGNAM, east_m=80))                     # too far
    file_report(user, "streetlight", point=offset(GANGNAM, north_m=10))      # other service
    closed = file_report(user, point=offset(GANGNAM, north_m=5))
    staff = make_user("staff", department="ROADS")
    handling.post_update(staff, closed, "Filled.", "closed", "fixed")
    found = service.nearby_open_reports("pothole", *GANGNAM)
    assert [r.id for r in found] == [near.id]


def test_follow_instead_of_reporting_again(catalog):
    reporter, neighbour = make_user(), make_user()
    report = file_report(reporter)
    assert service.follow(neighbour, report) is True
    assert service.follow(neighbour, report) is False
    assert service.is_following(neighbour, report)
    service.unfollow(neighbour, report)
    assert not service.is_following(neighbour, report)


# --- status timeline and authorization ------------------------------------------------------

def test_only_staff_of_the_routed_department_change_status(catalog):
    report = file_report(make_user())
    with pytest.raises(Forbidden):
        handling.post_update(make_user(), report, "I fixed it myself", "closed", "fixed")
    with pytest.raises(Forbidden):
        handling.post_update(make_user("staff", department="PARKS"), report, "", "acknowledged")
    with pytest.raises(Forbidden):
        handling.transfer_report(make_user("staff", department="PARKS"), report, "PARKS", "ours")
    update = handling.post_update(make_user("admin"), report, "", "acknowledged")
    assert update.new_status == "acknowledged"


def test_status_timeline_notifications_and_audit(catalog, db):
    reporter, follower = make_user(), make_user()
    report = file_report(reporter)
    service.follow(follower, report)
    staff = make_user("staff", department="ROADS")
    handling.post_update(staff, report, "", "acknowledged")
    handling.post_update(staff, report, "Crew booked for Monday.", "in_progress")
    with pytest.raises(ValidationFailed) as exc:
        handling.post_update(staff, report, "Done", "closed")
    assert "close_reason" in exc.value.errors
    with pytest.raises(ValidationFailed):
        handling.post_update(staff, report, "", None)
    handling.post_update(staff, report, "Resurfaced.", "closed", "fixed")
    assert report.status == "closed" and report.close_reason == "fixed"
    assert [(u.old_status, u.new_status) for u in report.updates] == [
        ("open", "acknowledged"), ("acknowledged", "in_progress"), ("in_progress", "closed")]
    notes = list(db.session.scalars(select(Notification).order_by(Notification.id)))
    assert {n.user_id for n in notes} == {reporter.id, follower.id}
    assert len(notes) == 6 and all(n.url == f"/reports/{report.id}" for n in notes)
    assert "완료" in notes[-1].body or "Closed" in notes[-1].body or "종료" in notes[-1].body
    actions = [e.action for e in entries_for("report", report.id)]
    assert actions == ["report.update"] * 3


def test_transfer_moves_the_report_to_another_department(catalog):
    report = file_report(make_user())
    roads = make_user("staff", department="ROADS")
    parks = make_user("staff", department="PARKS")
    with pytest.raises(ValidationFailed):
        handling.transfer_report(roads, report, "PARKS", "")
    handling.transfer_report(roads, report, "PARKS", "It is a tree root")
    assert report.department.code == "PARKS"
    assert handling.can_manage(parks, report) and not handling.can_manage(roads, report)
    assert entries_for("report", report.id)[0].detail["to_department"] == "PARKS"


def test_staff_lists_only_their_departments_reports(catalog):
    user = make_user()
    pothole = file_report(user)
    tree = file_report(user, "fallen_tree", point=JONGNO)
    roads = make_user("staff", department="ROADS")
    page = handling.staff_reports(roads, service.ReportFilters())
    assert [r.id for r in page.items] == [pothole.id]
    everything = handling.staff_reports(make_user("admin"), service.ReportFilters())
    assert {r.id for r in everything.items} == {pothole.id, tree.id}
    with pytest.raises(Forbidden):
        handling.staff_reports(user, service.ReportFilters())


def test_search_requests_maps_statuses_to_open311(catalog):
    user = make_user()
    a = file_report(user)
    b = file_report(user, "fallen_tree", point=JONGNO)
    handling.post_update(make_user("staff", department="ROADS"), a, "", "in_progress")
    assert {r.id for r in open311.search_requests(statuses=["open"])} == {a.id, b.id}
    assert open311.search_requests(statuses=["closed"]) == []
    assert [r.id for r in open311.search_requests(service_codes=["fallen_tree"])] == [b.id]
    assert [r.id for r in open311.search_requests(ids=[a.id])] == [a.id]


# --- themed maps ---------------------------------------------------------------------------

def test_open_map_moderation(catalog, db):
    owner, stranger, staff = make_user(), make_user(), make_user("staff")
    cmap = maps.create_map(owner, "safe-toilets", "Safe toilets", "", "toilet\nbell", "open")
    with pytest.raises(ValidationFailed):
        maps.create_map(owner, "safe-toilets", "Again", "", "x")
    mine = maps.add_point(owner, cmap, category="toilet", name="Station toilet", lat=GANGNAM[0], lon=GANGNAM[1])
    theirs = maps.add_point(stranger, cmap, category="bell", name="Emergency bell", lat=JONGNO[0], lon=JONGNO[1])
    assert (mine.state, theirs.state) == ("published", "pending")
    assert [p.id for p in maps.visible_points(cmap, None)] == [mine.id]
    assert len(maps.visible_points(cmap, owner)) == 2
    with pytest.raises(Forbidden):
        maps.moderate_point(stranger, cmap, theirs.id, "published")
    maps.moderate_point(owner, cmap, theirs.id, "published")
    assert len(maps.map_geojson(cmap)["features"]) == 2
    maps.moderate_point(staff, cmap, mine.id, "hidden")
    assert entries_for("map_point", mine.id)[0].action == "map_point.hidden"
    geojson = maps.map_geojson(cmap)
    assert [f["properties"]["name"] for f in geojson["features"]] == ["Emergency bell"]
    maps.moderate_point(owner, cmap, mine.id, "deleted")
    assert count(db, MapPoint) == 1
    with pytest.raises(ValidationFailed):
        maps.add_point(owner, cmap, category="nope", name="x", lat=GANGNAM[0], lon=GANGNAM[1])


def test_invite_only_map(catalog):
    owner, friend, stranger = make_user(), make_user(), make_user()
    cmap = maps.create_map(owner, "ramps", "Ramps", "", ["ramp"], "invite")
    with pytest.raises(Forbidden):
        maps.add_point(stranger, cmap, category="ramp", name="x", lat=GANGNAM[0], lon=GANGNAM[1])
    with pytest.raises(Forbidden):
        maps.invite(stranger, cmap, friend.email)
    maps.invite(owner, cmap, friend.email)
    point = maps.add_point(friend, cmap, category="ramp", name="Ramp", lat=GANGNAM[0], lon=GANGNAM[1],
                           photo=io.BytesIO(jpeg_with_gps()))
    assert point.state == "published" and point.photo_name
    with Image.open(uploads.upload_dir() / point.photo_name) as image:
        assert not image.getexif().get(0x8825)

import pytest

from civic.alerts import service
from civic.alerts.models import Alert, PushSubscription
from civic.audit import entries_for
from civic.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from tests.alerts.helpers import GANGNAM, JONGNO, MAPO, alert_data, subscribe
from tests.factories import make_user
from tests.webpush.pushservice import b64u

# A point in Gangnam-gu (COEX) and one in Jongno-gu (Gwanghwamun).
GANGNAM_POINT = (37.5126, 127.0590)
JONGNO_POINT = (37.5759, 126.9769)


def test_subscribe_creates_then_updates_the_same_endpoint(app, push_service):
    device = push_service.new_device()
    sub, created = service.subscribe(push_service.subscription(device, districts=[GANGNAM], types=["fire"]))
    assert created and sub.chosen_districts == [GANGNAM] and sub.type_list == ["fire"]
    sub2, created2 = service.subscribe(push_service.subscription(
        device, districts=[JONGNO, MAPO], lat=GANGNAM_POINT[0], lon=GANGNAM_POINT[1], lang="en"))
    assert not created2 and sub2.id == sub.id
    assert sub2.chosen_districts == [JONGNO, MAPO] and sub2.location_district == GANGNAM
    assert (sub2.lat, sub2.lon) == (37.513, 127.059)  # kept to ~100 m only
    assert sub2.type_list == [] and sub2.lang == "en"


@pytest.mark.parametrize("change, field", [
    ({"endpoint": "https://push.evil.example/x"}, "endpoint"),
    ({"endpoint": "https://fcm.googleapis.com/x\r\nX-Injected: 1"}, "endpoint"),
    ({"keys": {"p256dh": b64u(b"\x04" + b"\x01" * 64), "auth": b64u(b"a" * 16)}}, "keys.p256dh"),  # not on curve
    ({"keys": {"p256dh": "not base64!", "auth": b64u(b"a" * 16)}}, "keys.p256dh"),
    ({"auth_len": 8}, "keys.auth"),
    ({"districts": ["99999"]}, "districts"),
    ({"districts": [], "lat": 35.1, "lon": 129.0}, "lat"),  # Busan: outside the city
    ({"districts": [], "lat": 95, "lon": 127}, "lat"),
    ({"districts": []}, "districts"),
    ({"types": ["zombies"]}, "types"),
    ({"lang": "fr"}, "lang"),
])
def test_subscription_validation(app, push_service, change, field):
    device = push_service.new_device()
    data = push_service.subscription(device, districts=[GANGNAM])
    if "auth_len" in change:
        data["keys"]["auth"] = b64u(b"a" * change.pop("auth_len"))
    data.update(change)
    with pytest.raises(ValidationFailed) as exc:
        service.subscribe(data)
    assert field in exc.value.errors


def test_unsubscribe(app, db, push_service):
    device, sub = subscribe(push_service)
    service.unsubscribe(sub.endpoint)
    assert db.session.query(PushSubscription).count() == 0
    with pytest.raises(NotFound):
        service.unsubscribe(push_service.endpoint(device))


def test_only_alert_officers_draft(app, departments):
    citizen = make_user()
    staff = make_user("staff")
    for user in (citizen, staff, None):
        with pytest.raises((Forbidden, Unauthorized)):
            service.create_draft(user, alert_data())


def test_alert_validation(app, officers):
    officer = officers[0]
    with pytest.raises(ValidationFailed) as exc:
        service.create_draft(officer, alert_data(type="meteor", level="panic", headline_ko="", districts=["123"]))
    assert {"type", "level", "headline_ko", "districts"} <= set(exc.value.errors)
    with pytest.raises(ValidationFailed) as exc:
        service.create_draft(officer, alert_data(districts=[]))
    assert "districts" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        service.create_draft(officer, alert_data(polygon={"type": "Point", "coordinates": [127, 37.5]}))
    assert "polygon" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        service.create_draft(officer, alert_data(onset="2030-01-01T10:00", expires="2030-01-01T09:00"))
    assert "expires" in exc.value.errors


def test_emergency_needs_a_second_officers_approval(app, db, officers):
    first, second = officers
    alert = service.create_draft(first, alert_data(level="emergency"))
    with pytest.raises(Conflict):
        service.send(first, alert)
    with pytest.raises(Forbidden):
        service.approve(first, alert)  # not by the author
    service.approve(second, alert)
    # Editing the text voids the approval.
    service.update_draft(first, alert, alert_data(level="emergency", headline_ko="호우 경보 (수정)"))
    assert alert.approved_by_id is None
    service.approve(second, alert)
    service.send(first, alert)
    assert alert.status == "sent" and alert.sent_by_id == first.id and alert.approved_by_id == second.id
    actions = [e.action for e in entries_for("alert", alert.id)]
    assert actions == ["alert.draft", "alert.approve", "alert.edit", "alert.approve", "alert.send"]
    with pytest.raises(Conflict):
        service.send(first, alert)


def test_non_emergency_needs_no_approval(app, officers):
    alert = service.create_draft(officers[0], alert_data(level="safety"))
    with pytest.raises(Conflict):
        service.approve(officers[1], alert)
    assert service.send(officers[0], alert).status == "sent"


def test_preview_counts_per_district_with_types_and_locations(app, officers, push_service):
    subscribe(push_service, districts=[GANGNAM])
    subscribe(push_service, districts=[GANGNAM, JONGNO])
    subscribe(push_service, districts=[GANGNAM], types=["fire"])  # wrong type
    subscribe(push_service, districts=[MAPO])
    subscribe(push_service, districts=[], lat=GANGNAM_POINT[0], lon=GANGNAM_POINT[1])
    alert = service.create_draft(officers[0], alert_data(districts=[GANGNAM, JONGNO]))
    preview = service.preview(officers[0], alert)
    assert preview.total == 3
    assert preview.per_district == {GANGNAM: 3, JONGNO: 1}


def test_polygon_and_circle_target_locations_inside_only(app, officers, push_service):
    lat, lon = GANGNAM_POINT
    near = subscribe(push_service, districts=[], lat=lat, lon=lon)[1]
    # Also in Gangnam-gu, but ~3 km away from the polygon.
    far = subscribe(push_service, districts=[], lat=37.4812, lon=127.0585)[1]
    whole_district = subscribe(push_service, districts=[GANGNAM])[1]
    box = {"type": "Polygon", "coordinates": [[[lon - 0.005, lat - 0.005], [lon + 0.005, lat - 0.005],
                                               [lon + 0.005, lat + 0.005], [lon - 0.005, lat + 0.005],
                                               [lon - 0.005, lat - 0.005]]]}
    alert = service.create_draft(officers[0], alert_data(districts=[], polygon=box))
    ids = set(service.preview(officers[0], alert).subscription_ids)
    assert near.id in ids and far.id not in ids
    assert whole_district.id in ids  # the polygon touches the district they chose
    circle = service.create_draft(officers[0], alert_data(districts=[], circle_lat=lat, circle_lon=lon,
                                                          circle_radius_m=500))
    ids = set(service.preview(officers[0], circle).subscription_ids)
    assert near.id in ids and far.id not in ids


def test_followups_reference_the_original_and_replace_it(app, officers, push_service):
    officer = officers[0]
    original = service.send(officer, service.create_draft(officer, alert_data()))
    with pytest.raises(Conflict):
        service.create_followup(officer, service.create_draft(officer, alert_data()), "Update", {})
    update = service.create_followup(officer, original, "Update", {"headline_ko": "호우 경보 연장"})
    assert update.references_id == original.id and update.msg_type == "Update"
    assert update.type == original.type and update.districts == original.districts
    assert update.topic == original.topic
    service.send(officer, update)
    assert service.active_alerts() == [update]
    cancel = service.send(officer, service.create_followup(officer, update, "Cancel",
                                                           {"headline_ko": "호우 경보 해제"}))
    assert cancel.topic == original.topic and cancel.root.id == original.id
    assert service.active_alerts() == [cancel]


def test_public_history_hides_drafts(app, officers):
    officer = officers[0]
    draft = service.create_draft(officer, alert_data())
    sent = service.send(officer, service.create_draft(officer, alert_data(type="fire", districts=[JONGNO])))
    assert [a.id for a in service.history().items] == [sent.id]
    assert [a.id for a in service.history(district=JONGNO).items] == [sent.id]
    assert service.history(district=GANGNAM).items == []
    assert service.history(type_="heavy_rain").items == []
    with pytest.raises(NotFound):
        service.get_public(draft.id)
    assert isinstance(service.get_public(sent.id), Alert)

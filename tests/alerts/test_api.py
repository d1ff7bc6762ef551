from pathlib import Path

import pytest
from lxml import etree

from civic.alerts import service
from civic.alerts.models import PushSubscription
from tests.alerts.helpers import GANGNAM, JONGNO, alert_data, send_alert, subscribe
from tests.factories import bearer, make_user

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("CAP-v1.2.xsd"))))
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def test_vapid_public_key(client, app):
    body = client.get("/api/v1/push/vapid-public-key").get_json()
    assert body["publicKey"] == app.config["VAPID_PUBLIC_KEY"] and len(body["publicKey"]) == 87


def test_vapid_key_is_generated_once_into_the_instance_folder(app):
    from civic import create_app

    key_file = Path(app.instance_path) / "vapid_private_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    again = create_app({"TESTING": True, "INSTANCE_PATH": app.instance_path,
                        "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert again.config["VAPID_PUBLIC_KEY"] == app.config["VAPID_PUBLIC_KEY"]


def test_subscribe_201_then_200_then_delete(client, db, push_service):
    device = push_service.new_device()
    data = push_service.subscription(device, districts=[GANGNAM], types=["fire", "typhoon"], lang="en")
    response = client.post("/api/v1/push/subscriptions", json=data)
    assert response.status_code == 201
    assert response.get_json()["districts"] == [GANGNAM]
    assert response.get_json()["types"] == ["typhoon", "fire"]
    data["districts"] = [JONGNO]
    response = client.post("/api/v1/push/subscriptions", json=data)
    assert response.status_code == 200 and response.get_json()["districts"] == [JONGNO]
    assert client.delete("/api/v1/push/subscriptions", json={"endpoint": data["endpoint"]}).status_code == 204
    assert db.session.query(PushSubscription).count() == 0
    assert client.delete("/api/v1/push/subscriptions", json={"endpoint": data["endpoint"]}).status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "endpoint"),
    ({"keys": {"p256dh": "AAAA", "auth": "AAAA"}}, "keys.p256dh"),
    ({"districts": ["00000"]}, "districts"),
    ({"lat": "north"}, "lat"),
])
def test_invalid_subscriptions_are_problem_json(client, push_service, change, field):
    data = push_service.subscription(push_service.new_device(), districts=[GANGNAM])
    data.update(change)
    response = client.post("/api/v1/push/subscriptions", json=data)
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_signed_in_subscription_is_linked_to_the_user(client, app, push_service):
    user = make_user()
    data = push_service.subscription(push_service.new_device(), districts=[GANGNAM])
    response = client.post("/api/v1/push/subscriptions", json=data, headers=bearer(user))
    assert response.status_code == 201
    assert service.get_subscription(data["endpoint"]).user_id == user.id


def test_test_notification_endpoint(client, push_service):
    device, sub = subscribe(push_service)
    response = client.post("/api/v1/push/subscriptions/test", json={"endpoint": sub.endpoint})
    assert response.get_json() == {"outcome": "sent"} and len(device.received) == 1


def test_history_filters_and_pagination(client, officers):
    for i in range(3):
        send_alert(officers[0], headline_ko=f"경보 {i}")
    send_alert(officers[0], type="fire", districts=[JONGNO])
    service.create_draft(officers[0], alert_data())
    response = client.get("/api/v1/alerts?per_page=2")
    assert response.headers["X-Total-Count"] == "4" and 'rel="next"' in response.headers["Link"]
    assert len(response.get_json()) == 2
    fires = client.get("/api/v1/alerts?type=fire").get_json()
    assert [a["districts"] for a in fires] == [[JONGNO]]
    assert client.get(f"/api/v1/alerts?district={JONGNO}").headers["X-Total-Count"] == "1"
    assert client.get("/api/v1/alerts?type=meteor").status_code == 422


def test_drafts_are_not_public(client, officers):
    draft = service.create_draft(officers[0], alert_data())
    assert client.get(f"/api/v1/alerts/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/alerts/{draft.id}.cap").status_code == 404


def test_cap_is_valid_cap_1_2(client, officers):
    original = send_alert(officers[0], districts=[GANGNAM, JONGNO])
    response = client.get(f"/api/v1/alerts/{original.id}.cap")
    assert response.mimetype == "application/cap+xml"
    doc = etree.fromstring(response.data, SAFE_PARSER)
    XSD.assertValid(doc)
    assert doc.findtext(f"{CAP}identifier") == original.identifier
    assert doc.findtext(f"{CAP}msgType") == "Alert" and doc.findtext(f"{CAP}scope") == "Public"
    infos = doc.findall(f"{CAP}info")
    assert [i.findtext(f"{CAP}language") for i in infos] == ["ko-KR", "en-US"]
    ko = infos[0]
    assert (ko.findtext(f"{CAP}category"), ko.findtext(f"{CAP}severity"), ko.findtext(f"{CAP}urgency")) == \
        ("Met", "Severe", "Immediate")
    assert ko.findtext(f"{CAP}headline") == "호우 경보"
    assert ko.findtext(f"{CAP}instruction") == "높은 곳으로 대피하세요."
    area = ko.find(f"{CAP}area")
    assert area.findtext(f"{CAP}areaDesc") == "종로구, 강남구"
    assert [g.findtext(f"{CAP}value") for g in area.findall(f"{CAP}geocode")] == [JONGNO, GANGNAM]

    update = service.send(officers[0], service.create_followup(officers[0], original, "Update",
                                                               {"headline_ko": "연장"}))
    doc = etree.fromstring(client.get(f"/api/v1/alerts/{update.id}.cap").data, SAFE_PARSER)
    XSD.assertValid(doc)
    assert doc.findtext(f"{CAP}msgType") == "Update"
    sender, identifier, _sent = doc.findtext(f"{CAP}references").split(",")
    assert identifier == original.identifier and sender == doc.findtext(f"{CAP}sender")


def test_cap_polygon_and_circle_and_emergency(client, officers):
    lon, lat = 127.059, 37.5126
    box = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01],
                                               [lon, lat + 0.01], [lon, lat]]]}
    first, second = officers
    alert = service.create_draft(first, alert_data(level="emergency", type="earthquake", districts=[],
                                                   polygon=box, circle_lat=lat, circle_lon=lon,
                                                   circle_radius_m=1500, headline_en="", body_en=""))
    service.approve(second, alert)
    service.send(first, alert)
    doc = etree.fromstring(client.get(f"/api/v1/alerts/{alert.id}.cap").data, SAFE_PARSER)
    XSD.assertValid(doc)
    info = doc.find(f"{CAP}info")
    assert len(doc.findall(f"{CAP}info")) == 1
    assert (info.findtext(f"{CAP}category"), info.findtext(f"{CAP}severity")) == ("Geo", "Extreme")
    area = info.find(f"{CAP}area")
    polygon = area.findtext(f"{CAP}polygon").split()
    assert polygon[0] == polygon[-1] == f"{lat:.6f},{lon:.6f}" and len(polygon) == 5
    assert area.findtext(f"{CAP}circle") == f"{lat:.6f},{lon:.6f} 1.500"


def test_atom_feed_lists_active_alerts(client, officers):
    original = send_alert(officers[0])
    update = service.send(officers[0], service.create_followup(officers[0], original, "Update", {}))
    other = send_alert(officers[0], type="fire")
    response = client.get("/api/v1/alerts/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = etree.fromstring(response.data, SAFE_PARSER)
    ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
    assert set(ids) == {update.identifier, other.identifier}  # the original was superseded
    links = feed.find(f"{ATOM}entry").findall(f"{ATOM}link")
    assert any(link.get("type") == "application/cap+xml" and link.get("href").endswith(".cap") for link in links)


def test_progress_is_for_alert_officers(client, officers):
    alert = send_alert(officers[0])
    assert client.get(f"/api/v1/staff/alerts/{alert.id}/progress").status_code == 401
    citizen = make_user()
    assert client.get(f"/api/v1/staff/alerts/{alert.id}/progress", headers=bearer(citizen)).status_code == 403
    body = client.get(f"/api/v1/staff/alerts/{alert.id}/progress", headers=bearer(officers[0])).get_json()
    assert body["status"] == "sent" and body["total"] == 0


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/push/vapid-public-key", "/api/v1/push/subscriptions", "/api/v1/alerts",
                 "/api/v1/alerts/{alert_id}.cap", "/api/v1/alerts/feed.atom"):
        assert path in paths

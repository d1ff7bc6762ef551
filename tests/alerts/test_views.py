from civic.alerts import service
from civic.alerts.models import Alert
from tests.alerts.helpers import GANGNAM, JONGNO, MAPO, alert_data, send_alert, subscribe
from tests.conftest import login
from tests.factories import make_user

EN = {"Accept-Language": "en"}


def test_index_shows_active_alerts_history_and_the_subscribe_panel(client, app, officers):
    send_alert(officers[0], headline_ko="호우 경보", headline_en="Heavy rain warning")
    fire = send_alert(officers[0], type="fire", districts=[JONGNO], headline_en="Fire in Jongno")
    from datetime import timedelta

    from civic.db import unit_of_work, utcnow

    with unit_of_work():
        fire.expires = utcnow() - timedelta(minutes=1)     # past: listed in the history
    html = client.get("/alerts", headers=EN).get_data(as_text=True)
    assert "Heavy rain warning" in html and "Fire in Jongno" in html
    assert 'id="push-panel"' in html and app.config["VAPID_PUBLIC_KEY"] in html
    assert "Turning on alerts needs JavaScript" in html  # the no-JS message
    assert 'value="11680"' in html and "Gangnam-gu" in html
    filtered = client.get("/alerts?type=fire", headers=EN).get_data(as_text=True)
    history = filtered.split('id="history-title"')[1]
    assert "Fire in Jongno" in history and "Heavy rain warning" not in history


def test_index_in_korean_by_default_and_empty_states(client):
    html = client.get("/alerts").get_data(as_text=True)
    assert "발령 중인 알림" in html and "알림 켜기" in html and "강남구" in html
    html = client.get("/alerts", headers=EN).get_data(as_text=True)
    assert "There are no active alerts right now." in html and "No alerts match." in html


def test_bad_filters_do_not_break_the_page(client):
    assert client.get("/alerts?type=meteor&district=x").status_code == 200


def test_alert_page(client, officers):
    original = send_alert(officers[0])
    update = service.send(officers[0], service.create_followup(officers[0], original, "Update",
                                                               {"headline_en": "Rain warning extended"}))
    html = client.get(f"/alerts/{original.id}", headers=EN).get_data(as_text=True)
    assert "Heavy rain warning" in html and "Move to higher ground." in html and "Gangnam-gu" in html
    assert f"/alerts/{update.id}" in html and ".cap" not in html   # developer formats live on /open-data
    html = client.get(f"/alerts/{update.id}", headers=EN).get_data(as_text=True)
    assert "Rain warning extended" in html and f'href="/alerts/{original.id}"' in html


def test_alert_page_lists_the_nearest_shelters_emergency_rooms_and_open_pharmacies(client, officers):
    from civic.places.opening_hours import parse_text
    from civic.places.service import add_place

    shelter = add_place("shelter", "삼성1동 주민센터 대피소", 37.5145, 127.0620)
    add_place("shelter", "먼 대피소", 37.5400, 127.0620)
    add_place("emergency_room", "강남 응급실", 37.5100, 127.0600)
    add_place("emergency_room", "8 km 응급실", 37.5850, 127.0600)  # farther than the page radius: still the nearest
    add_place("hospital", "동네 병원", 37.5127, 127.0592)           # not what an alert page lists
    add_place("toilet", "공중화장실", 37.5127, 127.0591)
    add_place("pharmacy", "늘 여는 약국", 37.5130, 127.0600, hours=parse_text("상시"))
    closed = {"24h": False, "days": {str(d): [] for d in range(1, 8)}, "holiday": [], "text": "휴업"}
    add_place("pharmacy", "닫은 약국", 37.5127, 127.0590, hours=closed)
    alert = send_alert(officers[0])
    html = client.get(f"/alerts/{alert.id}?lat=37.5126&lon=127.059").get_data(as_text=True)
    section = html[html.index('id="nearby-title"'):]
    assert "삼성1동 주민센터 대피소" in section and f'href="/places/{shelter.id}"' in section
    assert "먼 대피소" in section and "강남 응급실" in section and "8 km 응급실" in section
    assert "늘 여는 약국" in section
    assert "동네 병원" not in section and "공중화장실" not in section and "닫은 약국" not in section
    # Shelters first (nearest first), then emergency rooms, then pharmacies open now.
    expected = ("삼성1동 주민센터 대피소", "먼 대피소", "강남 응급실", "8 km 응급실", "늘 여는 약국")
    order = [section.index(name) for name in expected]
    assert order == sorted(order)


def test_drafts_are_not_public_pages(client, officers):
    draft = service.create_draft(officers[0], alert_data())
    assert client.get(f"/alerts/{draft.id}").status_code == 404


def test_staff_pages_need_an_alert_officer(client, departments):
    assert client.get("/staff/alerts").status_code == 302
    make_user("staff", email="s@example.org")
    login(client, "s@example.org")
    assert client.get("/staff/alerts").status_code == 403


def test_officer_drafts_previews_and_sends(client, db, officers, push_service):
    device, _ = subscribe(push_service, districts=[GANGNAM])
    login(client, "officer1@example.org")
    assert client.get("/staff/alerts", headers=EN).status_code == 200
    response = client.post("/staff/alerts/new", data={"type": "heavy_rain", "level": "urgent", "headline_ko": "",
                                                      "body_ko": "", "districts": []}, headers=EN)
    assert response.status_code == 422 and "This field is required." in response.get_data(as_text=True)
    korean_only = {"type": "heavy_rain", "level": "urgent", "headline_ko": "호우 경보", "body_ko": "침수 우려",
                   "districts": [GANGNAM, JONGNO], "expires_in_min": "60"}
    response = client.post("/staff/alerts/new", data=korean_only, headers=EN)
    assert response.status_code == 422       # urgent: the English text is asked for
    assert "Required for urgent and emergency alerts." in response.get_data(as_text=True)
    assert db.session.query(Alert).count() == 0
    response = client.post("/staff/alerts/new", data={**korean_only, "level": "safety"})
    assert response.status_code == 302        # a safety notice may be Korean only
    response = client.post("/staff/alerts/new", data={
        **korean_only, "headline_en": "Heavy rain warning", "body_en": "Flooding is likely."})
    assert response.status_code == 302
    alert = db.session.query(Alert).filter_by(level="urgent").one()
    html = client.get(f"/staff/alerts/{alert.id}", headers=EN).get_data(as_text=True)
    assert "1 subscriptions will receive this alert." in html and "Gangnam-gu" in html
    response = client.post(f"/staff/alerts/{alert.id}/send", headers=EN, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Sending started." in html and "1 of 1 delivered" in html
    assert device.received[0]["title"] == "호우 경보"
    assert "Send an update" in html


def test_emergency_approval_through_the_pages(client, db, officers):
    first, _second = officers
    alert = service.create_draft(first, alert_data(level="emergency"))
    login(client, "officer1@example.org")
    html = client.post(f"/staff/alerts/{alert.id}/send", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "needs a second officer" in html
    html = client.post(f"/staff/alerts/{alert.id}/approve", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "A second officer must approve" in html
    client.post("/logout")
    login(client, "officer2@example.org")
    client.post(f"/staff/alerts/{alert.id}/approve")
    client.post(f"/staff/alerts/{alert.id}/send")
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).status == "sent"


def test_followup_form_prefills_from_the_original(client, db, officers):
    original = send_alert(officers[0])
    login(client, "officer1@example.org")
    html = client.get(f"/staff/alerts/{original.id}/followup/Cancel", headers=EN).get_data(as_text=True)
    assert "호우 경보" in html
    response = client.post(f"/staff/alerts/{original.id}/followup/Cancel", data={
        "type": "heavy_rain", "level": "urgent", "headline_ko": "호우 경보 해제", "body_ko": "해제되었습니다.",
        "districts": [GANGNAM]})
    assert response.status_code == 302
    cancel = db.session.query(Alert).filter_by(msg_type="Cancel").one()
    assert cancel.references_id == original.id and cancel.status == "draft"


def test_progress_shows_while_the_workers_send(client, app, officers, push_service, redis_url):
    subscribe(push_service)
    subscribe(push_service)
    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    alert = send_alert(officers[0])
    from civic.alerts import fanout

    fanout.plan_fanout(alert.id)  # what the first worker job does; the batches wait in Redis
    login(client, "officer1@example.org")
    html = client.get(f"/staff/alerts/{alert.id}", headers=EN).get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in html and "0 of 2 delivered" in html
    assert "Queue the remaining deliveries again" in html


def _section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"', 1)[1].split("</section>", 1)[0]


def test_alerts_page_lists_an_alert_in_force_once_and_names_its_districts(client, db, officers):
    from datetime import timedelta

    from civic.db import unit_of_work, utcnow

    live = send_alert(officers[0], headline_ko="강남 호우 경보", districts=[GANGNAM, JONGNO])
    past = send_alert(officers[0], headline_ko="지난 한파 주의보", districts=[MAPO])
    with unit_of_work():
        past.expires = utcnow() - timedelta(minutes=1)
    html = client.get("/alerts", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    active, history = _section(html, "active-title"), _section(html, "history-title")
    assert f"/alerts/{live.id}" in active and f"/alerts/{live.id}" not in history
    assert f"/alerts/{past.id}" in history and f"/alerts/{past.id}" not in active
    assert "종로구, 강남구" in active and "마포구" in history


def test_an_alert_without_english_reads_in_english_with_the_korean_original(client, officers):
    alert = send_alert(officers[0], level="safety", headline_en="", body_en="", instruction_en="")
    html = client.get(f"/alerts/{alert.id}", headers=EN).get_data(as_text=True)
    assert "<h1>Heavy rain warning</h1>" in html
    assert "Stay away from low ground and water" in html          # the guide's advice, in English
    assert 'lang="ko"' in html and "호우 경보" in html              # and the original, marked Korean
    listing = client.get("/alerts", headers=EN).get_data(as_text=True)
    assert "Heavy rain warning" in listing
    with_english = send_alert(officers[0])
    assert "<h1>Heavy rain warning</h1>" in client.get(f"/alerts/{with_english.id}", headers=EN).get_data(as_text=True)
    assert "issued in Korean only" not in client.get(f"/alerts/{with_english.id}", headers=EN).get_data(as_text=True)

"""Relaying the national disaster messages (issue 23 §4): DSSP-IF-00247, DisasterMsg and CAP 1.2
sources served by a loopback HTTP server, delivered through the loopback push service."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from civic.alerts import ingest, service
from civic.alerts.models import Alert, IngestSource
from civic.webpush.settings import DEFAULT_PUSH_SERVICES
from tests.alerts.helpers import subscribe
from tests.alerts.sourceserver import DATA, SourceServer
from tests.conftest import login, make_config
from tests.factories import make_user

KOREA = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 12, 7, 14, 30, tzinfo=KOREA)          # just after the fixtures' messages
GANGSEO, YANGCHEON, JONGNO, JUNG, MAPO, EUNPYEONG = "11500", "11470", "11110", "11140", "11440", "11380"


@pytest.fixture
def app_config(tmp_path, push_service):
    return make_config(tmp_path, PUSH_SERVICE_ALLOWLIST=[*DEFAULT_PUSH_SERVICES, push_service.origin],
                       PUSH_RETRY_BASE_S="0.05", PUSH_TIMEOUT_S="1", PUSH_MAX_ATTEMPTS="2",
                       ALERTS_INGEST_TIMEOUT_S="0.5", ALERTS_INGEST_INTERVAL_S="60",
                       ALERTS_INGEST_MAX_BACKOFF_S="600", ALERTS_INGEST_SERVICE_KEY="test-key")


@pytest.fixture
def source():
    with SourceServer() as server:
        yield server


def by_ref(db, ref: str) -> Alert:
    alert = db.session.scalar(select(Alert).where(Alert.source_ref == ref))
    assert alert is not None, ref
    return alert


def all_districts(app) -> list[str]:
    from civic.geo import district_index

    return sorted(district_index().districts)


def test_safetydata_regions_levels_and_types(app, db, source, push_service):
    gangseo, _ = subscribe(push_service, districts=[GANGSEO])
    mapo, _ = subscribe(push_service, districts=[MAPO], lang="en")
    busan_only, _ = subscribe(push_service, districts=[JONGNO], types=["fire"])
    url = source.put_file("/dssp", "safetydata.json")

    report = ingest.poll(url, "safetydata", now=NOW)

    assert report.ok and not report.not_modified
    assert len(report.created) == 6 and not report.updated and not report.cancelled and not report.held
    assert report.skipped == {"outside the city": 2}           # 부산광역시 강서구, 충청북도 청주시
    assert report.outside_regions == 4                         # 고양시, 부산 강서구, 청주시 ×2
    assert len(report.refused) == 1 and report.refused[0].startswith("body[5]")   # no MSG_CN
    assert "serviceKey=test-key" in source.requests[0]["query"]

    rain = by_ref(db, "230001")
    assert (rain.districts, rain.level, rain.type, rain.source) == ([GANGSEO], "urgent", "heavy_rain", "safetydata")
    assert rain.status == "sent" and rain.msg_type == "Alert"
    assert rain.headline_ko == "[행정안전부] 호우 긴급재난문자"
    assert rain.body_ko.startswith("[행정안전부] 오늘 14시 서울 강서구")
    air_raid = by_ref(db, "230002")
    assert (air_raid.districts, air_raid.level, air_raid.type) == (all_districts(app), "emergency", "air_raid")
    cold = by_ref(db, "230003")
    assert (cold.districts, cold.level, cold.type) == ([JONGNO, JUNG], "safety", "cold_wave")
    assert by_ref(db, "230005").districts == all_districts(app)            # "서울특별시" alone
    assert (by_ref(db, "230007").type, by_ref(db, "230007").districts) == ("missing_person", [MAPO])
    fire = by_ref(db, "230009")
    assert (fire.type, fire.level, fire.districts) == ("wildfire", "urgent", [JONGNO, EUNPYEONG])
    assert db.session.scalar(select(Alert).where(Alert.source_ref == "230004")) is None   # 부산 강서구

    # Delivered: the Gangseo phone got its district's three, Mapo the three for it.
    assert sorted(m["id"] for m in gangseo.received) == sorted([rain.id, air_raid.id, by_ref(db, "230005").id])
    assert "[마포경찰서] 실종 안전안내문자" in {m["title"] for m in mapo.received}   # relayed text is Korean
    assert len(mapo.received) == 3                         # 230002, 230005, 230007
    assert busan_only.received == []                       # subscribed to fires in Jongno only
    assert push_service.errors == []


def test_polling_the_same_data_twice_creates_nothing(app, db, source, push_service):
    device, _ = subscribe(push_service, districts=[GANGSEO])
    url = source.put_file("/dssp", "safetydata.json")
    first = ingest.poll(url, "safetydata", now=NOW)
    count = db.session.query(Alert).count()

    again = ingest.poll(url, "safetydata", now=NOW)          # conditional GET: 304
    assert again.ok and again.not_modified and not again.created
    assert source.requests[-1]["headers"]["If-None-Match"].startswith('"')
    assert source.requests[-1]["headers"]["If-Modified-Since"].endswith("GMT")

    full = ingest.poll(url, "safetydata", force=True, now=NOW)   # a full read: every message known
    assert "If-None-Match" not in source.requests[-1]["headers"]
    assert not full.created and full.skipped["already relayed"] == len(first.created)
    assert db.session.query(Alert).count() == count
    assert len(device.received) == 3                          # nobody is told twice
    state = db.session.scalar(select(IngestSource).where(IngestSource.url == url))
    assert state.etag and state.failures == 0 and state.succeeded_at is not None


def test_disastermsg_rows(app, db, source, push_service):
    url = source.put_file("/DisasterMsg3/getDisasterMsg1List", "disastermsg.json")
    report = ingest.poll(url, "disastermsg", now=NOW)
    assert len(report.created) == 2 and report.skipped == {"outside the city": 1}
    assert report.refused == ["row[3]: unreadable row: ValueError(\"Invalid isoformat string: 'not a date'\")"]
    fire = by_ref(db, "170001")
    assert (fire.source, fire.type, fire.level, fire.districts) == ("disastermsg", "fire", "safety",
                                                                    [YANGCHEON, GANGSEO])
    assert fire.headline_ko == "[강서구청] 화재 안전안내문자"
    quake = by_ref(db, "170002")
    assert (quake.type, quake.level, quake.districts) == ("earthquake", "urgent", all_districts(app))


def test_cap_feed_alert_update_cancel(app, db, source, push_service):
    """A feed with one good alert among bad, foreign and restricted ones; then its Update
    supersedes it and a Cancel cancels the update."""
    device, _ = subscribe(push_service, districts=[GANGSEO])
    jongno, _ = subscribe(push_service, districts=[JONGNO])
    for name in ("seoul-alert.xml", "cap11-earthquake.cap", "invalid.cap", "xee.cap", "AL1.xml", "HRA.xml"):
        source.put_file(f"/cap/{name}", f"cap/{name}", "application/cap+xml")
    feed = source.put_file("/feed", "cap/feed.atom", "application/atom+xml")

    report = ingest.poll(feed, "cap", now=NOW)
    assert report.ok and len(report.created) == 1
    # Refused one by one: CAP 1.1, no <scope>, the external-entity attack, a link answering 404.
    assert [line.split(" ", 1)[0] for line in report.refused] == ["entry[1]", "entry[2]", "entry[3]", "entry[4]"]
    assert "not CAP 1.2" in report.refused[0] and "HTTP 404" in report.refused[3]
    assert report.skipped == {"outside the city": 1, "scope Restricted": 1}   # 충청북도 청주시; KMA restricted
    original = db.session.get(Alert, report.created[0])
    assert (original.source, original.source_ref) == ("cap:weather@kma.go.kr", "기상청2026120701")
    assert (original.type, original.level, original.districts) == ("heavy_snow", "urgent", [YANGCHEON, GANGSEO])
    assert original.headline_en == "Heavy snow warning for south-west Seoul" and original.source_name == "기상청"
    assert original.expires == datetime(2026, 12, 7, 23, 0, tzinfo=KOREA)

    update = ingest.poll(source.put_file("/update", "cap/seoul-update.xml", "application/cap+xml"), "cap", now=NOW)
    assert len(update.updated) == 1 and not update.created
    updated = db.session.get(Alert, update.updated[0])
    assert updated.msg_type == "Update" and updated.references_id == original.id
    assert updated.districts == all_districts(app)
    assert [a.id for a in service.active_alerts(now=NOW)] == [updated.id]    # the original is superseded

    cancel = ingest.poll(source.put_file("/cancel", "cap/seoul-cancel.xml", "application/cap+xml"), "cap", now=NOW)
    assert len(cancel.cancelled) == 1 and not cancel.created
    cancelled = db.session.get(Alert, cancel.cancelled[0])
    assert cancelled.msg_type == "Cancel" and cancelled.references_id == updated.id
    assert cancelled.districts == updated.districts and cancelled.status == "sent"
    assert service.active_alerts(now=NOW) == [cancelled]     # only the cancellation notice is left

    # The Gangseo phone: alert, update, cancel, all under one topic (each replaces the last).
    assert [m["msgType"] for m in device.received] == ["Alert", "Update", "Cancel"]
    assert len({m["tag"] for m in device.received}) == 1
    assert [m["msgType"] for m in jongno.received] == ["Update", "Cancel"]   # the update widened the area

    again = ingest.poll(source.url("/cancel"), "cap", force=True, now=NOW)
    assert again.skipped == {"already relayed": 1} and len(device.received) == 3


def test_a_cancel_of_an_unknown_alert_and_an_expired_message_are_skipped(app, db, source):
    report = ingest.poll(source.put_file("/cancel", "cap/seoul-cancel.xml", "application/cap+xml"), "cap", now=NOW)
    assert report.skipped == {"cancels an unknown alert": 1}
    late = ingest.poll(source.put_file("/alert", "cap/seoul-alert.xml", "application/cap+xml"), "cap",
                       now=datetime(2026, 12, 8, 9, 0, tzinfo=KOREA))
    assert late.skipped == {"expired": 1} and db.session.query(Alert).count() == 0


def test_korean_kieas_samples(app, db, source):
    for name, reason in (("AL1.xml", "outside the city"), ("CLR.xml", "outside the city"),
                         ("HRA.xml", "scope Restricted")):
        report = ingest.poll(source.put_file(f"/{name}", f"cap/{name}", "application/cap+xml"), "cap",
                             now=datetime(2015, 8, 19, 14, 5, tzinfo=KOREA))
        assert report.ok and report.skipped == {reason: 1}, (name, report.summary())
    bad = ingest.poll(source.put_file("/cap11", "cap/cap11-earthquake.cap", "application/cap+xml"), "cap", now=NOW)
    assert bad.ok and len(bad.refused) == 1 and "not CAP 1.2" in bad.refused[0]


def test_a_failing_source_is_retried_with_backoff(app, db, source):
    url = source.put_file("/dssp", "safetydata.json")
    source.fail["/dssp"] = 500
    report = ingest.poll(url, "safetydata", now=NOW)
    assert report.error == "HTTP 500" and not report.created
    state = db.session.scalar(select(IngestSource).where(IngestSource.url == url))
    assert state.failures == 1 and state.last_error == "HTTP 500"
    assert state.retry_at - state.polled_at == timedelta(seconds=60)

    asked = len(source.requests)
    waiting = ingest.poll(url, "safetydata")                 # within the backoff: not even asked
    assert "backing off" in waiting.error and len(source.requests) == asked

    forced = ingest.poll(url, "safetydata", force=True, now=NOW)
    assert forced.error == "HTTP 500"
    db.session.refresh(state)
    assert state.failures == 2 and state.retry_at - state.polled_at == timedelta(seconds=120)  # doubled

    del source.fail["/dssp"]
    recovered = ingest.poll(url, "safetydata", force=True, now=NOW)
    assert recovered.ok and len(recovered.created) == 6
    db.session.refresh(state)
    assert (state.failures, state.retry_at, state.last_error) == (0, None, "")


def test_a_hanging_source_times_out(app, db, source):
    url = source.put_file("/slow", "safetydata.json")
    source.hang["/slow"] = 3
    started = time.monotonic()
    report = ingest.poll(url, "safetydata", now=NOW)
    assert report.error == "timeout" and time.monotonic() - started < 2.5


@pytest.mark.parametrize(("body", "error"), [
    ((DATA / "safetydata_error.json").read_bytes(), "the service answered 30: SERVICE KEY IS NOT REGISTERED ERROR."),
    (b"<html>maintenance</html>", "not JSON"),
])
def test_a_document_not_in_the_format_fails_the_source(app, db, source, body, error):
    report = ingest.poll(source.put("/dssp", body), "safetydata", now=NOW)
    assert report.error.startswith(error) and report.retry_at is not None


def test_the_scheduled_poll_never_raises_and_polls_every_source(app, db, source):
    good = source.put_file("/dssp", "safetydata.json")
    bad = source.put("/broken", b"x")
    source.fail["/broken"] = 503
    app.config["ALERTS_INGEST_SOURCES"] = [("cap", bad), ("safetydata", good)]
    reports = ingest.poll_configured()
    assert [r.ok for r in reports] == [False, True]
    assert reports[0].error == "HTTP 503"
    assert ingest.scheduled_poll() == 0        # the next run: the good source has nothing new, no raise


def test_held_levels_wait_for_an_officer(app, db, source, push_service, departments):
    app.config["ALERTS_INGEST_HOLD_LEVELS"] = ["emergency"]
    device, _ = subscribe(push_service, districts=[GANGSEO])
    report = ingest.poll(source.put_file("/dssp", "safetydata.json"), "safetydata", now=NOW)
    air_raid = by_ref(db, "230002")
    assert report.held == [air_raid.id] and air_raid.status == "draft" and air_raid.sent_at is None
    assert air_raid.id not in [m["id"] for m in device.received]

    officer = make_user("alert_officer", email="officer@example.org")
    client = app.test_client()
    login(client, "officer@example.org")
    page = client.get(f"/staff/alerts/{air_raid.id}").get_data(as_text=True)
    assert "민방공 경계경보 발령" in page
    service.approve(officer, air_raid)
    service.send(officer, air_raid)
    assert air_raid.id in [m["id"] for m in device.received]


def _fresh_safetydata() -> bytes:
    """The fixture with times of now (the CLI polls at the real time)."""
    document = json.loads((DATA / "safetydata.json").read_text(encoding="utf-8"))
    now = datetime.now(UTC).astimezone(KOREA)
    for row in document["body"]:
        row["CRT_DT"] = now.strftime("%Y/%m/%d %H:%M:%S")
    return json.dumps(document, ensure_ascii=False).encode()


def test_the_command_prints_what_it_did(app, db, source, runner):
    url = source.put("/dssp", _fresh_safetydata())
    result = runner.invoke(args=["alerts", "ingest", url, "--format", "safetydata"])
    assert result.exit_code == 0, result.output
    assert ("created 6 (held for approval 0), updated 0, cancelled 0, skipped 2 (outside the city 2), refused 1"
            in result.output)
    assert "refused body[5]" in result.output
    again = runner.invoke(args=["alerts", "ingest", url, "--format", "safetydata"])
    assert again.exit_code == 0 and "not modified" in again.output
    source.fail["/dssp"] = 500
    failed = runner.invoke(args=["alerts", "ingest", url, "--format", "safetydata", "--force"])
    assert failed.exit_code == 1 and "failed: HTTP 500; next attempt after" in failed.output
    usage = runner.invoke(args=["alerts", "ingest", url])
    assert usage.exit_code == 2 and "--format is required" in usage.output


def test_the_alert_page_says_where_it_came_from(app, db, source, client):
    ingest.poll(source.put_file("/dssp", "safetydata.json"), "safetydata", now=NOW)
    cold = by_ref(db, "230003")
    korean = client.get(f"/alerts/{cold.id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "행정안전부 긴급재난문자 · 2026-12-07 13:53" in korean
    assert "/alerts/guides/cold_wave" in korean and "한파" in korean
    assert "민방위 대피소" in client.get("/alerts/guides/air_raid").get_data(as_text=True)
    client.post("/lang/en")
    english = client.get(f"/alerts/{cold.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Ministry of the Interior and Safety emergency alert · 2026-12-07 13:53" in english
    assert "Cold wave warning" in english and "This alert was issued in Korean only" in english
    assert "[서울특별시] 한파 안전안내문자" in english                         # the original beside it
    guide = client.get("/alerts/guides/air_raid").get_data(as_text=True)
    assert "civil-defence shelter" in guide


def test_with_redis_the_poll_is_an_rq_scheduled_job_chain(app, db, source, redis_url):
    from rq.registry import ScheduledJobRegistry

    from civic import jobs

    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url,
                      ALERTS_INGEST_SOURCES=[("safetydata", source.put_file("/dssp", "safetydata.json"))])
    first = ingest.schedule_next(now=1_000_000.0)
    assert first == ingest.schedule_next(now=1_000_010.0) == "civic-alerts-ingest-16667"   # one slot, one job
    registry = ScheduledJobRegistry(queue=jobs.get_queue(app.config["PUSH_QUEUE"]))
    assert registry.get_job_ids() == [first]
    job = jobs.get_queue(app.config["PUSH_QUEUE"]).fetch_job(first)
    assert job.args[0] == "civic.alerts.ingest:scheduled_poll"
    assert registry.get_scheduled_time(first) == datetime.fromtimestamp(16667 * 60, UTC).replace(tzinfo=None) \
        or registry.get_scheduled_time(first) == datetime.fromtimestamp(16667 * 60, UTC)
    ingest.scheduled_poll()                                  # the job itself: schedules its successor
    assert len(registry.get_job_ids()) == 2


def test_an_rss_feed_with_inline_and_linked_cap(app, db, source):
    for name in ("seoul-update.xml", "cap11-earthquake.cap"):
        source.put_file(f"/cap/{name}", f"cap/{name}", "application/cap+xml")
    report = ingest.poll(source.put_file("/rss", "cap/feed.rss", "application/rss+xml"), "cap", now=NOW)
    assert report.ok and len(report.created) == 1 and len(report.updated) == 1     # in feed order
    assert [line.split(":", 1)[0].split(" ")[0] for line in report.refused] == ["item[2]", "item[3]"]
    assert db.session.get(Alert, report.updated[0]).references_id == report.created[0]


def test_the_api_says_where_a_relayed_alert_came_from(app, db, source, client):
    ingest.poll(source.put_file("/dssp", "safetydata.json"), "safetydata", now=NOW)
    rain = by_ref(db, "230001")
    body = client.get(f"/api/v1/alerts/{rain.id}").get_json()
    assert (body["source"], body["source_ref"]) == ("safetydata", "230001")
    assert body["source_sent_at"].startswith("2026-12-07T04:51:20")


def test_an_unreachable_source_is_logged_without_the_service_key(app, db, caplog):
    report = ingest.poll("http://127.0.0.1:9/dssp", "safetydata", now=NOW)     # the discard port: refused
    assert report.error.startswith("ConnectionError") and "test-key" not in report.error
    assert "test-key" not in caplog.text
    state = db.session.scalar(select(IngestSource).where(IngestSource.url == "http://127.0.0.1:9/dssp"))
    assert state.failures == 1 and "test-key" not in state.last_error

"""The active-alert banner on every page and the home page's lead, and the cache behind them."""

from datetime import timedelta

import pytest

from civic.alerts import banner, service
from civic.alerts.models import Alert
from civic.db import utcnow
from civic.extensions import db
from tests.alerts.helpers import GANGNAM, JONGNO, MAPO, send_alert

EN = {"Accept-Language": "en"}
PAGES = ["/", "/alerts", "/places", "/reports", "/maps", "/petitions", "/participate", "/polls", "/proposals",
         "/login", "/register", "/alerts/guides", "/offline"]


def banner_of(html: str) -> str:
    start = html.find('class="alert-banners')
    if start < 0:
        return ""
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize("path", PAGES)
def test_an_active_alert_is_on_every_page(client, officers, path):
    alert = send_alert(officers[0], level="urgent")
    response = client.get(path)
    assert response.status_code == 200
    part = banner_of(response.get_data(as_text=True))
    assert f'href="/alerts/{alert.id}"' in part and "level-urgent" in part
    assert "긴급" in part and "호우 경보" in part and "강남구" in part


def test_banner_in_english_names_level_and_place(client, officers):
    send_alert(officers[0], level="safety", districts=[JONGNO, MAPO, GANGNAM])
    part = banner_of(client.get("/places", headers=EN).get_data(as_text=True))
    assert "Safety notice" in part and "Heavy rain warning" in part and "and 1 more" in part
    assert "level-safety" in part


def test_no_banner_without_active_alerts_and_none_for_expired_or_cancelled(client, officers):
    assert banner_of(client.get("/places").get_data(as_text=True)) == ""
    alert = send_alert(officers[0])
    cancel = service.create_followup(officers[0], alert, "Cancel", {"headline_ko": "호우 경보 해제"})
    service.send(officers[0], cancel)
    assert banner_of(client.get("/places").get_data(as_text=True)) == ""
    other = send_alert(officers[0], type="fire", headline_ko="화재 발생")
    assert "화재 발생" in banner_of(client.get("/places").get_data(as_text=True))
    db.session.get(Alert, other.id).expires = utcnow() - timedelta(minutes=1)
    db.session.commit()
    banner.invalidate()  # expiry is handled by the cache lifetime; here the row changed under it
    assert banner_of(client.get("/places").get_data(as_text=True)) == ""


def test_most_severe_first_and_at_most_three(client, officers):
    for level in ("safety", "urgent", "safety", "safety"):
        send_alert(officers[0], level=level)
    html = client.get("/places").get_data(as_text=True)
    part = banner_of(html)
    assert part.count('class="alert-banner level-') == 3
    assert part.index("level-urgent") < part.index("level-safety")
    assert "1 more active alerts" in banner_of(client.get("/places", headers=EN).get_data(as_text=True))


def test_the_list_is_cached_and_dropped_when_an_alert_is_sent(app, officers, monkeypatch):
    calls = []
    real = banner._summaries
    monkeypatch.setattr(banner, "_summaries", lambda now: calls.append(now) or real(now))
    with app.test_request_context("/"):
        assert banner.active_summaries() == []
        assert banner.active_summaries() == []
        assert len(calls) == 1
        send_alert(officers[0])
        assert [a["headline_ko"] for a in banner.active_summaries()] == ["호우 경보"]
        assert len(calls) == 2


def test_cache_never_outlives_the_first_expiry(app, officers, monkeypatch):
    send_alert(officers[0], expires_in_min=1)
    now = utcnow()
    items = banner._summaries(now)
    app.config["ALERTS_BANNER_CACHE_S"] = 600
    assert 0 < banner._lifetime(items, now) <= 60


def test_cache_in_redis_is_shared_and_dropped_on_send(app, officers, redis_url):
    from redis import Redis

    app.config["REDIS_URL"] = redis_url
    with app.test_request_context("/"):
        assert banner.active_summaries() == []
        assert Redis.from_url(redis_url).get(banner.REDIS_KEY) is not None
        app.config["JOBS_INLINE"] = True
        send_alert(officers[0])
        assert Redis.from_url(redis_url).get(banner.REDIS_KEY) is None
        assert len(banner.active_summaries()) == 1


def test_home_leads_with_the_devices_districts(client, officers):
    send_alert(officers[0], headline_ko="강남 호우 경보")
    send_alert(officers[0], type="fire", districts=[JONGNO], headline_ko="종로 화재")
    html = client.get("/").get_data(as_text=True)
    lead = banner_of(html)
    assert "강남 호우 경보" in lead and "종로 화재" in lead  # no districts known: every alert
    client.set_cookie("alert_districts", f"{JONGNO}-99999")
    lead = banner_of(client.get("/").get_data(as_text=True))
    assert "종로구" in lead and "종로 화재" in lead and "강남 호우 경보" not in lead
    assert "다른 지역" in lead or "elsewhere" in lead
    client.set_cookie("alert_districts", MAPO)
    lead = banner_of(client.get("/", headers=EN).get_data(as_text=True))
    assert "Mapo-gu" in lead and "No alert is in force in your districts." in lead


def test_banner_puts_the_devices_districts_first(client, officers):
    send_alert(officers[0], level="urgent", headline_ko="강남 호우 경보")
    send_alert(officers[0], level="safety", districts=[JONGNO], headline_ko="종로 안내")
    client.set_cookie("alert_districts", JONGNO)
    part = banner_of(client.get("/places").get_data(as_text=True))
    assert part.index("종로 안내") < part.index("강남 호우 경보")


def test_pages_still_render_when_the_banner_cannot_be_read(client, monkeypatch):
    def broken(now):
        raise RuntimeError("database down")

    monkeypatch.setattr(banner, "_summaries", broken)
    assert client.get("/places").status_code == 200
    assert client.get("/").status_code == 200


def test_parse_districts_ignores_junk(app):
    assert banner.parse_districts(None) == []
    assert banner.parse_districts("11680-abc-11680-1168-99999-11110") == ["11680", "11110"]

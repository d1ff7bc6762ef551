"""Offline support: safety guides, the offline page, and what the service worker precaches."""

from __future__ import annotations

import re
from pathlib import Path

from civic.alerts.guides import GUIDE_TYPES, GUIDES

EN = {"Accept-Language": "en"}
SW = (Path(__file__).resolve().parents[2] / "mobile_web" / "sw.js").read_text(encoding="utf-8")


def test_every_alert_type_but_other_has_a_guide_in_both_languages():
    from civic.alerts.models import ALERT_TYPES

    assert set(GUIDE_TYPES) == set(ALERT_TYPES) - {"other"}
    for texts in GUIDES.values():
        for lang in ("ko", "en"):
            assert texts[lang]["title"] and texts[lang]["summary"] and len(texts[lang]["steps"]) >= 3


def test_guide_pages_in_korean_and_english(client):
    html = client.get("/alerts/guides").get_data(as_text=True)
    assert "재난 시 행동요령" in html and "지진" in html and "/alerts/guides/earthquake" in html
    assert client.get("/alerts/guides/other").status_code == 404
    assert client.get("/alerts/guides/nope").status_code == 404
    client.get("/lang/en")
    html = client.get("/alerts/guides/fire").get_data(as_text=True)
    assert "<h1>Fire</h1>" in html and "119" in html and "/alerts/guides/earthquake" in html


def test_alert_page_links_its_guide(client):
    assert "/alerts/guides" in client.get("/alerts").get_data(as_text=True)


def test_offline_page_says_what_still_works(client):
    html = client.get("/offline", headers=EN).get_data(as_text=True)
    assert "/alerts/guides" in html and "/places" in html and 'id="drafts"' in html
    assert "js/drafts.js" in html


def test_service_worker_precaches_the_shell_and_every_guide():
    shell = re.search(r"const SHELL = \[(.*?)\];", SW, re.S).group(1)
    for url in ("/offline", "/static/css/app.css", "/static/js/app.js", "/static/js/drafts.js"):
        assert f'"{url}"' in shell
    types = re.search(r"const GUIDE_TYPES = \[(.*?)\];", SW, re.S).group(1)
    assert set(re.findall(r'"(\w+)"', types)) == set(GUIDE_TYPES)
    # push handlers are still there
    assert 'addEventListener("push"' in SW and 'addEventListener("notificationclick"' in SW


def test_precached_urls_exist(client):
    for url in re.findall(r'"(/(?:offline|static/[^"]+))"', SW):
        if url.endswith("/"):
            continue
        assert client.get(url).status_code == 200, url

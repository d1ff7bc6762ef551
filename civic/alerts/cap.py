"""Alerts as OASIS CAP 1.2 XML, and an Atom feed of the active ones."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from lxml import etree

from civic.alerts.models import Alert
from civic.db import utcnow
from civic.geo import get_district
from civic.timezone import to_local

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"

CATEGORY = {"heavy_rain": "Met", "typhoon": "Met", "heavy_snow": "Met", "heat_wave": "Met", "fine_dust": "Env",
            "fire": "Fire", "traffic_accident": "Transport", "earthquake": "Geo", "cold_wave": "Met",
            "wildfire": "Fire", "air_raid": "Security", "missing_person": "Rescue", "infectious_disease": "Health",
            "power_outage": "Infra", "other": "Other"}
SEVERITY = {"emergency": "Extreme", "urgent": "Severe", "safety": "Moderate"}
URGENCY = {"emergency": "Immediate", "urgent": "Immediate", "safety": "Expected"}
CERTAINTY = {"emergency": "Observed", "urgent": "Observed", "safety": "Likely"}
EVENT = {
    "heavy_rain": ("호우", "Heavy rain"), "typhoon": ("태풍", "Typhoon"), "heavy_snow": ("대설", "Heavy snow"),
    "fire": ("화재", "Fire"), "traffic_accident": ("교통사고", "Traffic accident"),
    "earthquake": ("지진", "Earthquake"),
    "heat_wave": ("폭염", "Heat wave"), "fine_dust": ("미세먼지", "Fine dust"), "cold_wave": ("한파", "Cold wave"),
    "wildfire": ("산불", "Wildfire"), "air_raid": ("민방공", "Air raid"), "missing_person": ("실종", "Missing person"),
    "infectious_disease": ("감염병", "Infectious disease"), "power_outage": ("정전", "Power outage"),
    "other": ("기타", "Other"),
}
LANGUAGE_TAGS = {"ko": "ko-KR", "en": "en-US"}


def cap_time(value: datetime) -> str:
    """CAP dateTime: local time with an explicit offset and no fraction."""
    local = to_local(value).replace(microsecond=0)
    return local.isoformat()


def _sub(parent, tag: str, text: str | None = None, ns: str = CAP_NS):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _ring_text(coordinates) -> str:
    ring = [(float(lon), float(lat)) for lon, lat, *_ in coordinates]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in ring)


def _area(info, alert: Alert, lang: str) -> None:
    area = _sub(info, "area")
    names = []
    for code in alert.districts or []:
        district = get_district(code)
        names.append(district.name(lang) if district else code)
    if alert.polygon and not names:
        names.append("지정 구역" if lang == "ko" else "Marked area")
    if alert.circle_radius_m and not names:
        names.append("반경 구역" if lang == "ko" else "Area around a point")
    _sub(area, "areaDesc", ", ".join(names))
    if alert.polygon:
        _sub(area, "polygon", _ring_text(alert.polygon["coordinates"][0]))
    if alert.circle_radius_m:
        _sub(area, "circle", f"{alert.circle_lat:.6f},{alert.circle_lon:.6f} {alert.circle_radius_m / 1000:.3f}")
    for code in alert.districts or []:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "SIG_CD")
        _sub(geocode, "value", code)


def _info(root, alert: Alert, lang: str, web: str | None) -> None:
    info = _sub(root, "info")
    _sub(info, "language", LANGUAGE_TAGS[lang])
    _sub(info, "category", CATEGORY[alert.type])
    _sub(info, "event", EVENT[alert.type][0 if lang == "ko" else 1])
    _sub(info, "urgency", URGENCY[alert.level])
    _sub(info, "severity", SEVERITY[alert.level])
    _sub(info, "certainty", CERTAINTY[alert.level])
    event_code = _sub(info, "eventCode")
    _sub(event_code, "valueName", "civic-alert-type")
    _sub(event_code, "value", alert.type)
    _sub(info, "onset", cap_time(alert.onset))
    _sub(info, "expires", cap_time(alert.expires))
    _sub(info, "senderName", current_app.config["CITY_NAME"])
    _sub(info, "headline", alert.text("headline", lang))
    _sub(info, "description", alert.text("body", lang))
    instruction = alert.text("instruction", lang)
    if instruction:
        _sub(info, "instruction", instruction)
    if web:
        _sub(info, "web", web)
    _area(info, alert, lang)


def cap_element(alert: Alert, web: str | None = None):
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", current_app.config["ALERTS_CAP_SENDER"])
    _sub(root, "sent", cap_time(alert.sent_at or alert.created_at))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", "Public")
    if alert.references is not None:
        original = alert.references
        _sub(root, "references", ",".join((current_app.config["ALERTS_CAP_SENDER"], original.identifier,
                                           cap_time(original.sent_at or original.created_at))))
    _info(root, alert, "ko", web)
    if alert.headline_en and alert.body_en:
        _info(root, alert, "en", web)
    return root


def cap_xml(alert: Alert, web: str | None = None) -> bytes:
    return etree.tostring(cap_element(alert, web), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def atom_feed(alerts: list[Alert], *, feed_url: str, cap_url, page_url, title: str) -> bytes:
    """Atom 1.0 feed; each entry links its CAP document (``application/cap+xml``)."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _sub(feed, "id", feed_url, ATOM_NS)
    _sub(feed, "title", title, ATOM_NS)
    updated = max((a.sent_at for a in alerts if a.sent_at), default=utcnow())
    _sub(feed, "updated", cap_time(updated), ATOM_NS)
    link = _sub(feed, "link", ns=ATOM_NS)
    link.set("rel", "self")
    link.set("href", feed_url)
    author = _sub(feed, "author", ns=ATOM_NS)
    _sub(author, "name", current_app.config["CITY_NAME"], ATOM_NS)
    for alert in alerts:
        entry = _sub(feed, "entry", ns=ATOM_NS)
        _sub(entry, "id", alert.identifier, ATOM_NS)
        _sub(entry, "title", alert.headline_ko, ATOM_NS)
        _sub(entry, "updated", cap_time(alert.sent_at or alert.created_at), ATOM_NS)
        _sub(entry, "summary", alert.body_ko, ATOM_NS)
        for rel, href, mime in (("alternate", cap_url(alert), "application/cap+xml"),
                                ("related", page_url(alert), "text/html")):
            element = _sub(entry, "link", ns=ATOM_NS)
            element.set("rel", rel)
            element.set("type", mime)
            element.set("href", href)
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)


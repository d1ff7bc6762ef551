"""Words for the places feature's codes in the page's language: facility categories, attributes,
detail fields, data sources and days of the week (one home for the pages, the API and templates,
which reach them as ``place_category_label``, ``place_attribute_labels``, ``place_detail_labels``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "toilet": _l("Public toilets"),
    "pharmacy": _l("Pharmacies"),
    "hospital": _l("Hospitals"),
    "emergency_room": _l("Emergency rooms"),
    "wifi": _l("Free public Wi-Fi"),
    "public_office": _l("Public offices"),
    "flood_shelter": _l("Flood refuges"),
    "earthquake_site": _l("Earthquake refuge grounds"),
    "heat_shelter": _l("Cooling shelters"),
    "cold_shelter": _l("Warming shelters"),
    "climate_shelter": _l("Climate companion shelters"),
    "civil_defence_shelter": _l("Civil defence shelters"),
}
ATTRIBUTE_LABELS = {
    "wheelchair": _l("Wheelchair accessible"),
    "baby_changing": _l("Baby changing"),
    "gender_separated": _l("Separate men's and women's"),
    "emergency_bell": _l("Emergency bell"),
    "cctv": _l("CCTV at the entrance"),
    "open_24h": _l("Open 24 hours"),
    "open_holidays": _l("Open on public holidays"),
    "indoor": _l("Indoors"),
    "emergency_room": _l("Emergency room"),
    "children": _l("Children's night and holiday care"),
    "underground": _l("Underground"),
}
DETAIL_LABELS = {
    "type": _l("Facility type"),
    "er_phone": _l("Emergency room phone"),
    "floor": _l("Floor"),
    "manager": _l("Managed by"),
    "location_use": _l("Located in"),
    "capacity": _l("Capacity (people)"),
    "remarks": _l("Remarks"),
    "area_m2": _l("Area (m²)"),
}
# The human name of each source (a dataset's own name), by the importer's source key; the
# templated keys ("nemc-{kind}", "localdata-{kind}", "geojson-{kind}") by their prefix.
SOURCE_LABELS = {
    "toilet-std": _l("National public toilet standard data"),
    "seoul-toilets": _l("Seoul public toilet list"),
    "seoul-toilet-poi": _l("Seoul public toilet locations"),
    "nemc-er-list": _l("Emergency medical institutions list"),
    "nemc-institutions": _l("NEMC hospital and clinic information"),
    "nemc": _l("National Emergency Medical Center data"),
    "moonlight-hospitals": _l("Moonlight children's hospitals"),
    "pharmacy-list": _l("Pharmacy list"),
    "seoul-pharmacy-hours": _l("Seoul pharmacy opening hours"),
    "seoul-wifi": _l("Seoul public Wi-Fi"),
    "seoul-wifi-addresses": _l("Seoul public Wi-Fi"),
    "localdata": _l("Local licensing data (LOCALDATA)"),
    "civil-defence-shelters": _l("Civil defence shelters"),
    "civil-defence-shelters-2026": _l("Civil defence shelters"),
    "seoul-flood-shelters": _l("Seoul flood refuges"),
    "earthquake-outdoor-sites": _l("Earthquake outdoor refuge grounds"),
    "seoul-heat-shelters": _l("Seoul cooling shelters"),
    "seoul-cold-shelters": _l("Seoul warming shelters"),
    "seoul-climate-shelters": _l("Seoul climate companion shelters"),
    "geojson": _l("Imported map data"),
    "manual": _l("Added by the city"),
}
DAY_LABELS = {"1": _l("Monday"), "2": _l("Tuesday"), "3": _l("Wednesday"), "4": _l("Thursday"),
              "5": _l("Friday"), "6": _l("Saturday"), "7": _l("Sunday"), "holiday": _l("Public holidays")}


def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(code, code.replace("_", " ")))


def source_name(source: str) -> str:
    """The dataset's name for an importer source key ("seoul-toilets" -> 서울시 공중화장실 현황)."""
    key = source if source in SOURCE_LABELS else source.rsplit("-", 1)[0]
    return str(SOURCE_LABELS.get(key, _l("Open data")))


def day_label(key: str) -> str:
    """A weekday ("1" Monday … "7" Sunday) or "holiday"."""
    return str(DAY_LABELS[key])


TEMPLATE_HELPERS = {"place_category_label": category_label, "place_attribute_labels": ATTRIBUTE_LABELS,
                    "place_detail_labels": DETAIL_LABELS}

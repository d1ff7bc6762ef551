"""Translated names of alert types, levels and delivery states (one place for every face)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TYPE_LABELS = {
    "heavy_rain": _l("Heavy rain"),
    "typhoon": _l("Typhoon"),
    "heavy_snow": _l("Heavy snow"),
    "fire": _l("Fire"),
    "traffic_accident": _l("Traffic accident"),
    "earthquake": _l("Earthquake"),
    "heat_wave": _l("Heat wave"),
    "fine_dust": _l("Fine dust"),
    "cold_wave": _l("Cold wave"),
    "air_raid": _l("Civil defence (air raid)"),
    "other": _l("Other hazard"),
}

LEVEL_LABELS = {
    "emergency": _l("Emergency"),
    "urgent": _l("Urgent"),
    "safety": _l("Safety notice"),
}

MSG_TYPE_LABELS = {"Alert": _l("Alert"), "Update": _l("Update"), "Cancel": _l("Cancellation")}

STATUS_LABELS = {"draft": _l("Draft"), "sending": _l("Sending"), "sent": _l("Sent")}

STATE_LABELS = {"pending": _l("Waiting"), "sending": _l("In flight"), "sent": _l("Delivered to push service"),
                "failed": _l("Failed"), "gone": _l("Subscription gone")}


def type_choices():
    return [(k, str(v)) for k, v in TYPE_LABELS.items()]


def level_choices():
    return [(k, str(v)) for k, v in LEVEL_LABELS.items()]

"""An alert's words in the reader's language, never Korean only.

Officers write Korean, and English for urgent and emergency alerts; an older or relayed alert
may have no English. An English reader then gets the type's own title and the guide's one-line
advice ("Heavy rain warning" / "Stay away from low ground and water; move higher."), and the
page shows the Korean original beside it.
"""

from __future__ import annotations

from flask_babel import gettext

from civic.alerts.guides import guide
from civic.alerts.labels import TYPE_LABELS
from civic.alerts.models import Alert


def has_own_text(alert: Alert, lang: str) -> bool:
    return lang == "ko" or bool(getattr(alert, f"headline_{lang}", ""))


def alert_text(alert: Alert, field: str, lang: str) -> str:
    if has_own_text(alert, lang):
        return alert.text(field, lang)
    if field == "headline":
        label = TYPE_LABELS.get(alert.type)
        return gettext("%(hazard)s warning", hazard=label) if label else alert.headline_ko
    if field == "body":
        advice = guide(alert.type, lang)
        return advice["summary"] if advice else ""
    return ""

"""Reports and Open311 settings (the registry is civic/settings.py)."""

from civic.settings import Setting, positive

SETTINGS = [
    Setting("REPORTS_DUPLICATE_RADIUS_M", float, 50.0, "A new report this close to an open one of the same "
            "service is offered as a possible duplicate.", check=positive),
    Setting("REPORTS_FALLBACK_DEPARTMENT", str, "CIVIL-AFFAIRS", "Department when no routing rule matches."),
    Setting("OPEN311_JURISDICTION", str, "seoul.go.kr", "Open311 `jurisdiction_id`."),
    Setting("OPEN311_CONTACT", str, "Seoul Dasan Call Center 120", "Open311 discovery contact."),
    Setting("OPEN311_KEY_SERVICE", str, "Ask the city for an api_key (issued with flask api-clients create).",
            "Open311 discovery: how a client gets an api_key."),
    Setting("OPEN311_CHANGESET", str, "2026-11-27T00:00:00+09:00", "Open311 discovery changeset date."),
    Setting("OPEN311_MAX_RESULTS", int, 1000, "Most requests one Open311 search returns.", check=positive),
    Setting("OPEN311_MAX_WINDOW_DAYS", int, 90, "Widest Open311 search window in days.", check=positive),
]

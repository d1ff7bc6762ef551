"""Builders for alert tests (through the service, so the rules apply)."""

from civic.alerts import service

GANGNAM, JONGNO, MAPO = "11680", "11110", "11440"


def alert_data(**overrides) -> dict:
    data = {"type": "heavy_rain", "level": "urgent", "districts": [GANGNAM], "headline_ko": "호우 경보",
            "body_ko": "저지대 침수 우려. 하천변 접근 금지.", "instruction_ko": "높은 곳으로 대피하세요.",
            "headline_en": "Heavy rain warning", "body_en": "Low-lying areas may flood.",
            "instruction_en": "Move to higher ground.", "expires_in_min": 120}
    data.update(overrides)
    return data


def subscribe(push_service, behaviour="ok", failures=0, user=None, **prefs):
    device = push_service.new_device(behaviour, failures)
    prefs.setdefault("districts", [GANGNAM])
    sub, _ = service.subscribe(push_service.subscription(device, **prefs), user=user)
    return device, sub


def send_alert(officer, **overrides):
    alert = service.create_draft(officer, alert_data(**overrides))
    return service.send(officer, alert)

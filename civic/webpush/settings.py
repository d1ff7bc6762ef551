"""Web Push settings: VAPID keys, the push services that may be contacted, and the sender (the
registry is civic/settings.py)."""

from urllib.parse import urlsplit

from civic.settings import Setting, positive

DEFAULT_PUSH_SERVICES = [
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://*.push.services.mozilla.com",
    "https://web.push.apple.com",
    "https://*.push.apple.com",
    "https://*.notify.windows.com",
]


def origins(text: str) -> list[str]:
    """Push-service origins separated by spaces or commas."""
    return text.replace(",", " ").split()


def valid_origins(value: list[str]) -> str | None:
    bad = [o for o in value if urlsplit(o).scheme not in ("https", "http") or not urlsplit(o).hostname]
    return f"not an origin: {', '.join(bad)}" if bad else None


SETTINGS = [
    Setting("VAPID_PRIVATE_KEY", str, "", "Web Push application server key (base64url P-256); the same on "
            "every web and worker process.", shown_default="generated once into `instance/vapid_private_key` "
            "(mode 600)", secret=True),
    Setting("VAPID_PUBLIC_KEY", str, "", "Must match the private key when given.",
            shown_default="derived from the private key"),
    Setting("VAPID_SUBJECT", str, "mailto:safety-alerts@example.org", "Contact in every VAPID token; set it in "
            "production."),
    Setting("PUSH_SERVICE_ALLOWLIST", origins, DEFAULT_PUSH_SERVICES, "Push-service origins a subscription may "
            "point at (nothing else is ever contacted).", check=valid_origins,
            shown_default="FCM, Mozilla autopush, Apple, WNS"),
    Setting("PUSH_CONCURRENCY", int, 64, "Connections per push service.", check=positive),
    Setting("PUSH_TIMEOUT_S", float, 10.0, "Timeout per push request, in seconds.", check=positive),
    Setting("PUSH_MAX_ATTEMPTS", int, 4, "Attempts per message before it counts as failed.", check=positive),
    Setting("PUSH_RETRY_BASE_S", float, 1.0, "First retry delay; doubles each time, `Retry-After` wins.",
            check=positive),
    Setting("PUSH_RETRY_MAX_DELAY_S", float, 60.0, "Longest retry delay.", check=positive),
    Setting("PUSH_CLAIM_LEASE_S", float, 600.0, "How long a batch owns its in-flight deliveries before "
            "another worker may resume them.", check=positive),
    Setting("PUSH_QUEUE", str, "alerts", "RQ queue of Web Push jobs (alert fan-out, personal pushes)."),
]

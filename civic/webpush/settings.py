"""Web Push settings: VAPID keys and the sender (the registry is civic/settings.py)."""

from civic.settings import Setting, positive

SETTINGS = [
    Setting("VAPID_PRIVATE_KEY", str, "", "Web Push application server key (base64url P-256); the same on "
            "every web and worker process.", shown_default="generated once into `instance/vapid_private_key` "
            "(mode 600)", secret=True),
    Setting("VAPID_PUBLIC_KEY", str, "", "Must match the private key when given.",
            shown_default="derived from the private key"),
    Setting("VAPID_SUBJECT", str, "mailto:safety-alerts@example.org", "Contact in every VAPID token; set it in "
            "production."),
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

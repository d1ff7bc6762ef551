"""Open statistics (the registry is civic/settings.py)."""

from civic.settings import Setting, non_negative, positive

SETTINGS = [
    Setting("STATS_CACHE_SECONDS", int, 60, "How long each web process keeps the statistics it computed from the "
            "aggregates (0 = recompute on every request).", check=non_negative),
    Setting("STATS_MIN_CELL", int, 5, "Published figures resting on fewer cases than this are shown as "
            "\"<N\" (counts, medians and shares).", check=positive),
]

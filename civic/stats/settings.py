"""Open statistics (the registry is civic/settings.py)."""

from civic.settings import Setting, non_negative, positive

SETTINGS = [
    Setting("STATS_CACHE_SECONDS", int, 60, "How long each web process keeps the statistics it computed from the "
            "aggregates (0 = recompute on every request).", check=non_negative),
    Setting("STATS_MIN_CELL", int, 5, "Counts from 1 to this minus one are published as \"<N\" (0 as 0); "
            "shares and medians resting on fewer cases are not given.", check=positive),
]

"""Personal updates by Web Push (the registry is civic/settings.py)."""

from civic.notifications.quiet_hours import parse_quiet_hours
from civic.settings import Setting

SETTINGS = [
    Setting("PERSONAL_PUSH_QUIET_HOURS", parse_quiet_hours, parse_quiet_hours("22:00-08:00"),
            "Personal updates (petitions, reports, proposals) created in these hours of the city's time zone "
            "wait until they end (`HH:MM-HH:MM`, empty = none); disaster alerts ignore them.",
            shown_default="`22:00-08:00`"),
]

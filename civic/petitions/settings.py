"""Petition settings (the registry is civic/settings.py)."""

from civic.settings import Setting, non_negative, one_of, positive, time_of_day

SETTINGS = [
    Setting("PETITIONS_DEFAULT_DEADLINE_DAYS", int, 7, "Working days a petition type gets when none is set "
            "(weekends and public holidays excluded).", check=positive),
    Setting("PETITIONS_DUE_TIME", time_of_day, "18:00", "Local time of day a deadline falls on, on its last "
            "working day."),
    Setting("PETITIONS_TRANSFER_DEADLINE", str, "continue", "On transfer, `continue` keeps the deadline, "
            "`restart` counts again from the transfer.", check=one_of("continue", "restart")),
    Setting("PETITIONS_DUE_SOON_HOURS", int, 24, "The \"due soon\" window of the staff queue and reminders.",
            check=non_negative),
    Setting("PETITIONS_MAX_ATTACHMENTS", int, 5, "Images per petition or answer.", check=non_negative),
]

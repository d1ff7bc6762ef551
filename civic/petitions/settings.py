"""Petition settings (the registry is civic/settings.py)."""

from civic.settings import Setting, non_negative, one_of, positive, time_range


def _whole_range(value: str) -> str | None:
    return None if value else "must be a range such as 09:00-18:00"


SETTINGS = [
    Setting("PETITIONS_DEFAULT_DEADLINE_DAYS", int, 7, "Days a petition type gets when none is set "
            "(counted as the law counts them: see docs/petitions.md).", check=positive),
    Setting("PETITIONS_WORKING_HOURS", time_range, "09:00-18:00", "Local working hours of the offices, "
            "`HH:MM-HH:MM`: legal deadlines count them, and a deadline counted in days ends at their close.",
            check=_whole_range),
    Setting("PETITIONS_LUNCH_HOUR", time_range, "12:00-13:00", "The lunch hour inside the working hours, "
            "which deadlines counted in hours skip (empty: none)."),
    Setting("PETITIONS_TRANSFER_DEADLINE", str, "continue", "On transfer, `continue` keeps the deadline, "
            "`restart` counts again from the transfer.", check=one_of("continue", "restart")),
    Setting("PETITIONS_DUE_SOON_HOURS", int, 8, "The \"due soon\" window of the staff queue and reminders, "
            "in working hours (8 = one working day).", check=non_negative),
    Setting("PETITIONS_MAX_ATTACHMENTS", int, 5, "Images per petition or answer.", check=non_negative),
]

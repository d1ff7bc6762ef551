"""Aggregates behind the public statistics: counters per day, kept up to date as events happen.

``StatCount`` is one counter per (metric, local day, up to three keys), incremented in the same
transaction as the event (``tracking.py``), so a page over 30, 90 or 365 days sums at most a few
thousand small rows whatever the number of petitions and reports. ``OpenPetition`` mirrors the
open petitions (department, deadline) so "overdue now" counts a small table, not every petition.

``StatWindow`` rolls the day counters up per published window (30, 90, 365 days): for each
window, one row per (metric, keys) holding the sum of the day counters from the window's
``StatWindowStart.start`` on. The same delta path that writes a day counter adds to the window
rows it falls in (``windows.py``), so an uncached dashboard reads a few thousand window rows
instead of a year of day counters.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from civic.extensions import Model

# Metrics and their keys (k1, k2, k3); ``day`` is the local (CIVIC_TIMEZONE) date of the event.
PETITION_RECEIVED = "petition.received"        # department_id — day received
PETITION_ANSWERED = "petition.answered"        # department_id — day answered
PETITION_ON_TIME = "petition.on_time"          # department_id — answered by the legal deadline
PETITION_ANSWER_DAYS = "petition.answer_days"  # department_id, working days to answer
REPORT_SERVICE = "report.service"              # service_id, status — day reported
REPORT_DISTRICT = "report.district"            # district code, status — day reported
REPORT_FIX_DAYS = "report.fix_days"            # service_id, days to fix — day fixed
PROPOSAL_THRESHOLD = "proposal.threshold"      # department_id — day the threshold was reached
PROPOSAL_RESPONDED = "proposal.responded"      # department_id — day of the official response
PROPOSAL_ON_TIME = "proposal.on_time"          # department_id — responded by the response deadline
POLL_VOTES = "poll.votes"                      # poll_id — day voted


class StatCount(Model):
    __tablename__ = "stat_counts"
    # The primary key (metric, day, …) is also the index every window query uses.

    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    k1: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    k2: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    k3: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    n: Mapped[int] = mapped_column(default=0)


class OpenPetition(Model):
    __tablename__ = "stat_open_petitions"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)


class StatWindow(Model):
    __tablename__ = "stat_windows"

    days: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    k1: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    k2: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    k3: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    n: Mapped[int] = mapped_column(default=0)


class StatWindowStart(Model):
    """The first local day each window's rows count (its rows sum the day counters from then on)."""

    __tablename__ = "stat_window_starts"

    days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    start: Mapped[date]

"""Report and proposal updates by e-mail: as they happen, or collected into a digest.

Who: the reporter and the followers of a report whose status changed; the author of a
proposal whose status changed. How: the account's ``update_mail`` choice
(``civic.notifications.preferences``): ``immediate`` mail waits for the end of quiet hours
(``PERSONAL_PUSH_QUIET_HOURS``, as push does), ``daily`` and ``weekly`` store a ``DigestItem``
that ``send_digests`` (``flask mail digests --period daily|weekly``, from cron) gathers into one
mail per account. Every such mail has a one-click unsubscribe (``update_mail`` becomes ``off``).
Disaster alerts never come here.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from civic import events
from civic.accounts.models import User
from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.mail.compose import Content, absolute
from civic.mail.models import DigestItem
from civic.mail.outbox import dispatch, put, send
from civic.notifications.preferences import preferences_of
from civic.notifications.quiet_hours import quiet_until
from civic.notifications.service import in_locale_of

PERIODS = ("daily", "weekly")


@dataclass
class Update:
    """One update for one person, written in their language by ``text()``."""

    key: str
    url: str
    text: object  # () -> (title, body)


def _key(event: events.Event) -> str:
    return f"{type(event).__name__}:{hashlib.sha256(repr(event).encode()).hexdigest()[:16]}"


def _locale(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def on_report_status_changed(event: events.ReportStatusChanged) -> None:
    from civic.reports.labels import close_reason_label, status_label
    from civic.reports.models import Report, ReportFollower

    report = db.session.get(Report, event.report_id)
    if report is None:
        return
    recipients: dict[int, User] = {}
    if report.reporter is not None:
        recipients[report.reporter.id] = report.reporter
    for row in db.session.scalars(select(ReportFollower).where(ReportFollower.report_id == report.id)):
        recipients[row.user_id] = row.user
    for user in recipients.values():
        def text(user=user):
            title = _("Report #%(id)s: %(service)s", id=report.id, service=report.service.name(_locale(user)))
            body = _("Status: %(status)s", status=status_label(event.new_status))
            if event.close_reason:
                body += " · " + close_reason_label(event.close_reason)
            return title, body

        deliver(user, Update(_key(event), absolute(f"/reports/{report.id}"), text))


def on_proposal_status_changed(event: events.ProposalStatusChanged) -> None:
    from civic.participation.labels import status_label
    from civic.participation.models import Proposal

    proposal = db.session.get(Proposal, event.proposal_id)
    if proposal is None or proposal.author_id is None:
        return
    user = db.session.get(User, proposal.author_id)
    if user is None:
        return

    def text():
        return (_("Your proposal “%(title)s”", title=proposal.title),
                _("Status: %(status)s", status=status_label(event.new_status)))

    deliver(user, Update(_key(event), absolute(f"/proposals/{proposal.id}"), text))


def deliver(user: User, item: Update) -> None:
    """Mail now (after quiet hours), or keep for the digest, as the account chose."""
    if not user.is_active or not user.email:
        return
    mode = preferences_of(user.id).update_mail
    if mode == "off":
        return
    if mode in PERIODS:
        with in_locale_of(user):
            title, body = item.text()  # type: ignore[operator]
        try:
            with unit_of_work():
                db.session.add(DigestItem(user_id=user.id, key=item.key[:200], title=title[:300], body=body,
                                          url=item.url[:500], created_at=utcnow()))
        except IntegrityError:
            pass  # this update is already waiting for the digest
        return
    now = utcnow()
    due = quiet_until(now, current_app.config["PERSONAL_PUSH_QUIET_HOURS"]) or now  # the city's hours

    def content() -> Content:
        title, body = item.text()  # type: ignore[operator]
        return Content(subject=title, paragraphs=[body], action=(_("Open"), item.url), footer=_updates_footer())

    send(user, f"update:{item.key}", content, kind="update", essential=False, unsubscribe_scope="updates",
         not_before=due)


def _updates_footer() -> str:
    return _("You get this e-mail for reports you follow and your proposals. Choose immediate mail, a daily or "
             "weekly digest, or none on your account page.")


def send_digests(period: str) -> int:
    """One mail per account that chose ``period``, with every update waiting for it. Returns
    how many mails were queued."""
    from civic.notifications.models import DeliveryPreference

    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    rows = db.session.execute(
        select(DigestItem).join(DeliveryPreference, DeliveryPreference.user_id == DigestItem.user_id)
        .where(DigestItem.digest_key.is_(None), DeliveryPreference.update_mail == period)
        .order_by(DigestItem.user_id, DigestItem.id)).scalars().all()
    by_user: dict[int, list[DigestItem]] = defaultdict(list)
    for row in rows:
        by_user[row.user_id].append(row)
    queued = 0
    for user_id, items in by_user.items():
        user = db.session.get(User, user_id)
        if user is None or not user.is_active or not user.email:
            continue
        key = f"digest:{period}:{user_id}:{items[0].id}-{items[-1].id}"
        entries = [(item.title, item.body, item.url) for item in items]

        def content(entries=entries, count=len(items)) -> Content:
            subject = (_("Your daily digest: %(n)d updates", n=count) if period == "daily"
                       else _("Your weekly digest: %(n)d updates", n=count))
            return Content(subject=subject,
                           paragraphs=[_("Here is what changed in the reports you follow and your proposals.")],
                           items=entries, footer=_updates_footer())

        outbox_id = put(key, user, content, kind=f"digest_{period}", essential=False, unsubscribe_scope="updates")
        with unit_of_work():
            db.session.execute(update(DigestItem).where(DigestItem.id.in_([item.id for item in items]))
                               .values(digest_key=key))
        dispatch(outbox_id)
        queued += 1
    return queued


def subscribe(app) -> None:
    events.subscribe(app, events.ReportStatusChanged, on_report_status_changed, after_commit=True)
    events.subscribe(app, events.ProposalStatusChanged, on_proposal_status_changed, after_commit=True)

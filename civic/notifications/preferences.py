"""The account's choice of channels for personal updates (account page, next to the devices).

- Petition notices (received, transferred, extended, answered) cannot be switched off: the
  account chooses e-mail, push or both (the in-app notice is always written).
- Report and proposal updates by e-mail: ``immediate`` (quiet hours apply), a ``daily`` or
  ``weekly`` digest, or ``off``.
- Disaster alerts never go by e-mail, whatever is chosen here.
"""

from __future__ import annotations

from dataclasses import dataclass

from civic.db import unit_of_work, utcnow
from civic.errors import N_, Unauthorized, ValidationFailed
from civic.extensions import db
from civic.notifications.models import PETITION_CHANNELS, UPDATE_MODES, DeliveryPreference


@dataclass(frozen=True)
class Preferences:
    petition_channel: str = "both"
    update_mail: str = "immediate"

    @property
    def petitions_by_email(self) -> bool:
        return self.petition_channel in ("both", "email")

    @property
    def petitions_by_push(self) -> bool:
        return self.petition_channel in ("both", "push")


def preferences_of(user_id: int) -> Preferences:
    row = db.session.get(DeliveryPreference, user_id)
    if row is None:
        return Preferences()
    return Preferences(row.petition_channel, row.update_mail)


def set_preferences(user, *, petition_channel: str | None = None, update_mail: str | None = None) -> Preferences:
    if user is None:
        raise Unauthorized(N_("Sign in to continue."))
    errors = {}
    if petition_channel is not None and petition_channel not in PETITION_CHANNELS:
        errors["petition_channel"] = N_("One of %(values)s.", values=", ".join(PETITION_CHANNELS))
    if update_mail is not None and update_mail not in UPDATE_MODES:
        errors["update_mail"] = N_("One of %(values)s.", values=", ".join(UPDATE_MODES))
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        row = db.session.get(DeliveryPreference, user.id, with_for_update=True)
        if row is None:
            row = DeliveryPreference(user_id=user.id, petition_channel="both", update_mail="immediate")
            db.session.add(row)
        if petition_channel is not None:
            row.petition_channel = petition_channel
        if update_mail is not None:
            row.update_mail = update_mail
        row.updated_at = utcnow()
    return preferences_of(user.id)


def forget_user(user) -> None:
    """Account deletion hook (runs in the caller's transaction)."""
    from sqlalchemy import delete

    db.session.execute(delete(DeliveryPreference).where(DeliveryPreference.user_id == user.id))

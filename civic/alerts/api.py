"""JSON face: Web Push subscriptions, alert history, CAP 1.2 and the Atom feed."""

from __future__ import annotations

from flask import Response, current_app, url_for

from civic.accounts.auth import current_user, role_required
from civic.alerts import cap, service
from civic.alerts.schemas import (
    AlertArgs,
    AlertOut,
    EndpointIn,
    ProgressOut,
    SubscriptionIn,
    SubscriptionOut,
    TestOut,
    VapidKeyOut,
)
from civic.api import make_blueprint
from civic.api.pagination import page_headers

bp = make_blueprint("alerts_api", __name__, description="Safety alerts: Web Push subscriptions, CAP 1.2, Atom")

CAP_MIMETYPE = "application/cap+xml"


@bp.route("/push/vapid-public-key")
@bp.response(200, VapidKeyOut)
def vapid_public_key():
    """The application server key for ``PushManager.subscribe()``."""
    return {"publicKey": current_app.config["VAPID_PUBLIC_KEY"]}


@bp.route("/push/subscriptions", methods=["POST"])
@bp.arguments(SubscriptionIn, location="json")
@bp.response(201, SubscriptionOut)
@bp.alt_response(200, schema=SubscriptionOut, description="The endpoint was already subscribed: updated")
def subscribe(data):
    """Subscribe a browser (no account needed); the same endpoint again updates it."""
    subscription, created = service.subscribe(data, user=current_user())
    return subscription, 201 if created else 200


@bp.route("/push/subscriptions", methods=["DELETE"])
@bp.arguments(EndpointIn, location="json")
@bp.response(204)
def unsubscribe(data):
    """Unsubscribe an endpoint."""
    service.unsubscribe(data["endpoint"])


@bp.route("/push/subscriptions/test", methods=["POST"])
@bp.arguments(EndpointIn, location="json")
@bp.response(200, TestOut)
def test_notification(data):
    """Push a test notification to one subscribed endpoint now."""
    return {"outcome": service.send_test_notification(data["endpoint"])}


@bp.route("/alerts")
@bp.arguments(AlertArgs, location="query")
@bp.response(200, AlertOut(many=True))
def alerts(args):
    """Sent alerts, newest first; filter by type, level, district."""
    page = service.history(args.get("type"), args.get("level"), args.get("district"),
                           args["page"], args["per_page"])
    return page.items, 200, page_headers(page)


@bp.route("/alerts/<int:alert_id>")
@bp.response(200, AlertOut)
def alert(alert_id):
    """One sent alert."""
    return service.get_public(alert_id)


def _cap_url(alert):
    return url_for("alerts_api.alert_cap", alert_id=alert.id, _external=True)


def _page_url(alert):
    return url_for("alerts.show", alert_id=alert.id, _external=True)


@bp.route("/alerts/<int:alert_id>.cap")
@bp.doc(responses={200: {"description": "OASIS CAP 1.2 XML", "content": {CAP_MIMETYPE: {}}}})
def alert_cap(alert_id):
    """The alert as OASIS CAP 1.2."""
    alert = service.get_public(alert_id)
    return Response(cap.cap_xml(alert, web=_page_url(alert)), mimetype=CAP_MIMETYPE)


@bp.route("/alerts/feed.atom")
@bp.doc(responses={200: {"description": "Atom 1.0 feed of active alerts", "content": {"application/atom+xml": {}}}})
def feed():
    """Active alerts as an Atom feed; each entry links its CAP document."""
    body = cap.atom_feed(service.active_alerts(), feed_url=url_for("alerts_api.feed", _external=True),
                         cap_url=_cap_url, page_url=_page_url,
                         title=f"{current_app.config['CITY_NAME']} safety alerts")
    return Response(body, mimetype="application/atom+xml")


@bp.route("/staff/alerts/<int:alert_id>/progress")
@bp.response(200, ProgressOut)
@bp.doc(security=[{"bearerAuth": []}])
@role_required("alert_officer")
def progress(alert_id):
    """Delivery progress of an alert (alert officers)."""
    officer = current_user()
    alert = service.staff_get(officer, alert_id)
    return dict(service.progress(officer, alert), status=alert.status, audience=alert.audience)

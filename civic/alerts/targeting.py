"""Who an alert reaches: districts chosen by a subscription, or its location inside the area.

The area is the union of the alert's districts and its polygon or circle. Candidates come from
one indexed query on subscription districts; only location-based candidates outside the listed
districts are checked point-in-polygon with shapely.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from shapely import prepare
from shapely.geometry import Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import and_, literal, or_, select

from civic.alerts.models import Alert, PushSubscription, SubscriptionDistrict
from civic.extensions import db
from civic.geo import EARTH_RADIUS_M, district_index


def circle_polygon(lat: float, lon: float, radius_m: float, segments: int = 64) -> Polygon:
    """A geodesic-enough circle as a polygon in lon/lat (fine at city scale)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return Polygon([(lon + dlon * math.cos(2 * math.pi * i / segments),
                     lat + dlat * math.sin(2 * math.pi * i / segments)) for i in range(segments)])


def extra_shape(alert: Alert) -> BaseGeometry | None:
    """The alert's polygon and/or circle (not its districts), or None."""
    shapes = []
    if alert.polygon:
        shapes.append(shape(alert.polygon))
    if alert.circle_radius_m and alert.circle_lat is not None and alert.circle_lon is not None:
        shapes.append(circle_polygon(alert.circle_lat, alert.circle_lon, alert.circle_radius_m))
    if not shapes:
        return None
    geom = shapes[0]
    for other in shapes[1:]:
        geom = geom.union(other)
    return geom


def effective_districts(alert: Alert) -> set[str]:
    """Listed districts plus every district the polygon or circle touches."""
    codes = set(alert.districts or [])
    geom = extra_shape(alert)
    if geom is not None:
        codes.update(code for code, g in district_index().geometries.items() if g.intersects(geom))
    return codes


@dataclass
class Audience:
    subscription_ids: list[int] = field(default_factory=list)
    per_district: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.subscription_ids)


def audience(alert: Alert) -> Audience:
    codes = effective_districts(alert)
    if not codes:
        return Audience()
    listed = set(alert.districts or [])
    geom = extra_shape(alert)
    if geom is not None:
        prepare(geom)
    rows = db.session.execute(
        select(SubscriptionDistrict.subscription_id, SubscriptionDistrict.code, SubscriptionDistrict.via_location,
               PushSubscription.types, PushSubscription.lat, PushSubscription.lon)
        .join(PushSubscription, PushSubscription.id == SubscriptionDistrict.subscription_id)
        .where(SubscriptionDistrict.code.in_(sorted(codes)))
    )
    matched: dict[int, set[str]] = defaultdict(set)
    for sub_id, code, via_location, types, lat, lon in rows:
        if types and alert.type not in types.split():
            continue
        if via_location and code not in listed:
            # Only the part of the district inside the polygon/circle is covered.
            if geom is None or lat is None or not geom.contains(Point(lon, lat)):
                continue
        matched[sub_id].add(code)
    per_district: dict[str, int] = defaultdict(int)
    for district_codes in matched.values():
        for code in district_codes:
            per_district[code] += 1
    return Audience(sorted(matched), dict(sorted(per_district.items())))


# --- the same rules in SQL, for planning a fan-out over millions of subscriptions ------------

def wants_type(alert_type: str):
    """SQL condition: the subscription takes this alert type (no types chosen means every type)."""
    return or_(PushSubscription.types == "",
               (literal(" ") + PushSubscription.types + literal(" ")).like(f"% {alert_type} %"))


def district_matches(alert: Alert):
    """``select`` of subscription ids reached without a geometry test: a chosen district in the
    area, or a location inside a listed district."""
    listed = sorted(alert.districts or [])
    reached = or_(and_(SubscriptionDistrict.via_location.is_(False),
                       SubscriptionDistrict.code.in_(sorted(effective_districts(alert)))),
                  and_(SubscriptionDistrict.via_location.is_(True), SubscriptionDistrict.code.in_(listed)))
    return (select(SubscriptionDistrict.subscription_id)
            .join(PushSubscription, PushSubscription.id == SubscriptionDistrict.subscription_id)
            .where(reached, wants_type(alert.type)))


def location_matches(alert: Alert) -> list[int]:
    """Location-based subscriptions in districts the polygon or circle only touches, kept when
    their point lies inside it (shapely)."""
    geom = extra_shape(alert)
    touched = sorted(effective_districts(alert) - set(alert.districts or []))
    if geom is None or not touched:
        return []
    prepare(geom)
    rows = db.session.execute(
        select(PushSubscription.id, PushSubscription.lat, PushSubscription.lon)
        .join(SubscriptionDistrict, SubscriptionDistrict.subscription_id == PushSubscription.id)
        .where(SubscriptionDistrict.via_location.is_(True), SubscriptionDistrict.code.in_(touched),
               wants_type(alert.type)))
    return [sub_id for sub_id, lat, lon in rows if lat is not None and geom.contains(Point(lon, lat))]

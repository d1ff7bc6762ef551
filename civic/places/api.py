"""``/api/v1/places``: nearby search, bounding-box listing and one place, as GeoJSON."""

from __future__ import annotations

from flask import g, jsonify, url_for

from civic.api import make_blueprint
from civic.api.pagination import page_headers, paginate
from civic.geo import feature_collection, parse_bbox, point_feature
from civic.places import service
from civic.places.models import Place
from civic.places.schemas import BboxArgs, FeatureCollectionSchema, FeatureSchema, NearbyArgs

bp = make_blueprint("places_api", __name__, url_prefix="/places",
                    description="Public facilities near a point, in a box, or one by id (GeoJSON)")


def _split(raw: str) -> list[str]:
    return [part for part in (raw or "").split(",") if part.strip()]


def _detail_url(place_id: int) -> str:
    # url_for once per request, not once per feature: nearby answers are the hot path.
    if "places_detail_prefix" not in g:
        g.places_detail_prefix = url_for("places.detail", place_id=0, _external=True)[:-1]
    return f"{g.places_detail_prefix}{place_id}"


def to_feature(place: Place, distance_m: float | None = None, open_now: bool | None = None):
    properties = {
        "id": place.id,
        "category": place.category,
        "name": place.name,
        "address": place.address,
        "district_code": place.district_code,
        "phone": place.phone,
        "hours": place.hours,
        "open_now": open_now,
        "attributes": place.attributes or {},
        "details": place.details or {},
        "source": place.source,
        "source_id": place.source_id,
        "updated_at": place.updated_at.isoformat(),
        "url": _detail_url(place.id),
    }
    if distance_m is not None:
        properties["distance_m"] = round(distance_m, 1)
    return point_feature(place.lon, place.lat, properties, id=place.id)


@bp.route("/nearby")
@bp.arguments(NearbyArgs, location="query")
@bp.response(200, FeatureCollectionSchema)
def nearby(args):
    """Nearest places from a point, nearest first, with `distance_m` in metres."""
    results = service.nearest_places(
        args["lat"], args["lon"], _split(args["category"]), args["limit"], args["radius_m"],
        open_only=args["open_now"], attrs=_split(args["attrs"]),
    )
    # The hot path: the features are already plain JSON, so they skip the schema dump
    # (the schema still documents the answer).
    return jsonify(feature_collection([to_feature(r.place, r.distance_m, r.open_now) for r in results]))


@bp.route("")
@bp.arguments(BboxArgs, location="query")
@bp.response(200, FeatureCollectionSchema)
def in_bbox(args):
    """Places inside a bounding box (for a map view), paginated with `Link` headers."""
    bbox = parse_bbox(args["bbox"], required=True)
    page = paginate(service.places_in_bbox(bbox, _split(args["category"])), args["page"], args["per_page"])
    body = feature_collection([to_feature(p, open_now=service.open_now(p)) for p in page.items])
    return body, 200, page_headers(page)


@bp.route("/<int:place_id>")
@bp.response(200, FeatureSchema)
def detail(place_id: int):
    """One place."""
    place = service.get_place(place_id)
    return to_feature(place, open_now=service.open_now(place))

"""``/api/v1/places``: nearby search, bounding-box listing and one place, as GeoJSON."""

from __future__ import annotations

import json

from flask import current_app, g, url_for

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
    properties = json.loads(place.properties_json or place.current_properties())
    properties.update(id=place.id, open_now=open_now, url=_detail_url(place.id))
    if distance_m is not None:
        properties["distance_m"] = round(distance_m, 1)
    return point_feature(place.lon, place.lat, properties, id=place.id)


_OPEN = {True: "true", False: "false", None: "null"}


def _nearby_feature(row: service.NearbyRow) -> str:
    """One feature as JSON text: the stored properties spliced with the per-request ones. The
    same document ``to_feature`` gives, coordinates rounded to 6 decimals as the geojson package
    does (a test checks it)."""
    return (f'{{"type":"Feature","id":{row.id},"geometry":{{"type":"Point",'
            f'"coordinates":[{round(row.lon, 6)!r},{round(row.lat, 6)!r}]}},'
            f'"properties":{{{row.properties_json[1:-1]},"id":{row.id},"open_now":{_OPEN[row.open_now]},'
            f'"url":{json.dumps(_detail_url(row.id))},"distance_m":{round(row.distance_m, 1)!r}}}}}')


@bp.route("/nearby")
@bp.arguments(NearbyArgs, location="query")
@bp.response(200, FeatureCollectionSchema)
def nearby(args):
    """Nearest places from a point, nearest first, with `distance_m` in metres."""
    rows = service.nearest_rows(
        args["lat"], args["lon"], _split(args["category"]), args["limit"], args["radius_m"],
        open_only=args["open_now"], attrs=_split(args["attrs"]),
    )
    # The hot path: each row carries its properties already serialised, so the answer is
    # spliced as text, skipping objects, JSON decoding and the schema dump (the schema still
    # documents the answer).
    body = '{"type":"FeatureCollection","features":[' + ",".join(map(_nearby_feature, rows)) + "]}"
    return current_app.response_class(body, mimetype="application/json")


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

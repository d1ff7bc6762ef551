"""Marshmallow schemas of the places API: query arguments in, GeoJSON out."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from civic.api.pagination import PageArgs


class NearbyArgs(Schema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), metadata={"description": "WGS84 latitude"})
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), metadata={"description": "WGS84 longitude"})
    category = fields.String(load_default="", metadata={"description": "one category or several, comma-separated"})
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 100))
    radius_m = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1),
                              metadata={"description": "search radius in metres (default 2000)"})
    open_now = fields.Boolean(load_default=False,
                              metadata={"description": "only places open now (the city's time zone, CIVIC_TIMEZONE)"})
    attrs = fields.String(load_default="", metadata={"description": "required attributes, comma-separated, "
                                                                    "e.g. wheelchair,baby_changing"})


class BboxArgs(PageArgs):
    bbox = fields.String(required=True, metadata={"description": "minLon,minLat,maxLon,maxLat"})
    category = fields.String(load_default="")


class PointSchema(Schema):
    type = fields.String()
    coordinates = fields.List(fields.Float())


class PlacePropertiesSchema(Schema):
    id = fields.Integer()
    category = fields.String()
    name = fields.String()
    address = fields.String()
    district_code = fields.String(allow_none=True)
    phone = fields.String(metadata={"description": "as published, e.g. a range 02-2133-0001~6"})
    tel = fields.String(metadata={"description": "the number to dial (first of the field), for tel: links"})
    location_precision = fields.String(metadata={"description": "\"exact\", or \"dong\": placed at the legal "
                                                                "dong named in the address (approximate)"})
    hours = fields.Dict(allow_none=True, metadata={"description": "days 1 (Mon)..7 (Sun) and holiday: "
                                                                   "[[start, end]] minutes after midnight"})
    open_now = fields.Boolean(allow_none=True, metadata={"description": "null when the hours are unknown"})
    attributes = fields.Dict()
    details = fields.Dict()
    source = fields.String()
    source_id = fields.String()
    updated_at = fields.String(metadata={"description": "ISO 8601, UTC"})
    url = fields.String()
    distance_m = fields.Float(metadata={"description": "nearby results only"})


class FeatureSchema(Schema):
    type = fields.String()
    id = fields.Integer()
    geometry = fields.Nested(PointSchema)
    properties = fields.Nested(PlacePropertiesSchema)


class FeatureCollectionSchema(Schema):
    type = fields.String()
    features = fields.List(fields.Nested(FeatureSchema))

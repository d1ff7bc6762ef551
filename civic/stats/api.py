"""JSON and CSV of every table of the dashboard (``/api/v1/stats/...``)."""

from __future__ import annotations

from flask import Response
from marshmallow import Schema, fields, validate

from civic.api import make_blueprint
from civic.stats import service
from civic.stats.tables import TABLES, to_csv

bp = make_blueprint("stats_api", __name__, description="Open statistics: counts and durations only; a count "
                    "of 1 to 4 is shown as \"<5\", 0 as 0; a share or median resting on fewer than 5 cases is "
                    "null, with the reason in the row's `withheld` map (CSV: an empty cell and a `…_withheld` "
                    "column). Every row is listed, zeros included, ordered by the published figure.")

CELL = "an integer (0 when there are none), or the string \"<5\" for 1 to 4 cases"
WITHHELD = ("why a derived figure of the row is null, by field: \"too_few_cases\" (fewer than 5 cases) or "
            "\"no_cases\"")


class StatsArgs(Schema):
    days = fields.Integer(load_default=90, validate=validate.OneOf(service.WINDOWS),
                          metadata={"description": "window: the last 30, 90 or 365 days"})


class NamedRef(Schema):
    code = fields.String()
    name_ko = fields.String()
    name_en = fields.String()


class StatsTableOut(Schema):
    days = fields.Integer()
    since = fields.Date()
    until = fields.Date()
    items = fields.List(fields.Dict(), metadata={"description": f"rows of the table; each count is {CELL}"})


class PetitionRow(Schema):
    department = fields.Nested(NamedRef)
    received = fields.Raw(metadata={"description": CELL})
    answered = fields.Raw(metadata={"description": CELL})
    median_working_days = fields.Raw(allow_none=True, metadata={"description": "median working days from "
                                     "receipt to answer; null when fewer than 5 answers (see withheld)"})
    answered_on_time_share = fields.Raw(allow_none=True, metadata={"description": "share (0–1) of answers "
                                        "within the legal deadline; null when fewer than 5 answers"})
    overdue = fields.Raw(metadata={"description": "open petitions past their deadline now; " + CELL})
    withheld = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": WITHHELD})


class PetitionStatsOut(StatsTableOut):
    items = fields.List(fields.Nested(PetitionRow))


def _payload(name: str, days: int) -> dict:
    figures = service.figures(days)
    return {"days": figures.days, "since": figures.since, "until": figures.until,
            "items": TABLES[name].items(figures)}


def _csv(name: str, days: int) -> Response:
    figures = service.figures(days)
    response = Response(to_csv(TABLES[name], figures), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="civic-{name}-{days}d-{figures.until}.csv"'
    return response


def _register(name: str) -> None:
    schema = PetitionStatsOut if name == "petitions" else StatsTableOut
    columns = ", ".join(TABLES[name].columns)

    def as_json(args):
        return _payload(name, args["days"])

    def as_csv(args):
        return _csv(name, args["days"])

    as_json.__doc__ = f"The {name.replace('-', ' ')} table of the dashboard."
    as_csv.__doc__ = f"The {name.replace('-', ' ')} table as CSV ({columns})."
    endpoint = name.replace("-", "_")
    bp.route(f"/stats/{name}", endpoint=endpoint)(bp.arguments(StatsArgs, location="query")(
        bp.response(200, schema)(as_json)))
    bp.route(f"/stats/{name}.csv", endpoint=f"{endpoint}_csv")(bp.arguments(StatsArgs, location="query")(
        bp.doc(responses={"200": {"description": f"CSV: {columns}",
                                  "content": {"text/csv": {"schema": {"type": "string"}}}}})(as_csv)))


for _name in TABLES:
    _register(_name)

"""Pages: "near me" (a list that works without JavaScript) and one facility."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional

from civic.errors import ValidationFailed
from civic.forms import apply_errors
from civic.geo import get_district, validate_point
from civic.places import labels, presenting, service
from civic.places.matching import dial_number
from civic.places.opening_hours import DAY, format_span

bp = Blueprint("places", __name__)

PAGE_LIMIT = 20


@bp.app_template_filter("place_category_name")
def category_label(code: str) -> str:
    return labels.category_label(code)


@bp.app_template_global("place_source_name")
def source_name(source: str) -> str:
    return labels.source_name(source)


@bp.app_template_global("place_source_label")
def source_label(place) -> str:
    """'서울시 공중화장실 현황 · 2025-06 기준': the dataset's name and when its data was current."""
    label = source_name(place.source)
    date = (place.details or {}).get("data_date")
    return gettext("%(source)s · as of %(date)s", source=label, date=date) if date else label


@bp.app_template_filter("dial")
def dial(phone: str | None) -> str:
    """The number a tel: link dials (the first of a field such as 02-2133-0001~6)."""
    return dial_number(phone)


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search: nothing changes

    category = SelectField(_l("What are you looking for?"))
    near = SelectField(_l("Near a place or district"), validators=[Optional()])
    lat = StringField(_l("Latitude"), validators=[Optional()])
    lon = StringField(_l("Longitude"), validators=[Optional()])
    open_now = BooleanField(_l("Open now only"))
    wheelchair = BooleanField(_l("Wheelchair accessible only"))


def _search_form(offered: list[str]) -> SearchForm:
    form = SearchForm(request.args)
    form.category.choices = [(c, category_label(c)) for c in offered]
    if form.category.data not in offered:
        form.category.data = offered[0] if offered else service.categories()[0]
    locale = str(get_locale())
    locations = service.named_locations()
    form.near.choices = {
        "": [("", str(_l("Choose…")))],
        str(_l("Landmarks")): [(loc.key, loc.name(locale)) for loc in locations if loc.group == "landmark"],
        str(_l("Districts")): [(loc.key, loc.name(locale)) for loc in locations if loc.group == "district"],
    }
    return form


def _origin(form: SearchForm):
    """(lat, lon, label) of the search point, or None when the user has not given one."""
    if (form.lat.data or "").strip() or (form.lon.data or "").strip():
        lat, lon = validate_point(form.lat.data, form.lon.data)
        return lat, lon, str(_l("your location"))
    if form.near.data:
        location = service.resolve_location(form.near.data)
        return location.lat, location.lon, location.name(str(get_locale()))
    return None


@bp.route("/places")
def index():
    offered = list(service.category_counts())
    form = _search_form(offered)
    answer, origin, status = None, None, 200
    try:
        origin = _origin(form)
        if origin is not None:
            answer = service.nearby_answer(
                origin[0], origin[1], form.category.data, limit=PAGE_LIMIT,
                radius_m=current_app.config["PLACES_PAGE_RADIUS_M"], open_only=form.open_now.data,
                attrs=["wheelchair"] if form.wheelchair.data else [],
            )
    except ValidationFailed as exc:
        apply_errors(form, exc)
        answer, status = None, 422
    night, in_dong = [], []
    if answer is not None and origin is not None:
        from civic.places.emergency import is_night, night_lead

        if form.category.data == "hospital" and is_night():
            night = night_lead(origin[0], origin[1])
        in_dong = service.approximate_in_dong(origin[0], origin[1], form.category.data)
    return render_template("places/index.html", form=form, answer=answer, origin=origin,
                           night_lead=night, in_dong=in_dong,
                           results=answer.results if answer else None,
                           radius_m=current_app.config["PLACES_PAGE_RADIUS_M"],
                           category=category_label(form.category.data),
                           other_categories=_other_categories(form, offered) if answer is not None else []), status


def _other_categories(form: SearchForm, offered: list[str]) -> list[tuple[str, str]]:
    """One-tap links to the other categories (those with data) around the same point."""
    keep: dict[str, Any] = {name: value for name, value in request.args.items()
                            if name in {"near", "lat", "lon"} and value}
    return [(category_label(code), url_for("places.index", category=code, **keep))
            for code in offered if code != form.category.data]


@bp.route("/places/<int:place_id>")
def detail(place_id: int):
    place = service.get_place(place_id)
    district = get_district(place.district_code) if place.district_code else None
    return render_template("places/detail.html", place=place, open_now=service.open_now(place),
                           district=district.name(str(get_locale())) if district else "",
                           hours_rows=_hours_rows(place.hours))


def _hours_rows(hours: dict | None) -> list[tuple[str, str]]:
    if not hours:
        return []
    rows = []
    for key in ("1", "2", "3", "4", "5", "6", "7", "holiday"):
        spans = hours.get("holiday") if key == "holiday" else hours.get("days", {}).get(key)
        if spans is None:
            text = str(_l("Unknown")) if key != "holiday" else str(_l("As on that weekday"))
        elif not spans:
            text = str(_l("Closed all day"))
        elif spans == [[0, DAY]]:
            text = str(_l("24 hours"))
        else:
            parts = []
            next_day_label = str(_l("next day"))
            for span in spans:
                start, end, next_day = format_span(span)
                parts.append(f"{start}–{end}" + (f" ({next_day_label})" if next_day else ""))
            text = ", ".join(parts)
        rows.append((labels.day_label(key), text))
    return rows


@bp.app_template_filter("place_distance")
def format_distance(metres: float) -> str:
    if metres < 1000:
        return f"{round(metres):d} m"
    if metres % 1000 == 0:  # a search radius: "3 km", not "3.0 km"
        return f"{int(metres) // 1000} km"
    return f"{metres / 1000:.1f} km"


@bp.app_template_global("place_directions_url")
def directions_url(place) -> str:
    """Kakao Map route to the place (opens the app on phones that have it); a place known only
    to its dong is searched by name and address instead of routed to the dong's point."""
    if place.location_precision != "exact":
        return f"https://map.kakao.com/link/search/{quote(f'{place.name} {place.address}'.strip(), safe='')}"
    return f"https://map.kakao.com/link/to/{quote(place.name, safe='')},{place.lat},{place.lon}"


@bp.app_template_global("place_hours")
def place_hours(place) -> tuple[str, str]:
    """(css class, text) of the place's hours right now: "지금 열림 · 오전 1:30에 닫음 (5분 후)"."""
    return presenting.hours_text(presenting.hours_status(place))


@bp.app_template_global("place_hours_of")
def place_hours_of(state) -> tuple[str, str]:
    return presenting.hours_text(state)


@bp.app_template_global("place_data_age")
def place_data_age(place) -> dict:
    """When the hours (or the data) were current and whether to call before going."""
    hours_date = presenting.hours_age(place)
    data_date = (place.details or {}).get("data_date")
    return {"hours_date": hours_date, "data_date": data_date,
            "old": presenting.is_old(hours_date) or presenting.is_old(data_date)}


@bp.app_context_processor
def label_helpers():
    return labels.TEMPLATE_HELPERS

"""Themed community map pages."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from civic.accounts.auth import current_user, login_required, signed_in_user
from civic.errors import DomainError, translate
from civic.forms import submit
from civic.reports import maps
from civic.reports.forms import InviteForm, MapForm, PointForm
from civic.uploads import send_upload

bp = Blueprint("maps", __name__)


@bp.route("/maps")
def index():
    page = maps.list_maps(request.args.get("page", 1, type=int))
    return render_template("reports/maps.html", page=page)


@bp.route("/maps/new", methods=["GET", "POST"])
@login_required
def new():
    form = MapForm()
    done = submit(form, lambda: maps.create_map(signed_in_user(), form.slug.data, form.title.data,
                                                form.description.data, form.categories.data, form.contribution.data),
                  success=_("Your map was created. Add the first points."),
                  redirect_to=lambda cmap: url_for("maps.detail", slug=cmap.slug))
    if done:
        return done
    return render_template("reports/map_new.html", form=form), 422 if form.errors else 200


@bp.route("/maps/<slug>")
def detail(slug):
    cmap = maps.get_map(slug)
    user = current_user()
    category = request.args.get("category") or None
    points = [p for p in maps.visible_points(cmap, user) if not category or p.category == category]
    return render_template("reports/map_detail.html", cmap=cmap, points=points, category=category,
                           can_contribute=maps.can_contribute(user, cmap),
                           can_moderate=maps.can_moderate(user, cmap), invite_form=InviteForm())


@bp.route("/maps/<slug>.geojson")
def geojson(slug):
    cmap = maps.get_map(slug)
    data = maps.map_geojson(cmap, lambda name: url_for("maps.photo", name=name, _external=True))
    response = jsonify(data)
    response.mimetype = "application/geo+json"
    response.headers["Content-Disposition"] = f'inline; filename="{cmap.slug}.geojson"'
    return response


@bp.route("/maps/<slug>/points/new", methods=["GET", "POST"])
@login_required
def point_new(slug):
    cmap = maps.get_map(slug)
    form = PointForm()
    form.category.choices = [(c, c) for c in cmap.categories]
    if request.method == "GET" and not maps.can_contribute(current_user(), cmap):
        flash(_("This map takes points from invited contributors only."), "error")
        return redirect(url_for("maps.detail", slug=cmap.slug))

    def add_point():
        photo = form.photo.data if form.photo.data and form.photo.data.filename else None
        return maps.add_point(signed_in_user(), cmap, category=form.category.data, name=form.name.data,
                              lat=form.lat.data, lon=form.lon.data, note=form.note.data,
                              photo=photo.stream if photo else None, client_token=form.client_token.data)

    done = submit(form, add_point, renew_token=True,
                  success=lambda point: _("The point was added.") if point.state == "published"
                  else _("Thank you. The point will appear once the map's owner approves it."),
                  redirect_to=url_for("maps.detail", slug=cmap.slug))
    if done:
        return done
    return render_template("reports/point_new.html", cmap=cmap, form=form), 422 if form.errors else 200


@bp.route("/maps/<slug>/points/<int:point_id>/moderate", methods=["POST"])
@login_required
def point_moderate(slug, point_id):
    cmap = maps.get_map(slug)
    maps.moderate_point(signed_in_user(), cmap, point_id, request.form.get("state", ""))
    flash(_("The point was updated."), "success")
    return redirect(url_for("maps.detail", slug=cmap.slug))


@bp.route("/maps/<slug>/invite", methods=["POST"])
@login_required
def invite(slug):
    cmap = maps.get_map(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            maps.invite(signed_in_user(), cmap, form.email.data)
        except DomainError as exc:
            flash(translate(next(iter(exc.errors.values()), exc.detail)), "error")
        else:
            flash(_("The contributor was invited."), "success")
    return redirect(url_for("maps.detail", slug=cmap.slug))


@bp.route("/maps/photos/<name>")
def photo(name):
    maps.point_photo(name)
    return send_upload(name)

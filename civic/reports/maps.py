"""Themed community maps: creation, contribution (open or invite-only), moderation, export.

On an open map anyone signed in may add points; points by people who are not the owner, an
invited contributor or staff wait for moderation. On an invite-only map only the owner,
invited contributors and staff may add points.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from civic import audit, geo, uploads
from civic.accounts.models import User
from civic.accounts.service import find_user_by_email, require_role
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work
from civic.errors import N_, Conflict, Forbidden, NotFound, ValidationFailed
from civic.extensions import db
from civic.idempotency import clean_token, create_once
from civic.reports.models import CONTRIBUTION_MODES, POINT_STATES, CommunityMap, MapContributor, MapPoint
from civic.reports.text import plain_text

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])")


def _clean_categories(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.replace("\n", ",").split(",")
    cats = []
    for item in raw or []:
        item = plain_text(str(item))[:60]
        if item and item not in cats:
            cats.append(item)
    return cats


def _slug_from_title(title: str) -> str:
    """An address from the title's Latin letters and digits ("Safe toilets 2" -> safe-toilets-2),
    or "" when it has too few of them (a Korean title): the map is then addressed by its id."""
    candidate = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    if not SLUG.fullmatch(candidate) or candidate.isdigit():
        return ""
    if db.session.scalar(select(CommunityMap.id).where(CommunityMap.slug == candidate)):
        return ""
    return candidate


def create_map(owner: User, slug: str | None, title: str, description: str = "", categories=(),
               contribution: str = "open") -> CommunityMap:
    """A new themed map. The web address (``slug``) is optional: without one it is derived from
    the title, or is ``map-<id>``."""
    require_role(owner, "citizen")
    slug = (slug or "").strip().lower()
    title = plain_text(title)
    categories = _clean_categories(categories)
    errors = {}
    if slug and (not SLUG.fullmatch(slug) or slug.isdigit() or re.fullmatch(r"map-\d+", slug)):
        errors["slug"] = N_("Use 3-60 lowercase letters, digits and hyphens.")
    if not title or len(title) > 200:
        errors["title"] = N_("Give a title of 1 to 200 characters.")
    if len(plain_text(description)) > 4000:
        errors["description"] = N_("Use at most %(n)d characters.", n=4000)
    if not categories or len(categories) > 20:
        errors["categories"] = N_("Give 1 to 20 categories.")
    if contribution not in CONTRIBUTION_MODES:
        errors["contribution"] = N_("Choose open or invite-only.")
    if slug and not errors.get("slug") and db.session.scalar(select(CommunityMap.id).where(CommunityMap.slug == slug)):
        errors["slug"] = N_("This address is taken.")
    if errors:
        raise ValidationFailed(errors)
    slug = slug or _slug_from_title(title)
    with unit_of_work():
        cmap = CommunityMap(slug=slug or f"new-{uuid.uuid4().hex[:12]}", title=title,
                            description=plain_text(description), categories=categories,
                            contribution=contribution, owner=owner)
        db.session.add(cmap)
        if not slug:
            db.session.flush()
            cmap.slug = f"map-{cmap.id}"
    return cmap


def get_map(ref: str) -> CommunityMap:
    """A map by its address, or by its id (every map answers at /maps/<id> too)."""
    ref = str(ref)
    cmap = db.session.scalar(select(CommunityMap).where(CommunityMap.slug == ref))
    if cmap is None and re.fullmatch(r"[0-9]{1,9}", ref):  # ASCII only: "¹".isdigit() is true
        cmap = db.session.get(CommunityMap, int(ref))
    if cmap is None:
        raise NotFound(N_("No such map."))
    return cmap


def list_maps(page: int = 1, per_page: int = 20) -> Page:
    return paginate(select(CommunityMap).order_by(CommunityMap.created_at.desc(), CommunityMap.id.desc()),
                    page, per_page)


def is_contributor(user: User | None, cmap: CommunityMap) -> bool:
    if user is None:
        return False
    return db.session.scalar(select(MapContributor.id).where(
        MapContributor.map_id == cmap.id, MapContributor.user_id == user.id)) is not None


def can_moderate(user: User | None, cmap: CommunityMap) -> bool:
    return user is not None and (user.id == cmap.owner_id or user.is_staff)


def can_contribute(user: User | None, cmap: CommunityMap) -> bool:
    if user is None:
        return False
    return cmap.contribution == "open" or can_moderate(user, cmap) or is_contributor(user, cmap)


def visible_points(cmap: CommunityMap, viewer: User | None = None) -> list[MapPoint]:
    """Published points for everyone; moderators also see pending and hidden ones."""
    query = select(MapPoint).where(MapPoint.map_id == cmap.id).order_by(MapPoint.id)
    if not can_moderate(viewer, cmap):
        query = query.where(MapPoint.state == "published")
    return list(db.session.scalars(query))


def add_point(user: User, cmap: CommunityMap, *, category: str, name: str, lat, lon, note: str = "",
              photo=None, client_token: str | None = None) -> MapPoint:
    """Add a point to a map (pending until a moderator publishes it, unless the author is trusted).
    A ``client_token`` (the API's ``Idempotency-Key``) this author already used returns that point
    instead of a second one (``civic.idempotency``)."""
    require_role(user, "citizen")
    if not can_contribute(user, cmap):
        raise Forbidden(N_("This map takes points from invited contributors only."))
    name, note = plain_text(name), plain_text(note)
    token = clean_token(client_token)
    return create_once(
        MapPoint, token, lambda: _create_point(user, cmap, category, name, note, lat, lon, photo, token),
        owned=lambda p: p.author_id == user.id,
        same=lambda p: (p.map_id, p.category, p.name, p.note, _point(p.lat, p.lon))
        == (cmap.id, category, name, note, _point(lat, lon)))


def _point(lat, lon) -> tuple | None:
    try:
        return round(float(lat), 6), round(float(lon), 6)
    except (TypeError, ValueError):
        return None


def _create_point(user: User, cmap: CommunityMap, category: str, name: str, note: str, lat, lon, photo,
                  token: str | None) -> MapPoint:
    errors = {}
    if category not in cmap.categories:
        errors["category"] = N_("Choose one of the map's categories.")
    if not name or len(name) > 200:
        errors["name"] = N_("Give a name of 1 to 200 characters.")
    if len(note) > 2000:
        errors["note"] = N_("Use at most %(n)d characters.", n=2000)
    try:
        lat, lon = geo.validate_point(lat, lon)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    trusted = can_moderate(user, cmap) or is_contributor(user, cmap)
    stored = uploads.save_image(photo, field="photo") if photo is not None else None
    try:
        with unit_of_work():
            point = MapPoint(map=cmap, category=category, name=name, note=note, lat=lat, lon=lon,
                             author_id=user.id, state="published" if trusted else "pending", client_token=token,
                             photo_name=stored and stored.name, photo_thumb_name=stored and stored.thumb_name)
            db.session.add(point)
    except BaseException:
        if stored:
            uploads.delete_image(stored.name, stored.thumb_name)
        raise
    return point


def moderate_point(user: User, cmap: CommunityMap, point_id: int, state: str) -> MapPoint:
    """Publish, hide (or with ``state="deleted"`` remove) a point: the owner and staff only."""
    if user is None:
        raise Forbidden(N_("Sign in to moderate."))
    if not can_moderate(user, cmap):
        raise Forbidden(N_("Only the map's owner and staff moderate its points."))
    point = db.session.get(MapPoint, int(point_id))
    if point is None or point.map_id != cmap.id:
        raise NotFound(N_("No such point."))
    if state not in POINT_STATES and state != "deleted":
        raise ValidationFailed({"state": N_("Choose published, hidden or deleted.")})
    photo_name, thumb_name = point.photo_name, point.photo_thumb_name
    with unit_of_work():
        if state == "deleted":
            db.session.delete(point)
        else:
            point.state = state
        if user.is_staff and user.id != cmap.owner_id:
            audit.record(user, f"map_point.{state}", "map_point", point_id, map=cmap.slug)
    if state == "deleted" and photo_name:
        uploads.delete_image(photo_name, thumb_name)
    return point


def invite(owner: User, cmap: CommunityMap, email: str) -> MapContributor:
    if not can_moderate(owner, cmap):
        raise Forbidden(N_("Only the map's owner and staff invite contributors."))
    user = find_user_by_email((email or "").strip())
    if user is None:
        raise ValidationFailed({"email": N_("No account uses this e-mail address.")})
    if is_contributor(user, cmap):
        raise Conflict(N_("Already a contributor."))
    with unit_of_work():
        row = MapContributor(map_id=cmap.id, user_id=user.id)
        db.session.add(row)
    return row


def map_geojson(cmap: CommunityMap, photo_url=None) -> dict:
    """The map's published points as a GeoJSON FeatureCollection."""
    features = []
    for point in visible_points(cmap, None):
        props = {"name": point.name, "category": point.category, "note": point.note,
                 "created_at": point.created_at.isoformat()}
        if point.photo_name and photo_url:
            props["photo_url"] = photo_url(point.photo_name)
        features.append(geo.point_feature(point.lon, point.lat, props, id=point.id))
    collection = geo.feature_collection(features)
    collection["properties"] = {"slug": cmap.slug, "title": cmap.title, "description": cmap.description,
                                "categories": cmap.categories, "contribution": cmap.contribution}
    return collection


def point_photo(name: str) -> MapPoint:
    """The published point whose photo (or thumbnail) is ``name``."""
    from sqlalchemy import or_

    point = db.session.scalar(select(MapPoint).where(
        or_(MapPoint.photo_name == name, MapPoint.photo_thumb_name == name)))
    if point is None or point.state != "published":
        raise NotFound(N_("No such photo."))
    return point

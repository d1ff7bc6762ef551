"""Page-number pagination with RFC 8288 ``Link`` headers, the same for every list."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app, request
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from civic.extensions import db


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paginate(query, page: int = 1, per_page: int = 20) -> Page:
    """Run a ``select()`` for one page. ``per_page`` is capped at ``API_PAGE_SIZE_MAX``."""
    per_page = max(1, min(int(per_page), current_app.config["API_PAGE_SIZE_MAX"]))
    page = max(1, int(page))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


def link_header(page: Page) -> str:
    def url(number: int) -> str:
        args = request.args.to_dict()
        args.update(page=str(number), per_page=str(page.per_page))
        return f"<{request.base_url}?{urlencode(args)}>"

    links = [f'{url(1)}; rel="first"', f'{url(page.pages)}; rel="last"']
    if page.has_prev:
        links.append(f'{url(page.page - 1)}; rel="prev"')
    if page.has_next:
        links.append(f'{url(page.page + 1)}; rel="next"')
    return ", ".join(links)


def page_headers(page: Page) -> dict[str, str]:
    return {"Link": link_header(page), "X-Total-Count": str(page.total)}

"""Server-rendered SVG charts: plain markup, no chart library on the phone.

Each chart is an ``<svg role="img">`` with a title; the page puts the same figures in a table
beside it, and the picture shows what the table says: 0 is drawn at 0; a hidden figure ("<5",
1 to 4 cases) gets no bar (its label says "<5"), and on the weekly line a light band over 1–4
with a gap in the line, so it is drawn neither as 0 nor as a number the table hides.
Presentation attributes only (the CSP forbids inline styles).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from markupsafe import Markup

WIDTH = 320
BAR = "#0b5cad"
TEXT = "#1a1a1a"
MUTED = "#555555"
# Map shades, light to dark (the darkest carry white-on-dark nowhere: labels are in the table).
SHADES = ("#eef3f9", "#c6d9ee", "#8fb5dd", "#4f86c2", "#0b5cad")


def _svg(height: int, title: str, body: list[str], chart_id: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>{"".join(body)}</svg>')


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, object]], limit: int = 12) -> Markup:
    """Horizontal bars, label above each bar; values that are not numbers (suppressed) get no bar."""
    rows = rows[:limit]
    numbers = [v for _, v in rows if isinstance(v, int | float)]
    top = max(numbers, default=0) or 1
    row_h, body = 38, []
    for i, (label, value) in enumerate(rows):
        y = i * row_h
        body.append(f'<text x="0" y="{y + 13}" font-size="12" fill="{TEXT}">{escape(label)}</text>')
        shown = value if isinstance(value, int | float) else 0
        width = round((WIDTH - 60) * shown / top, 1)
        if width > 0:
            body.append(f'<rect x="0" y="{y + 18}" width="{width}" height="14" fill="{BAR}"/>')
        body.append(f'<text x="{width + 6}" y="{y + 30}" font-size="12" fill="{TEXT}">{escape(str(value))}</text>')
    return _svg(max(row_h, row_h * len(rows)), title, body, chart_id)


def _band_top(value: str) -> int:
    """The largest count a hidden cell ``"<N"`` can be."""
    return int(value.lstrip("<")) - 1


def line_chart(chart_id: str, title: str, points: list[tuple[str, object]]) -> Markup:
    """A weekly trend; a hidden week breaks the line and shows as a band over 1–4."""
    height, left, bottom, top_pad = 160, 34, 22, 10
    numbers = [v for _, v in points if isinstance(v, int | float)]
    numbers += [_band_top(v) for _, v in points if isinstance(v, str)]
    top = max(numbers, default=0) or 1
    span = max(1, len(points) - 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        x = left + (WIDTH - left - 8) * i / span
        y = height - bottom - (height - bottom - top_pad) * value / top
        return round(x, 1), round(y, 1)

    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - 4}" y2="{height - bottom}" stroke="{MUTED}"/>',
            f'<text x="{left - 4}" y="{top_pad + 4}" font-size="11" text-anchor="end" fill="{TEXT}">{top}</text>',
            f'<text x="{left - 4}" y="{height - bottom}" font-size="11" text-anchor="end" fill="{TEXT}">0</text>']
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_, value) in enumerate(points):
        if isinstance(value, int | float):
            x, y = xy(i, value)
            segment.append(f"{x},{y}")
        else:
            x, high = xy(i, _band_top(str(value)))
            _, low = xy(i, 1)
            body.append(f'<rect class="hidden-week" x="{round(x - 2.5, 1)}" y="{high}" width="5" '
                        f'height="{round(low - high, 1)}" fill="{SHADES[1]}"><title>{escape(points[i][0])}: '
                        f'{escape(str(value))}</title></rect>')
            if segment:
                segments.append(segment)
                segment = []
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) == 1:
            cx, cy = seg[0].split(",")
            body.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{BAR}"/>')
        else:
            body.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{BAR}" stroke-width="2.5"/>')
    if points:
        body.append(f'<text x="{left}" y="{height - 6}" font-size="11" fill="{TEXT}">{escape(points[0][0])}</text>')
        body.append(f'<text x="{WIDTH - 4}" y="{height - 6}" font-size="11" text-anchor="end" '
                    f'fill="{TEXT}">{escape(points[-1][0])}</text>')
    return _svg(height, title, body, chart_id)


@lru_cache(maxsize=2)
def _district_paths(path: str) -> tuple[tuple[str, str], ...]:
    """(code, SVG path) per district, projected once (equirectangular, scaled by cos(latitude))."""
    import math

    from civic.geo import district_index

    geometries = district_index().geometries
    minx = min(g.bounds[0] for g in geometries.values())
    miny = min(g.bounds[1] for g in geometries.values())
    maxx = max(g.bounds[2] for g in geometries.values())
    maxy = max(g.bounds[3] for g in geometries.values())
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = (WIDTH - 4) / ((maxx - minx) * kx)
    out = []
    for code, geometry in sorted(geometries.items()):
        simple = geometry.simplify(0.0008, preserve_topology=True)
        polygons = getattr(simple, "geoms", [simple])
        parts = []
        for polygon in polygons:
            coords = [(2 + (x - minx) * kx * scale, 2 + (maxy - y) * scale) for x, y in polygon.exterior.coords]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z")
        out.append((code, "".join(parts)))
    return tuple(out)


def district_map(chart_id: str, title: str, values: dict[str, object], names: dict[str, str]) -> Markup:
    """The districts shaded by volume in five steps (suppressed districts in the lightest)."""
    from flask import current_app

    paths = _district_paths(current_app.config["DISTRICTS_FILE"])
    numbers = [v for v in values.values() if isinstance(v, int | float)]
    top = max(numbers, default=0) or 1
    body = []
    for code, path in paths:
        value = values.get(code, 0)
        level = 0 if not isinstance(value, int | float) else min(4, int(5 * value / (top + 1)))
        label = f"{names.get(code, code)}: {value}"
        body.append(f'<path d="{path}" fill="{SHADES[level]}" stroke="#ffffff" stroke-width="1">'
                    f'<title>{escape(label)}</title></path>')
    return _svg(_map_box(paths), title, body, chart_id)


@lru_cache(maxsize=2)
def _map_box(paths) -> int:
    ys = []
    for _, path in paths:
        for point in path.replace("M", "L").replace("Z", "").split("L"):
            if point:
                ys.append(float(point.split(",")[1]))
    return int(max(ys, default=260) + 4)

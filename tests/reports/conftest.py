"""Shared set-up for report tests: seeded departments, services and routing rules; photo bytes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

GANGNAM = (37.5125, 127.0590)        # near COEX, Gangnam-gu 11680
JONGNO = (37.5704, 126.9920)         # Jongno-gu, 11110


@pytest.fixture
def catalog(departments):
    from civic.reports.seed import seed

    seed()
    return departments


def jpeg_with_gps(size=(800, 600)) -> bytes:
    image = Image.new("RGB", size, "teal")
    exif = Image.Exif()
    exif[0x0110] = "Secret Phone"
    exif[0x8825] = {1: "N", 2: (37.0, 29.0, 52.0), 3: "E", 4: (127.0, 1.0, 39.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def offset(point, north_m=0.0, east_m=0.0):
    import math

    lat, lon = point
    return lat + north_m / 111_195.0, lon + east_m / (111_195.0 * math.cos(math.radians(lat)))


def file_report(reporter, service_code="pothole", point=GANGNAM, **kwargs):
    from civic.reports import service

    location = service.resolve_location(*point) if point else service.resolve_location(
        address=kwargs.pop("address"))
    kwargs.setdefault("attributes", {"SIZE": "small"} if service_code == "pothole" else
                      {"BLOCKING": "yes"} if service_code == "fallen_tree" else {})
    return service.create_report(service_code=service_code, location=location, reporter=reporter, **kwargs)

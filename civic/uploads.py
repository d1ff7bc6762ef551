"""Photo uploads: checked by content, re-encoded, stripped of metadata (EXIF GPS!), thumbnailed.

Features keep their own rows that point at the stored names; this module only turns an uploaded
file into two files under ``UPLOAD_DIR`` (full size and thumbnail) with random names.
"""

from __future__ import annotations

import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Response, current_app, send_from_directory
from PIL import Image, ImageOps, UnidentifiedImageError

from civic.errors import N_, ValidationFailed

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000          # ~ 7,700 x 5,200; anything bigger is refused as a possible bomb
MAX_EDGE = 2048                  # stored images are scaled down to this longest edge
THUMB_EDGE = 320
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass(frozen=True)
class StoredImage:
    name: str            # random file name under UPLOAD_DIR
    thumb_name: str
    content_type: str
    width: int
    height: int
    size: int


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_limited(stream, field: str) -> bytes:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed({field: N_("Each photo must be at most %(n)d MB.", n=MAX_BYTES // (1024 * 1024))})
    if not data:
        raise ValidationFailed({field: N_("The file is empty.")})
    return data


def _open_checked(data: bytes, field: str) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise ValidationFailed({field: N_("Only JPEG, PNG or WebP photos are accepted.")})
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationFailed({field: N_("The photo has too many pixels.")})
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed({field: N_("The file is not a readable JPEG, PNG or WebP image.")}) from None
    return image


def save_image(stream, field: str = "photo") -> StoredImage:
    """Validate and store one image; raises ValidationFailed with ``field`` on bad input.

    The stored copy is re-encoded from pixels only: EXIF (including GPS position), XMP and ICC
    text chunks are not carried over. Orientation from EXIF is applied first so the photo still
    shows upright.
    """
    data = _read_limited(stream, field)
    image = _open_checked(data, field)
    source_format = image.format
    if source_format is None or source_format not in FORMATS:      # never: _open_checked allows only these
        raise ValidationFailed({field: N_("Only JPEG, PNG or WebP photos are accepted.")})
    content_type, ext = FORMATS[source_format]
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if source_format == "JPEG" and image.mode == "RGBA":
        image = image.convert("RGB")
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    directory = upload_dir()
    name = f"{secrets.token_urlsafe(18)}.{ext}"
    thumb_name = f"{name.rsplit('.', 1)[0]}.thumb.{ext}"
    written: list[Path] = []
    try:
        size = _write(image, directory / name, source_format)
        written.append(directory / name)
        thumb = image.copy()
        thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
        _write(thumb, directory / thumb_name, source_format)
        written.append(directory / thumb_name)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        (directory / name).unlink(missing_ok=True)
        raise ValidationFailed({field: N_("The photo could not be stored. Please try again later.")}) from None
    return StoredImage(name, thumb_name, content_type, image.width, image.height, size)


def _write(image: Image.Image, path: Path, fmt: str) -> int:
    options_by_format: dict[str, dict[str, Any]] = {"JPEG": {"quality": 85, "optimize": True},
                                                     "PNG": {"optimize": True}, "WEBP": {"quality": 85}}
    options = options_by_format[fmt]
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)      # no exif= / icc_profile= given: metadata is dropped
    tmp = path.with_suffix(path.suffix + ".part")
    with open(tmp, "wb") as fh:
        fh.write(buffer.getvalue())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return len(buffer.getvalue())


def delete_image(stored_name: str, thumb_name: str | None = None) -> None:
    """Remove stored files (used when the database write that referenced them fails)."""
    directory = upload_dir()
    for name in (stored_name, thumb_name):
        if name and "/" not in name and ".." not in name:
            (directory / name).unlink(missing_ok=True)


def content_type_for(name: str) -> str:
    ext = name.rsplit(".", 1)[-1]
    for content_type, extension in FORMATS.values():
        if extension == ext:
            return content_type
    return "application/octet-stream"


def send_upload(name: str, *, max_age: int = 86400, private: bool = False, mimetype: str | None = None) -> Response:
    """A stored file as a response with its real content type (names are random, so a file
    never changes); ``private`` ones (petition attachments) stay out of shared caches."""
    response = send_from_directory(upload_dir(), name, mimetype=mimetype or content_type_for(name), max_age=max_age)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if private:
        response.headers["Cache-Control"] = f"private, max-age={max_age}"
    return response

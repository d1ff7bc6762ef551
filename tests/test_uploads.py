import io

import pytest
from PIL import Image

from civic import uploads
from civic.errors import ValidationFailed


def jpeg_with_gps(size=(1200, 900)) -> bytes:
    image = Image.new("RGB", size, "orange")
    exif = Image.Exif()
    exif[0x0110] = "Secret Phone"                         # Model
    gps = {1: "N", 2: (37.0, 33.0, 58.0), 3: "E", 4: (126.0, 58.0, 40.0)}
    exif[0x8825] = gps                                     # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_jpeg_is_reencoded_without_exif_and_thumbnailed(app):
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)
    stored = uploads.save_image(io.BytesIO(raw))
    directory = uploads.upload_dir()
    with Image.open(directory / stored.name) as saved:
        assert saved.format == "JPEG"
        assert not saved.getexif()
        assert b"Secret Phone" not in (directory / stored.name).read_bytes()
    with Image.open(directory / stored.thumb_name) as thumb:
        assert max(thumb.size) == uploads.THUMB_EDGE
    assert stored.content_type == "image/jpeg" and (stored.width, stored.height) == (1200, 900)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(app, fmt):
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(buffer, fmt)
    buffer.seek(0)
    stored = uploads.save_image(buffer)
    assert stored.content_type == f"image/{fmt.lower()}"


def test_type_is_checked_by_content_not_name(app):
    with pytest.raises(ValidationFailed) as exc:
        uploads.save_image(io.BytesIO(b"%PDF-1.4 not an image" * 10), field="photos")
    assert "photos" in exc.value.errors
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    gif.seek(0)
    with pytest.raises(ValidationFailed):
        uploads.save_image(gif)


def test_truncated_and_oversized_files_are_refused(app):
    with pytest.raises(ValidationFailed):
        uploads.save_image(io.BytesIO(jpeg_with_gps()[:400]))
    with pytest.raises(ValidationFailed) as exc:
        uploads.save_image(io.BytesIO(b"\xff\xd8" + b"0" * (uploads.MAX_BYTES + 10)))
    assert "MB" in exc.value.errors["photo"]
    with pytest.raises(ValidationFailed):
        uploads.save_image(io.BytesIO(b""))
    assert list(uploads.upload_dir().iterdir()) == []


def test_decompression_bombs_are_refused_before_decoding(app):
    # A tiny PNG that claims 20000 x 20000 pixels.
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < uploads.MAX_BYTES
    buffer.seek(0)
    with pytest.raises(ValidationFailed):
        uploads.save_image(buffer)

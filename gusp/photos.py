"""Photos of reports: images only, size-limited, re-encoded so that nothing but the pixels is kept.

A phone's photo carries EXIF metadata: the place it was taken (GPS), the device, the time, sometimes the
owner's name. A report's location is entered on purpose (a point and an address); the file keeps none of
it. Every photo is checked (a real image of an accepted format, within the size limits), turned upright
from its EXIF orientation, reduced to `GUSP_PHOTO_MAX_SIDE` pixels on its longer side and re-encoded as
JPEG from its pixels alone: no EXIF (GPS included), no XMP, no ICC profile, no comment.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

# Formats a phone or a camera produces and Pillow reads (MPO: the JPEG of some cameras).
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
MAX_PIXELS = 60_000_000  # a 60 Mpx photo is already beyond phones; larger is a decompression bomb
JPEG_QUALITY = 82


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int


def _refused(message: str) -> ValidationError:
    return ValidationError({"image": message}, code="invalid_image")


def check_size(size: int) -> None:
    """Refuse a photo heavier than `GUSP_PHOTO_MAX_BYTES` (a form checks the size a file announces before
    reading it)."""
    limit = settings.GUSP_PHOTO_MAX_BYTES
    if size > limit:
        raise _refused(
            f"La photo pèse {filesizeformat(size)}, au-delà de la limite de {filesizeformat(limit)}."
        )


def clean_photo(data: bytes) -> CleanPhoto:
    """The photo re-encoded (JPEG, bounded, no metadata), or a French `ValidationError` on `image`."""
    check_size(len(data))
    if not data:
        raise _refused("Le fichier est vide.")
    not_an_image = _refused("Ce fichier n'est pas une image (JPEG, PNG ou WebP).")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                image_format, (width, height) = probe.format, probe.size
                if image_format not in ACCEPTED_FORMATS:
                    raise _refused(
                        f"Format d'image {image_format or 'inconnu'} non accepté : envoyez une photo JPEG, "
                        "PNG ou WebP."
                    )
                if width * height > MAX_PIXELS:
                    raise _refused("Cette image est trop grande (plus de 60 millions de pixels).")
                probe.verify()
            with Image.open(io.BytesIO(data)) as source:
                source.load()
                upright = ImageOps.exif_transpose(source)
        except ValidationError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise not_an_image from None
        except Image.DecompressionBombWarning:
            raise _refused("Cette image est trop grande (plus de 60 millions de pixels).") from None
    return _reencoded(upright)


def _reencoded(image: Image.Image) -> CleanPhoto:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    side = settings.GUSP_PHOTO_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the source's info (EXIF, XMP, ICC, comments) follows.
    pixels = Image.frombytes("RGB", image.size, image.tobytes())
    buffer = io.BytesIO()
    pixels.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(buffer.getvalue(), pixels.width, pixels.height)

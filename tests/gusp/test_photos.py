"""Photos of reports: images only, within the size limit, stored re-encoded without any EXIF (no GPS)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from gusp import services
from gusp.models import ReportPhoto
from tests.gusp.factories import ReportFactory

GPS = ExifTags.IFD.GPSInfo


def jpeg_with_gps(size=(2400, 1200), orientation: int | None = None) -> bytes:
    """A photo as a phone writes it: EXIF with the device, the time and the place (GPS)."""
    image = Image.new("RGB", size, (120, 160, 90))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Téléphone"
    exif[ExifTags.Base.Model] = "Modèle 12"
    exif[ExifTags.Base.DateTime] = "2026:03:02 09:30:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[GPS] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (50.0, 37.0, 1.2),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (3.0, 4.0, 12.5),
    }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"Rue de Marquillies")
    return buffer.getvalue()


def stored_image(photo: ReportPhoto) -> Image.Image:
    with photo.image.open("rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def test_the_test_photo_does_carry_gps():
    with Image.open(io.BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS)


def test_a_photo_is_stored_without_exif_nor_gps_and_bounded(settings):
    settings.GUSP_PHOTO_MAX_SIDE = 1600
    report = ReportFactory()
    photo = services.report_photo_add(report=report, data=jpeg_with_gps())
    image = stored_image(photo)
    assert image.format == "JPEG"
    assert (image.width, image.height) == (photo.width, photo.height) == (1600, 800)
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS)
    assert "exif" not in image.info
    assert "comment" not in image.info
    with photo.image.open("rb") as file:
        raw = file.read()
    assert b"Exif" not in raw
    assert "Téléphone".encode() not in raw
    assert b"Marquillies" not in raw
    assert photo.image.name.startswith(f"gusp/photos/{report.programme_id}/")
    assert photo.size == len(raw)


def test_a_rotated_photo_is_stored_upright():
    photo = services.report_photo_add(report=ReportFactory(), data=jpeg_with_gps((400, 200), orientation=6))
    assert (photo.width, photo.height) == (200, 400)


def test_a_png_with_transparency_becomes_a_jpeg():
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 40), (255, 0, 0, 0)).save(buffer, "PNG")
    photo = services.report_photo_add(report=ReportFactory(), data=buffer.getvalue())
    image = stored_image(photo)
    assert image.format == "JPEG"
    assert image.getpixel((10, 10)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not an image", "n'est pas une image"),
        (b"", "vide"),
        (jpeg_with_gps()[:400], "n'est pas une image"),  # truncated
    ],
)
def test_a_non_image_is_refused(data, message):
    report = ReportFactory()
    with pytest.raises(ValidationError) as error:
        services.report_photo_add(report=report, data=data)
    assert message in error.value.message_dict["image"][0]
    assert not ReportPhoto.objects.exists()


def test_another_image_format_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    with pytest.raises(ValidationError) as error:
        services.report_photo_add(report=ReportFactory(), data=buffer.getvalue())
    assert "BMP" in error.value.message_dict["image"][0]


def test_an_oversized_file_is_refused_before_it_is_read(settings):
    settings.GUSP_PHOTO_MAX_BYTES = 10_000
    data = jpeg_with_gps()
    assert len(data) > 10_000
    report = ReportFactory()
    with pytest.raises(ValidationError) as error:
        services.report_photo_add(report=report, data=data)
    assert "au-delà de la limite" in error.value.message_dict["image"][0]

    class Upload(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("lu malgré sa taille")

    with pytest.raises(ValidationError):
        services.report_photo_add_upload(report=report, upload=Upload("photo.jpg", data))
    assert not ReportPhoto.objects.exists()


def test_a_decompression_bomb_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 8_000)).save(buffer, "PNG")  # 80 Mpx, a few kilobytes
    with pytest.raises(ValidationError) as error:
        services.report_photo_add(report=ReportFactory(), data=buffer.getvalue())
    assert "trop grande" in error.value.message_dict["image"][0]

"""The production static pipeline (hashed names, compression) accepts every file we ship."""

from django.core.management import call_command


def test_collectstatic_with_the_production_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest
    assert "vendor/tom-select/tom-select.bootstrap5.min.css" in manifest

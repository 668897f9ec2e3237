"""The production static pipeline (hashed names, compression) accepts every file we ship, and the
production settings pass Django's deploy checks (both run by `make quality`, hence CI)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings
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


def test_the_production_settings_pass_the_deploy_checks():
    """`check --deploy` with config.settings.prod and dummy secrets, warnings as errors (as in CI)."""
    # The browser tests of the same worker set DJANGO_ALLOW_ASYNC_UNSAFE, which a deployment must not.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "pilotage.example.fr",
        "DATABASE_URL": "postgres://build@localhost/build",
        "DJANGO_PERSONAL_DATA_CONTROLLER": "Métropole exemple",
        "DJANGO_PERSONAL_DATA_CONTACT": "dpo@example.fr",
        "DJANGO_PERSONAL_DATA_HOSTING": "Hébergeur exemple, France",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_deployment_without_its_personal_data_register_contacts_is_warned(settings):
    from core.checks import personal_data_register_filled

    settings.PERSONAL_DATA_CONTROLLER = "Métropole exemple"
    settings.PERSONAL_DATA_CONTACT = " "
    settings.PERSONAL_DATA_HOSTING = ""
    warnings = personal_data_register_filled()
    hints = [warning.hint for warning in warnings]
    assert hints == [
        "Renseigner la variable d'environnement DJANGO_PERSONAL_DATA_CONTACT.",
        "Renseigner la variable d'environnement DJANGO_PERSONAL_DATA_HOSTING.",
    ]
    assert "Données personnelles" in warnings[0].msg
    settings.PERSONAL_DATA_CONTACT = settings.PERSONAL_DATA_HOSTING = "x"
    assert personal_data_register_filled() == []


def test_the_quality_gate_runs_the_production_checks():
    root = Path(django_settings.BASE_DIR)
    quality = (root / "Makefile").read_text().split("quality: install", 1)[1].split("\n\n", 1)[0]
    assert "scripts/check_prod.sh" in quality
    script = (root / "scripts" / "check_prod.sh").read_text()
    assert "collectstatic" in script
    assert "check --deploy --fail-level WARNING" in script
    assert "config.settings.prod" in script

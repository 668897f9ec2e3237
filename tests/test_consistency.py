"""Wiring that no feature test would notice when it breaks."""

import pytest
from celery.schedules import crontab

from config.celery import app
from config.schedule import BEAT_SCHEDULE


@pytest.mark.parametrize("name", sorted(BEAT_SCHEDULE))
def test_every_scheduled_task_exists(name):
    app.loader.import_default_modules()
    entry = BEAT_SCHEDULE[name]
    assert entry["task"] in app.tasks, f"{name} : tâche {entry['task']} introuvable"
    assert isinstance(entry["schedule"], crontab)


def test_beat_uses_the_schedule_from_code():
    app.finalize()
    assert set(BEAT_SCHEDULE) <= set(app.conf.beat_schedule)


def test_no_missing_migrations():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_gunicorn_settings_come_from_the_environment_with_host_defaults(monkeypatch):
    import runpy
    from pathlib import Path

    path = str(Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py")
    for name in ("GUNICORN_WORKERS", "GUNICORN_WORKER_CLASS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    defaults = runpy.run_path(path)
    assert defaults["workers"] == min(2 * defaults["host_cpus"]() + 1, 12)
    assert defaults["worker_class"] == "gthread"
    monkeypatch.setenv("GUNICORN_WORKERS", "7")
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "sync")
    configured = runpy.run_path(path)
    assert (configured["workers"], configured["worker_class"], configured["threads"]) == (7, "sync", 1)

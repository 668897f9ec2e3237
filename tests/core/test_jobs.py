"""core/jobs.py on its own: enqueue with the broker down, claim, progress, sweep and its limits, cancel.

Run on ImportRecord, core's own job model, with its kind replaced where a test needs other limits.
"""

import contextlib
import dataclasses
import datetime
from unittest import mock

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from config.schedule import BEAT_SCHEDULE
from core import jobs
from core.models import ImportRecord, ImportStatus
from core.tasks import import_process_task

BROKER_DOWN = OperationalError("Error 111 connecting to localhost:6379. Connection refused.")
GIVEN_UP: list[tuple[int, str]] = []


def record_given_up(record: ImportRecord, message: str) -> None:
    """A give-up hook for these tests: records the call and the failed state."""
    GIVEN_UP.append((record.pk, message))
    record.status = ImportStatus.REJECTED
    record.save(update_fields=["status"])


@pytest.fixture
def given_up():
    GIVEN_UP.clear()
    yield GIVEN_UP
    GIVEN_UP.clear()


@pytest.fixture
def kind(monkeypatch):
    """Replace ImportRecord's job kind (limits, hooks) for one test."""

    def replace(**changes) -> jobs.JobKind:
        new = dataclasses.replace(ImportRecord.job, give_up="tests.core.test_jobs.record_given_up", **changes)
        monkeypatch.setattr(ImportRecord, "job", new)
        return new

    return replace


@pytest.fixture
def worker_away():
    """The broker takes the task but no worker runs it (yet)."""
    with mock.patch.object(import_process_task, "apply_async") as send:
        yield send


def make_record(programme, *, status=ImportStatus.ANALYSING, age=datetime.timedelta(0), **fields):
    record = ImportRecord(
        kind="qpv", programme=programme, filename="f.csv", file_hash="0" * 64, status=status, **fields
    )
    record.file.save("f.csv", ContentFile(b"x"), save=False)
    record.save()
    ImportRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - age, confirmed_at=timezone.now() - age
    )
    record.refresh_from_db()
    return record


@contextlib.contextmanager
def held_by_another_worker(record):
    """The row locked from a second database connection, as a busy worker holds it."""
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"] or "localhost",
        port=settings_dict["PORT"] or 5432,
        password=settings_dict["PASSWORD"] or None,
    )
    try:
        # A regression that waits for the lock fails after 5 s instead of hanging the suite.
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        other.execute("SELECT id FROM core_importrecord WHERE id = %s FOR UPDATE", [record.pk])
        yield
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


# Declarations ----------------------------------------------------------------------------------------


def test_every_job_model_declares_a_task_a_give_up_hook_and_a_scheduled_sweep():
    from config.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    models = jobs.job_models()
    assert {model._meta.label for model in models} >= {"core.ImportRecord", "reporting.Pack"}
    for model in models:
        kind = model.job
        assert kind.task in app.tasks, model
        assert kind.sweep_task in app.tasks, model
        assert kind.sweep_task in scheduled, f"{model._meta.label} : balayage absent de config/schedule.py"
        assert callable(import_string(kind.give_up))
        for status, since in kind.waiting.items():
            assert status in dict(model._meta.get_field("status").choices)
            model._meta.get_field(since)  # the field exists
        assert kind.give_up_message


# Enqueue ---------------------------------------------------------------------------------------------


def test_enqueue_sends_the_task_and_counts_the_send(programme, worker_away):
    record = make_record(programme)
    assert jobs.enqueue(ImportRecord, record.pk) is True
    assert worker_away.call_args.kwargs["kwargs"] == {"record_id": record.pk}
    record.refresh_from_db()
    assert record.attempts == 1


def test_enqueue_answers_at_once_when_the_broker_is_down(programme):
    record = make_record(programme)
    with mock.patch.object(import_process_task, "apply_async", side_effect=BROKER_DOWN) as send:
        assert jobs.enqueue(ImportRecord, record.pk) is False
    # One attempt, no retry policy left to kombu (which would retry for seconds).
    assert send.call_args.kwargs["retry_policy"] == {"max_retries": 0}
    record.refresh_from_db()
    assert record.attempts == 0
    assert record.status == ImportStatus.ANALYSING


def test_enqueue_on_commit_waits_for_the_commit(programme, worker_away, django_capture_on_commit_callbacks):
    record = make_record(programme)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        jobs.enqueue_on_commit(ImportRecord, record.pk)
        worker_away.assert_not_called()
    assert len(callbacks) == 1
    worker_away.assert_called_once()


# Claim -----------------------------------------------------------------------------------------------


def test_claim_takes_a_waiting_job_once(programme):
    record = make_record(programme)
    with transaction.atomic():
        claimed = jobs.claim(
            ImportRecord.objects.all(),
            pk=record.pk,
            statuses=(ImportStatus.ANALYSING,),
            start_status=ImportStatus.COMMITTING,
        )
    assert claimed.pk == record.pk
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTING
    assert record.started_at is not None
    with transaction.atomic():  # delivered twice: no longer waiting
        assert (
            jobs.claim(ImportRecord.objects.all(), pk=record.pk, statuses=(ImportStatus.ANALYSING,)) is None
        )


@pytest.mark.django_db(transaction=True)
def test_claim_needs_a_transaction(programme):
    record = make_record(programme)
    with pytest.raises(RuntimeError, match="atomic"):
        jobs.claim(ImportRecord.objects.all(), pk=record.pk, statuses=(ImportStatus.ANALYSING,))


@pytest.mark.django_db(transaction=True)
def test_a_job_held_by_another_worker_is_skipped_by_claim_sweep_and_cancel(programme, worker_away, kind):
    kind(give_up_after=datetime.timedelta(hours=2))
    record = make_record(programme, age=datetime.timedelta(minutes=10))
    with held_by_another_worker(record):
        with transaction.atomic():
            assert (
                jobs.claim(ImportRecord.objects.all(), pk=record.pk, statuses=(ImportStatus.ANALYSING,))
                is None
            )
        assert jobs.sweep(ImportRecord) == 0
        with transaction.atomic(), pytest.raises(jobs.JobBusy):
            jobs.cancel(
                ImportRecord,
                pk=record.pk,
                statuses=(ImportStatus.ANALYSING,),
                cancelled_status=ImportStatus.CANCELLED,
            )
    worker_away.assert_not_called()
    assert jobs.sweep(ImportRecord) == 1  # the lock is gone: sent again


# Progress --------------------------------------------------------------------------------------------


def test_progress_is_set_read_and_cleared(programme):
    record, other = make_record(programme), make_record(programme)
    assert jobs.progress_get(record) is None
    jobs.progress_set(record, 37)
    assert jobs.progress_get(record) == 37
    assert jobs.progress_get(other) is None
    jobs.progress_set(record, 100)
    assert jobs.progress_get(record) == 99  # 100 % is the job's final status, not a figure
    jobs.progress_clear(record)
    assert jobs.progress_get(record) is None


def test_progress_reporter_maps_shares_between_its_bounds(programme):
    record = make_record(programme)
    report = jobs.progress_reporter(record, start=5, end=80)
    report(0.0)
    assert jobs.progress_get(record) == 5
    report(0.5)
    assert jobs.progress_get(record) == 42
    report(1.0)
    assert jobs.progress_get(record) == 80


def test_progress_survives_a_cache_that_is_down(programme, settings):
    record = make_record(programme)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    jobs.progress_set(record, 10)
    assert jobs.progress_get(record) is None
    jobs.progress_clear(record)


# Sweep -----------------------------------------------------------------------------------------------


def test_sweep_resends_jobs_waiting_too_long_and_leaves_fresh_ones(programme, worker_away):
    fresh = make_record(programme)
    old = make_record(programme, age=datetime.timedelta(minutes=5))
    make_record(programme, status=ImportStatus.PREVIEW, age=datetime.timedelta(minutes=5))  # not waiting
    assert jobs.sweep(ImportRecord) == 1
    assert worker_away.call_args.kwargs["kwargs"] == {"record_id": old.pk}
    assert jobs.sweep(ImportRecord, now=timezone.now() + datetime.timedelta(minutes=3)) == 2
    assert {call.kwargs["kwargs"]["record_id"] for call in worker_away.call_args_list} == {old.pk, fresh.pk}


def test_sweep_gives_up_after_the_time_limit(programme, worker_away, kind, given_up):
    kind(give_up_after=datetime.timedelta(hours=2))
    late = make_record(programme, age=datetime.timedelta(hours=3))
    assert jobs.sweep(ImportRecord) == 0
    worker_away.assert_not_called()
    assert given_up == [(late.pk, ImportRecord.job.give_up_message.format(pk=late.pk))]
    late.refresh_from_db()
    assert late.status == ImportStatus.REJECTED


def test_sweep_gives_up_after_the_number_of_sends(programme, worker_away, kind, given_up):
    kind(max_attempts=2, give_up_after=None)
    record = make_record(programme, age=datetime.timedelta(minutes=5))
    assert jobs.sweep(ImportRecord) == 1
    assert jobs.sweep(ImportRecord) == 1
    assert given_up == []
    assert jobs.sweep(ImportRecord) == 0  # sent twice, still waiting: given up
    assert [pk for pk, _ in given_up] == [record.pk]


def test_sweep_gives_up_a_job_left_running_by_a_dead_worker_without_sending_it(
    programme, worker_away, kind, given_up
):
    kind(
        waiting={ImportStatus.ANALYSING: "created_at"},
        running=(ImportStatus.COMMITTING,),
        running_stale_after=datetime.timedelta(minutes=30),
        running_stale_message="Interrompu n° {pk}.",
    )
    stale = make_record(programme, status=ImportStatus.COMMITTING, started_at=timezone.now())
    ImportRecord.objects.filter(pk=stale.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
    running = make_record(programme, status=ImportStatus.COMMITTING, started_at=timezone.now())
    assert jobs.sweep(ImportRecord) == 0
    worker_away.assert_not_called()
    assert given_up == [(stale.pk, f"Interrompu n° {stale.pk}.")]
    running.refresh_from_db()
    assert running.status == ImportStatus.COMMITTING


# Cancel ----------------------------------------------------------------------------------------------


def test_cancel_moves_a_job_in_one_of_its_statuses_only(programme, django_capture_on_commit_callbacks):
    waiting = make_record(programme)
    jobs.progress_set(waiting, 12)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert jobs.cancel(
            ImportRecord,
            pk=waiting.pk,
            statuses=(ImportStatus.ANALYSING, ImportStatus.PREVIEW),
            cancelled_status=ImportStatus.CANCELLED,
        )
    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.CANCELLED
    assert jobs.progress_get(waiting) is None
    done = make_record(programme, status=ImportStatus.COMMITTED)
    with transaction.atomic():
        assert not jobs.cancel(
            ImportRecord,
            pk=done.pk,
            statuses=(ImportStatus.ANALYSING, ImportStatus.PREVIEW),
            cancelled_status=ImportStatus.CANCELLED,
        )
    done.refresh_from_db()
    assert done.status == ImportStatus.COMMITTED

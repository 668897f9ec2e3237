"""Imports run by the worker: upload → analysis → preview → confirmation → writing, with progress, a
broker that may be down, tasks delivered twice and unexpected failures."""

import contextlib
import datetime
import io
from unittest import mock

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import jobs
from core.import_records import (
    ImportStateError,
    import_progress,
    import_record_cancel,
    import_record_confirm,
    import_record_preview,
    import_record_process,
    imports_pending_sweep,
)
from core.imports import READ_SHARE, get_spec, import_run
from core.models import ImportRecord, ImportStatus
from core.tasks import import_process_task
from projects.imports import QpvImport
from projects.models import Qpv
from tests.data import sample_bytes
from tests.utils import run_after_commit

QPV_FILE = "qpv_liste_extrait.csv"
BROKER_DOWN = OperationalError("Error 111 connecting to localhost:6379. Connection refused.")


def upload(client, name: str = QPV_FILE, data: bytes | None = None):
    file = io.BytesIO(sample_bytes(QPV_FILE) if data is None else data)
    file.name = name
    with run_after_commit():
        return client.post(reverse("imports:upload", args=["qpv"]), {"file": file})


@pytest.fixture
def worker_away():
    """The broker takes the task but no worker runs it (yet)."""
    with mock.patch.object(import_process_task, "apply_async") as send:
        yield send


def test_upload_is_analysed_in_the_background_with_its_progress(mission_client, worker_away):
    response = upload(mission_client)

    record = ImportRecord.objects.get()
    assert worker_away.call_args.kwargs["kwargs"] == {"record_id": record.pk}
    assert record.status == ImportStatus.ANALYSING
    assert response.url == reverse("imports:preview", args=[record.pk])
    page = mission_client.get(response.url).content.decode()
    status_url = reverse("imports:status", args=[record.pk])
    assert f'hx-get="{status_url}"' in page
    assert "Le fichier attend son tour de traitement." in page
    assert "Confirmer" not in page

    jobs.progress_set(record, 40)  # as the worker does
    block = mission_client.get(status_url)
    assert block.status_code == 200
    assert "Avancement : 40 %" in block.content.decode()

    import_record_process(record_id=record.pk)

    done = mission_client.get(status_url)
    assert done.status_code == 204
    assert done["HX-Refresh"] == "true"
    page = mission_client.get(response.url).content.decode()
    assert "3 à créer, 0 à modifier, 0 inchangée(s)." in page
    assert "Confirmer l'import" in page
    assert Qpv.objects.count() == 0


def test_confirmation_is_written_by_the_worker(mission_client, mission_user, worker_away):
    upload(mission_client)
    record = ImportRecord.objects.get()
    import_record_process(record_id=record.pk)

    with run_after_commit():
        response = mission_client.post(reverse("imports:confirm", args=[record.pk]))

    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTING
    assert record.confirmed_by == mission_user
    assert "Enregistrement des lignes" in mission_client.get(response.url).content.decode()
    assert Qpv.objects.count() == 0

    import_record_process(record_id=record.pk)
    import_record_process(record_id=record.pk)  # delivered twice: the second run does nothing

    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert record.summary["counts"] == {"create": 3, "update": 0, "unchanged": 0}
    assert Qpv.objects.count() == 3
    page = mission_client.get(response.url).content.decode()
    assert "Import terminé : 3 créée(s), 0 modifiée(s), 0 inchangée(s)." in page


def test_broker_down_leaves_the_file_waiting_until_the_sweep_sends_it(mission_client):
    with mock.patch.object(import_process_task, "apply_async", side_effect=BROKER_DOWN) as send:
        response = upload(mission_client)

    assert send.called
    assert response.status_code == 302
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.ANALYSING
    ImportRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    page = mission_client.get(response.url).content.decode()
    assert "Le service de traitement ne répond pas pour l'instant" in page

    # The broker is back: the beat's sweep sends the record again and the (eager) worker analyses it.
    assert imports_pending_sweep() == 1
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW


def test_sweep_leaves_fresh_and_finished_records_alone(programme, mission_user, worker_away):
    fresh = import_record_preview(
        kind="qpv", data=sample_bytes(QPV_FILE), filename=QPV_FILE, programme=programme, user=mission_user
    )
    ImportRecord.objects.filter(pk=fresh.pk).update(status=ImportStatus.ANALYSING)
    finished = import_record_preview(
        kind="qpv", data=sample_bytes(QPV_FILE), filename=QPV_FILE, programme=programme, user=mission_user
    )
    confirmed = import_record_confirm(record=finished, user=mission_user, enqueue=False)
    old = timezone.now() - datetime.timedelta(minutes=10)
    ImportRecord.objects.filter(pk=finished.pk).update(created_at=old, confirmed_at=timezone.now())

    assert imports_pending_sweep() == 0
    worker_away.assert_not_called()

    ImportRecord.objects.filter(pk=confirmed.pk).update(confirmed_at=old)
    assert imports_pending_sweep() == 1
    assert worker_away.call_args.kwargs["kwargs"] == {"record_id": confirmed.pk}


def test_an_unexpected_failure_rejects_the_record_and_writes_nothing(programme, mission_user):
    record = import_record_preview(
        kind="qpv", data=sample_bytes(QPV_FILE), filename=QPV_FILE, programme=programme, user=mission_user
    )
    import_record_confirm(record=record, user=mission_user, enqueue=False)

    with mock.patch.object(QpvImport, "apply", side_effect=RuntimeError("panne")):
        import_record_process(record_id=record.pk)

    record.refresh_from_db()
    assert record.status == ImportStatus.REJECTED
    assert "erreur inattendue" in record.errors[0]["message"]
    assert f"import n° {record.pk}" in record.errors[0]["message"]
    assert Qpv.objects.count() == 0


def test_a_header_problem_found_by_the_worker_rejects_the_record(mission_client, worker_away):
    response = upload(mission_client, "liste.csv", b"colonne;autre\n1;2\n")
    record = ImportRecord.objects.get()
    import_record_process(record_id=record.pk)

    record.refresh_from_db()
    assert record.status == ImportStatus.REJECTED
    page = mission_client.get(response.url).content.decode()
    assert "Aucune ligne d&#x27;en-tête reconnue" in page


def test_progress_is_reported_through_every_stage(programme):
    lines = ["code_qp;lib_qp;insee_com;lib_com"]
    lines += [f"QN{59 + n // 100:03d}{n % 100:02d}M;Quartier {n};59350;Lille" for n in range(1_000)]
    shares: list[float] = []

    result = import_run(
        spec_class=get_spec("qpv"),
        data="\n".join(lines).encode(),
        filename="qpv.csv",
        programme=programme,
        commit=True,
        on_progress=shares.append,
    )

    assert result.committed
    assert shares[0] == READ_SHARE
    assert shares == sorted(shares)
    assert len(shares) >= 8
    assert 0.9 < shares[-1] <= 1.0


def test_progress_shown_is_the_percentage_reported(programme, mission_user, worker_away):
    record = import_record_preview(
        kind="qpv", data=sample_bytes(QPV_FILE), filename=QPV_FILE, programme=programme, user=mission_user
    )
    report = jobs.progress_reporter(record)
    report(0.374)
    assert import_progress(record) == 37
    report(1.0)
    assert import_progress(record) == 99  # 100 % is the record's final status, not a figure


def test_each_step_starts_its_progress_afresh(programme, mission_user, worker_away):
    with run_after_commit():
        record = import_record_preview(
            kind="qpv", data=sample_bytes(QPV_FILE), filename=QPV_FILE, programme=programme, user=mission_user
        )
    assert import_progress(record) is None  # the analysis reported, then cleared its figure
    with run_after_commit():
        import_record_confirm(record=record, user=mission_user, enqueue=False)
        import_record_process(record_id=record.pk)
    assert import_progress(record) is None


def test_a_file_waiting_for_its_analysis_can_be_cancelled(mission_client, worker_away):
    response = upload(mission_client)
    record = ImportRecord.objects.get()
    page = mission_client.get(response.url).content.decode()
    assert reverse("imports:cancel", args=[record.pk]) in page

    cancelled = mission_client.post(reverse("imports:cancel", args=[record.pk]))

    assert cancelled.url == reverse("imports:list")
    import_record_process(record_id=record.pk)  # the worker comes back: nothing left to do
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED
    assert record.summary == {}


def test_sweep_gives_up_on_a_file_no_worker_could_finish(programme, mission_user, worker_away):
    record = import_record_preview(
        kind="qpv", data=sample_bytes(QPV_FILE), filename=QPV_FILE, programme=programme, user=mission_user
    )
    import_record_confirm(record=record, user=mission_user, enqueue=False)
    ImportRecord.objects.filter(pk=record.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(hours=3)
    )

    assert imports_pending_sweep() == 0

    worker_away.assert_not_called()
    record.refresh_from_db()
    assert record.status == ImportStatus.REJECTED
    assert f"import n° {record.pk}" in record.errors[0]["message"]
    assert Qpv.objects.count() == 0


@contextlib.contextmanager
def lock_timeout(duration: str):
    """A regression that waits for a lock then fails instead of hanging the suite."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{duration}'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


@contextlib.contextmanager
def held_by_another_worker(record):
    """The record's row locked from a second database connection, as a busy worker holds it."""
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"] or "localhost",
        port=settings_dict["PORT"] or 5432,
        password=settings_dict["PASSWORD"] or None,
    )
    try:
        other.execute("SELECT id FROM core_importrecord WHERE id = %s FOR UPDATE", [record.pk])
        yield
    finally:
        other.rollback()
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_record_held_by_a_worker_is_left_to_it(programme, mission_user, worker_away):
    record = import_record_preview(
        kind="qpv", data=sample_bytes(QPV_FILE), filename=QPV_FILE, programme=programme, user=mission_user
    )
    ImportRecord.objects.filter(pk=record.pk).update(
        status=ImportStatus.ANALYSING, created_at=timezone.now() - datetime.timedelta(minutes=10)
    )

    # A second delivery does not wait for the first: were it to wait on the row lock, the lock timeout
    # would end it with an error.
    with lock_timeout("5s"), held_by_another_worker(record):
        import_record_process(record_id=record.pk)
        assert imports_pending_sweep() == 0  # being processed: not sent again
        with pytest.raises(ImportStateError, match="L'analyse du fichier est en cours"):
            import_record_cancel(record=record)

    worker_away.assert_not_called()
    record.refresh_from_db()
    assert record.status == ImportStatus.ANALYSING
    assert imports_pending_sweep() == 1  # the lock is gone: sent again

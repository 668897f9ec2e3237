"""Import records: an uploaded file kept with its outcome, analysed then written by the Celery worker.

    upload → import_record_create (size, format and archive checked; the file kept, "analyse en cours")
           → worker: import_record_analyse → "aperçu" (or "refusé", every error listed)
    confirm → import_record_confirm ("enregistrement en cours")
           → worker: import_record_commit → "importé" (or "refusé": nothing written)

A record is a background job (`core/jobs.py`, its `JobKind` on the model): the worker claims it for the
whole step, which is one transaction, so its progress goes through the cache, readable by the page that
polls; a record the worker never took (broker down, worker lost) is sent again by `imports_pending_sweep`,
a record locked by a worker is being processed and left alone. The `import_xlsx` command runs the same
steps without the worker.
"""

import datetime
import hashlib

import structlog
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from core import jobs
from core.imports import (
    ImportFileError,
    ImportResult,
    RowError,
    check_file,
    display_name,
    get_spec,
    import_run,
)
from core.models import ImportRecord, ImportStatus

logger = structlog.get_logger(__name__)

SWEEP_PENDING_AFTER: datetime.timedelta = ImportRecord.job.resend_after


class ImportStateError(Exception):
    """The import record is not (or no longer) in the state the action needs."""


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_errors(record: ImportRecord) -> list[RowError]:
    return [
        RowError(item.get("row"), item.get("column", ""), item.get("message", "")) for item in record.errors
    ]


def import_progress(record: ImportRecord) -> int | None:
    """Percentage done by the worker, or None when it has not started on the record."""
    return jobs.progress_get(record)


# Steps ------------------------------------------------------------------------------------------------


@transaction.atomic
def import_record_create(
    *, kind: str, data: bytes, filename: str, programme, user=None, enqueue: bool = True
) -> ImportRecord:
    """Keep an uploaded file for analysis ("analyse en cours"); the worker is called once committed.

    Raises KeyError for an unknown kind, ImportFileError (and keeps nothing) when the file itself is
    refused: size, format, zip bomb, XML declarations, encoding.
    """
    get_spec(kind)
    name = display_name(filename)
    check_file(data, filename=name)
    record = ImportRecord(
        kind=kind,
        programme=programme,
        filename=name,
        file_hash=file_sha256(data),
        status=ImportStatus.ANALYSING,
        created_by=user,
    )
    record.file.save(name, ContentFile(data), save=False)
    # Summary and errors come with the analysis; a command has no user.
    record.full_clean(exclude=["summary", "errors", "created_by", "confirmed_by"])
    record.save()
    if enqueue:
        jobs.enqueue_on_commit(ImportRecord, record.pk)
    return record


def _stored_data(record: ImportRecord) -> bytes:
    """The kept file (never the client's copy), as it was when it was checked."""
    with record.file.open("rb") as stored:
        data = stored.read()
    if file_sha256(data) != record.file_hash:
        raise ImportFileError(
            "Le fichier conservé ne correspond plus à celui déposé : déposez-le de nouveau."
        )
    return data


def _locked(record_id: int) -> ImportRecord:
    return ImportRecord.objects.select_for_update().select_related("programme").get(pk=record_id)


def _taken(record_id: int, status: str) -> ImportRecord | None:
    """The record, locked for this worker, when it is still in `status`; None when another worker holds
    it (a task sent twice waits for nothing) or when it has moved on (a task delivered twice)."""
    return jobs.claim(ImportRecord.objects.select_related("programme"), pk=record_id, statuses=(status,))


def _reject(record: ImportRecord, message: str, details: dict | None = None) -> ImportRecord:
    """Refused as a whole; `details` (unknown and missing columns) kept for the preview's mapping form."""
    record.status = ImportStatus.REJECTED
    record.errors = [RowError(None, "", message).as_dict()]
    record.summary = details or {}
    record.save(update_fields=["status", "errors", "summary"])
    jobs.progress_clear_on_commit(record)
    return record


def import_record_give_up(record: ImportRecord, message: str) -> None:
    """The sweep gives up on a record no worker could finish (its row locked by the sweep)."""
    _reject(record, message)


def _already_imported_warning(record: ImportRecord) -> str | None:
    previous = (
        ImportRecord.objects.filter(
            kind=record.kind,
            programme=record.programme,
            file_hash=record.file_hash,
            status=ImportStatus.COMMITTED,
        )
        .select_related("created_by")
        .order_by("-committed_at", "-pk")
        .first()
    )
    if previous is None:
        return None
    return "Ce fichier a déjà été importé le {date} ({who}).".format(
        date=date_format(timezone.localtime(previous.committed_at), "DATETIME_FORMAT"),
        who=previous.created_by or "utilisateur inconnu",
    )


def _run(record: ImportRecord, *, user, commit: bool) -> ImportResult:
    return import_run(
        spec_class=get_spec(record.kind),
        data=_stored_data(record),
        filename=record.filename,
        programme=record.programme,
        user=user,
        commit=commit,
        on_progress=jobs.progress_reporter(record),
    )


@transaction.atomic
def import_record_analyse(*, record_id: int) -> ImportRecord | None:
    """Read and validate the kept file: the record becomes a preview, or is rejected with every error.

    Returns None, doing nothing, when the record is no longer waiting for analysis or another worker
    is analysing it.
    """
    record = _taken(record_id, ImportStatus.ANALYSING)
    if record is None:
        return None
    try:
        result = _run(record, user=record.created_by, commit=False)
    except ImportFileError as error:
        return _reject(record, error.message, error.details)
    warning = _already_imported_warning(record)
    if warning:
        result.warnings.insert(0, warning)
    record.status = ImportStatus.PREVIEW if result.ok else ImportStatus.REJECTED
    record.summary = result.summary()
    record.errors = [error.as_dict() for error in result.errors]
    record.save(update_fields=["status", "summary", "errors"])
    jobs.progress_clear_on_commit(record)
    return record


def import_record_preview(*, kind: str, data: bytes, filename: str, programme, user=None) -> ImportRecord:
    """Keep and analyse a file at once, without the worker (the command, tests)."""
    record = import_record_create(
        kind=kind, data=data, filename=filename, programme=programme, user=user, enqueue=False
    )
    import_record_analyse(record_id=record.pk)
    record.refresh_from_db()
    return record


def _already_processed(record_id: int) -> ImportStateError:
    record = ImportRecord.objects.get(pk=record_id)
    if record.status in ImportRecord.PENDING_STATUSES:
        message = "Cet import est en cours de traitement (statut : %(status)s)."
    else:
        message = "Cet import a déjà été traité (statut : %(status)s)."
    return ImportStateError(message % {"status": record.get_status_display()})


@transaction.atomic
def import_record_confirm(*, record: ImportRecord, user=None, enqueue: bool = True) -> ImportRecord:
    """The user confirms a preview without errors: the worker will write it ("enregistrement en cours").

    One conditional update, so that two confirmations (double click, two tabs) send it once.
    """
    now = timezone.now()
    # A preview has no errors: a file with errors is "refusé".
    confirmed = ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.COMMITTING, confirmed_by=user, confirmed_at=now
    )
    if not confirmed:
        raise _already_processed(record.pk)
    record.status, record.confirmed_by, record.confirmed_at = ImportStatus.COMMITTING, user, now
    if enqueue:
        jobs.enqueue_on_commit(ImportRecord, record.pk)
    return record


@transaction.atomic
def import_record_commit(*, record_id: int) -> ImportRecord | None:
    """Read the kept file again and write it, all or nothing: the record ends committed, or rejected
    with the errors found this time. Returns None, doing nothing, when the record is not waiting to be
    written or another worker is writing it."""
    record = _taken(record_id, ImportStatus.COMMITTING)
    if record is None:
        return None
    user = record.confirmed_by
    try:
        result = _run(record, user=user, commit=True)
    except ImportFileError as error:
        return _reject(record, error.message)
    record.status = ImportStatus.COMMITTED if result.committed else ImportStatus.REJECTED
    record.summary = result.summary() | {"committed_by": str(user) if user else ""}
    record.errors = [error.as_dict() for error in result.errors]
    record.committed_at = timezone.now() if result.committed else None
    record.save(update_fields=["status", "summary", "errors", "committed_at"])
    jobs.progress_clear_on_commit(record)
    return record


@transaction.atomic
def import_record_cancel(*, record: ImportRecord) -> ImportRecord:
    """Abandon a preview, or a file still waiting for its analysis (the worker then leaves it alone).

    A file being analysed right now is locked by the worker: the request says so instead of waiting.
    """
    try:
        cancelled = jobs.cancel(
            ImportRecord,
            pk=record.pk,
            statuses=(ImportStatus.ANALYSING, ImportStatus.PREVIEW),
            cancelled_status=ImportStatus.CANCELLED,
        )
    except jobs.JobBusy:
        raise ImportStateError(
            "L'analyse du fichier est en cours : vous pourrez annuler l'aperçu dès qu'il s'affichera."
        ) from None
    if not cancelled:
        raise _already_processed(record.pk)
    record.status = ImportStatus.CANCELLED
    return record


# Worker -----------------------------------------------------------------------------------------------


def import_record_process(*, record_id: int) -> ImportRecord | None:
    """The worker's entry: analyse or write the record, as its status asks.

    An unexpected error (or the task's time limit) rejects the record with a message and is logged,
    instead of leaving it pending or retrying a failure that would happen again.
    """
    record = ImportRecord.objects.filter(pk=record_id).first()
    if record is None:
        return None
    try:
        if record.status == ImportStatus.ANALYSING:
            import_record_analyse(record_id=record_id)
        elif record.status == ImportStatus.COMMITTING:
            import_record_commit(record_id=record_id)
    except Exception:
        logger.exception("import_failed", record_id=record_id)
        _reject_pending(
            record_id,
            (
                "Le traitement de ce fichier a échoué sur une erreur inattendue : rien n'a été écrit. "
                "L'erreur est consignée dans le journal du serveur ; communiquez le numéro d'import "
                f"n° {record_id} à l'équipe technique."
            ),
        )
    record.refresh_from_db()
    return record


@transaction.atomic
def _reject_pending(record_id: int, message: str) -> None:
    record = _locked(record_id)
    if record.status in ImportRecord.PENDING_STATUSES:
        _reject(record, message)


def import_enqueue(*, record_id: int) -> bool:
    """Hand the record to the worker; False (it stays pending, the sweep sends it again) when the broker
    is down. Never waits on a dead broker."""
    return jobs.enqueue(ImportRecord, record_id)


def imports_pending_sweep(*, now: datetime.datetime | None = None) -> int:
    """Beat: send again the records pending for a while that no worker holds, and reject those no
    worker could finish within the kind's limit (`ImportRecord.job`). Returns how many were sent again."""
    return jobs.sweep(ImportRecord, now=now)

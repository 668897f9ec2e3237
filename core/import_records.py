"""Import records: an uploaded file kept with its outcome, analysed then written by the Celery worker.

    upload → import_record_create (size, format and archive checked; the file kept, "analyse en cours")
           → worker: import_record_analyse → "aperçu" (or "refusé", every error listed)
    confirm → import_record_confirm ("enregistrement en cours")
           → worker: import_record_commit → "importé" (or "refusé": nothing written)

The worker's progress goes through the cache: the commit is one transaction, invisible to the page that
polls until it ends. A record the worker never took (broker down, worker lost) is sent again by
`imports_pending_sweep`; a record locked by a worker is being processed and left alone. The `import_xlsx`
command runs the same steps without the worker.
"""

import datetime
import hashlib
import logging
from functools import partial

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from core.imports import (
    ImportFileError,
    ImportResult,
    Progress,
    RowError,
    check_file,
    display_name,
    get_spec,
    import_run,
)
from core.models import ImportRecord, ImportStatus

logger = logging.getLogger(__name__)

PROGRESS_TIMEOUT = 6 * 3600
SWEEP_PENDING_AFTER = datetime.timedelta(minutes=2)
SWEEP_GIVE_UP_AFTER = datetime.timedelta(hours=2)


class ImportStateError(Exception):
    """The import record is not (or no longer) in the state the action needs."""


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_errors(record: ImportRecord) -> list[RowError]:
    return [
        RowError(item.get("row"), item.get("column", ""), item.get("message", "")) for item in record.errors
    ]


# Progress ---------------------------------------------------------------------------------------------


def _progress_key(record_id: int) -> str:
    return f"imports:progress:{record_id}"


def import_progress(record: ImportRecord) -> int | None:
    """Percentage done by the worker, or None when it has not started on the record."""
    try:
        return cache.get(_progress_key(record.pk))
    except RedisError:
        return None


def _progress_clear(record_id: int) -> None:
    """Once a step ends, so that the next one does not start from the last figure of the previous."""
    try:
        cache.delete(_progress_key(record_id))
    except RedisError:
        logger.warning("Import %s: progress not cleared (cache unavailable)", record_id)


def _progress_reporter(record_id: int) -> Progress:
    last = -1

    def report(share: float) -> None:
        nonlocal last
        percent = min(int(share * 100), 99)
        if percent != last:
            last = percent
            try:
                cache.set(_progress_key(record_id), percent, PROGRESS_TIMEOUT)
            except RedisError:
                logger.warning("Import %s: progress not recorded (cache unavailable)", record_id)

    return report


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
        transaction.on_commit(partial(import_enqueue, record_id=record.pk))
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
    return (
        ImportRecord.objects.select_for_update(skip_locked=True)
        .select_related("programme")
        .filter(pk=record_id, status=status)
        .first()
    )


def _reject(record: ImportRecord, message: str, details: dict | None = None) -> ImportRecord:
    """Refused as a whole; `details` (unknown and missing columns) kept for the preview's mapping form."""
    record.status = ImportStatus.REJECTED
    record.errors = [RowError(None, "", message).as_dict()]
    record.summary = details or {}
    record.save(update_fields=["status", "errors", "summary"])
    transaction.on_commit(partial(_progress_clear, record.pk))
    return record


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
        on_progress=_progress_reporter(record.pk),
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
    transaction.on_commit(partial(_progress_clear, record.pk))
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
        transaction.on_commit(partial(import_enqueue, record_id=record.pk))
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
    transaction.on_commit(partial(_progress_clear, record.pk))
    return record


@transaction.atomic
def import_record_cancel(*, record: ImportRecord) -> ImportRecord:
    """Abandon a preview, or a file still waiting for its analysis (the worker then leaves it alone).

    A file being analysed right now is locked by the worker: the request says so instead of waiting.
    """
    try:
        with transaction.atomic():
            ImportRecord.objects.select_for_update(nowait=True).filter(pk=record.pk).exists()
    except DatabaseError:
        raise ImportStateError(
            "L'analyse du fichier est en cours : vous pourrez annuler l'aperçu dès qu'il s'affichera."
        ) from None
    cancelled = ImportRecord.objects.filter(
        pk=record.pk, status__in=(ImportStatus.ANALYSING, ImportStatus.PREVIEW)
    ).update(status=ImportStatus.CANCELLED)
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
        logger.exception("Import %s failed", record_id)
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
    """Hand the record to Celery; False (the record stays pending, the sweep sends it again) when the
    broker is down. Never waits on a dead broker."""
    from core.tasks import import_process_task

    try:
        import_process_task.apply_async(
            kwargs={"record_id": record_id}, retry=True, retry_policy={"max_retries": 0}
        )
    except (BrokerError, RedisError, OSError) as error:
        logger.warning("Import %s not sent to the worker: %s", record_id, error)
        return False
    return True


def _pending_since(moment: datetime.datetime) -> Q:
    """Pending records waiting since before `moment`: uploaded then (analysis), or confirmed then."""
    return Q(status=ImportStatus.ANALYSING, created_at__lt=moment) | Q(
        status=ImportStatus.COMMITTING, confirmed_at__lt=moment
    )


def imports_pending_sweep(*, now: datetime.datetime | None = None) -> int:
    """Beat: send again the records pending for a while that no worker holds, and reject those no
    worker could finish within SWEEP_GIVE_UP_AFTER (a file that kills its worker every time).
    Returns how many were sent again."""
    now = now or timezone.now()
    with transaction.atomic():
        # A worker processing a record holds its row lock: skip_locked leaves those out.
        waiting = {
            record.pk: record
            for record in ImportRecord.objects.select_for_update(skip_locked=True).filter(
                _pending_since(now - SWEEP_PENDING_AFTER)
            )
        }
        given_up = ImportRecord.objects.filter(pk__in=waiting).filter(
            _pending_since(now - SWEEP_GIVE_UP_AFTER)
        )
        for record in given_up:
            del waiting[record.pk]
            _reject(
                record,
                (
                    "Le traitement de ce fichier n'a pas pu aboutir (service de traitement indisponible ou "
                    "interrompu à chaque essai) : rien n'a été écrit. Déposez-le de nouveau ; si cela se "
                    f"reproduit, communiquez le numéro d'import n° {record.pk} à l'équipe technique."
                ),
            )
    return sum(import_enqueue(record_id=record_id) for record_id in waiting)

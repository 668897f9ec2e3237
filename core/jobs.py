"""Background jobs: a row per job, handed to a Celery worker, with the same guarantees for every kind.

A job model (imports, packs, later partner-report deliveries) inherits the abstract `Job` and declares
its `JobKind`: the task that processes it, the statuses in which it waits for a worker (each with the
field saying since when), the statuses in which a worker holds it over several transactions, and when
to send it again or give up. This module then gives every kind the same behaviour:

- enqueue: the task is sent once the request's transaction commits, in one attempt; when the broker
  (Redis) is down the request still answers at once and the job waits (`enqueue`, `enqueue_on_commit`);
- claim: the worker takes the row with `SELECT … FOR UPDATE SKIP LOCKED` on its waiting status, so a
  task delivered twice, or a second worker, finds nothing to do and waits for nothing (`claim`);
- progress: a percentage in the cache, readable while the worker's transaction is still open (an import
  writes in one transaction, invisible until it commits) (`progress_set`, `progress_get`,
  `progress_clear`, `progress_reporter`);
- sweep (beat, one periodic task per kind in `config/schedule.py`): jobs waiting longer than
  `resend_after` that no worker holds are sent again; those waiting longer than `give_up_after`, or sent
  `max_attempts` times, are given up with the kind's French message; those a worker left in a running
  status longer than `running_stale_after` (worker killed between two transactions) are given up too,
  never sent again (`sweep`);
- cancel: `NOWAIT` on the row, so that a request never waits behind a worker: `JobBusy` says the worker
  holds it (`cancel`).

Exactly once, for a job whose effect leaves the application (a partner-report e-mail): the uniqueness
is the table's, the single execution is the claim's.

1. One row per unit of work: `ReportDelivery` with `UniqueConstraint(fields=["subscription", "period"])`.
   The beat's planner creates the row with `get_or_create` (a second planner, or a retry, hits the
   constraint and gets the existing row): a delivery can never be planned twice.
2. The worker `claim`s the row with `start_status=SENDING` in its own short transaction, which commits
   before the e-mail goes: a duplicate task finds the row locked (skipped) or no longer waiting (nothing
   to do).
3. It sends, then marks the row sent (`finished_at`). A worker killed between the send and that mark
   leaves the row in SENDING: as a running status, the sweep gives it up after `running_stale_after`
   ("envoi incertain", for a person to check) instead of sending it again. Hence at most once always,
   and exactly once unless a worker dies in that window, which is then visible rather than silent.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, TypeVar

import structlog
from django.core.cache import cache
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = structlog.get_logger(__name__)

PROGRESS_TIMEOUT = 6 * 3600


@dataclass(frozen=True)
class JobKind:
    """How the jobs of one model are run, sent again and given up (see the module's docstring).

    `task` and `give_up` are dotted paths (Celery's way: the model does not import its services):
    `task` is called with `{task_arg: pk}`; `give_up(job, message)` writes the job's own failed state
    (its status, its message) on the locked row, inside the sweep's transaction.
    """

    task: str
    task_arg: str
    sweep_task: str
    give_up: str
    # Status waiting for a worker → the field holding since when it waits.
    waiting: Mapping[str, str]
    give_up_message: str  # may name the job: "{pk}"
    running: tuple[str, ...] = ()
    running_stale_message: str = ""
    resend_after: datetime.timedelta = datetime.timedelta(minutes=2)
    give_up_after: datetime.timedelta | None = None
    max_attempts: int | None = None
    running_stale_after: datetime.timedelta | None = None


class Job(models.Model):
    """Abstract: what every job row carries besides its own status and outcome."""

    job: ClassVar[JobKind]
    status: str  # each concrete job declares its own status field and choices

    attempts = models.PositiveSmallIntegerField("envois au traitement", default=0)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)

    class Meta:
        abstract = True


class JobBusy(Exception):
    """A worker holds the job right now."""


# Enqueue ----------------------------------------------------------------------------------------------


def enqueue(model: type[Job], pk: int) -> bool:
    """Send the job to its task, once, without retrying; False (the job keeps waiting, the sweep sends
    it again) when the broker is down. Counts the sends that reached the broker."""
    kind = model.job
    task = import_string(kind.task)
    try:
        # One attempt, no retry: a refused connection fails at once (measured: 0.0 s, against 0.6 s with
        # the default retry policy and 2 s with retry=False, which falls back on kombu's own retry).
        task.apply_async(kwargs={kind.task_arg: pk}, retry=True, retry_policy={"max_retries": 0})
    except (BrokerError, RedisError, OSError) as error:
        logger.warning("job_enqueue_failed", job=model._meta.label, pk=pk, error=str(error))
        return False
    model._default_manager.filter(pk=pk).update(attempts=F("attempts") + 1)
    return True


def enqueue_on_commit(model: type[Job], pk: int) -> None:
    """Send the job once the current transaction commits (never a job the worker cannot see yet)."""
    transaction.on_commit(partial(enqueue, model, pk))


# Claim ------------------------------------------------------------------------------------------------


J = TypeVar("J", bound=Job)


def claim(
    queryset: models.QuerySet[J], *, pk: int, statuses: tuple[str, ...], start_status: str | None = None
) -> J | None:
    """The job, locked for this worker until the current transaction ends, when it is in one of
    `statuses`; None when another worker holds it or it has moved on (a task delivered twice).

    Sets `started_at` and, given `start_status`, the status (a job built over several transactions,
    like a pack, commits this claim at once so that its page sees it running).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("claim() holds a row lock: call it inside transaction.atomic().")
    job = (
        queryset.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk, status__in=statuses).first()
    )
    if job is None:
        return None
    job.started_at = timezone.now()
    fields = ["started_at"]
    if start_status is not None:
        job.status = start_status
        fields.append("status")
    job.save(update_fields=fields)
    return job


# Progress ---------------------------------------------------------------------------------------------


def _progress_key(job: Job) -> str:
    return f"jobs:progress:{job._meta.label_lower}:{job.pk}"


def progress_set(job: Job, percent: int) -> None:
    """Record the worker's progress (0–99: 100 % is the job's final status, not a figure)."""
    try:
        cache.set(_progress_key(job), max(0, min(int(percent), 99)), PROGRESS_TIMEOUT)
    except RedisError:
        logger.warning("job_progress_not_recorded", job=job._meta.label, pk=job.pk)


def progress_get(job: Job) -> int | None:
    """Percentage done by the worker, or None when it has not started (or the cache is down)."""
    try:
        return cache.get(_progress_key(job))
    except RedisError:
        return None


def progress_clear(job: Job) -> None:
    """Once a step ends, so that the next one does not start from the last figure of the previous."""
    try:
        cache.delete(_progress_key(job))
    except RedisError:
        logger.warning("job_progress_not_cleared", job=job._meta.label, pk=job.pk)


def progress_clear_on_commit(job: Job) -> None:
    transaction.on_commit(partial(progress_clear, job))


def progress_reporter(job: Job, *, start: int = 0, end: int = 100) -> Callable[[float], None]:
    """A callback taking the share done (0–1) and recording it as a percentage between start and end,
    writing the cache only when the figure changes."""
    last = -1

    def report(share: float) -> None:
        nonlocal last
        percent = min(start + int(share * (end - start)), 99)
        if percent != last:
            last = percent
            progress_set(job, percent)

    return report


# Sweep ------------------------------------------------------------------------------------------------


def _waiting_since(kind: JobKind, moment: datetime.datetime) -> Q:
    condition = Q(pk__in=[])
    for status, since in kind.waiting.items():
        condition |= Q(status=status, **{f"{since}__lt": moment})
    return condition


def _given_up(kind: JobKind, job: Job, now: datetime.datetime) -> bool:
    if kind.max_attempts is not None and job.attempts >= kind.max_attempts:
        return True
    if kind.give_up_after is None:
        return False
    since = getattr(job, kind.waiting[job.status])
    return since is not None and since < now - kind.give_up_after


def sweep(model: type[Job], *, now: datetime.datetime | None = None) -> int:
    """Beat: send again the jobs waiting for a while that no worker holds, give up those past the
    kind's limits (and those left running by a dead worker). Returns how many were sent again."""
    kind = model.job
    now = now or timezone.now()
    give_up = import_string(kind.give_up)
    resend = []
    with transaction.atomic():
        # A worker processing a job holds its row lock: skip_locked leaves those out.
        locked = model._default_manager.select_for_update(skip_locked=True).order_by("pk")
        if kind.running and kind.running_stale_after is not None:
            stale = locked.filter(Q(status__in=kind.running), started_at__lt=now - kind.running_stale_after)
            for job in stale:
                logger.warning("job_given_up", job=model._meta.label, pk=job.pk, reason="running_stale")
                give_up(job, kind.running_stale_message.format(pk=job.pk))
        for job in locked.filter(_waiting_since(kind, now - kind.resend_after)):
            if _given_up(kind, job, now):
                logger.warning("job_given_up", job=model._meta.label, pk=job.pk, attempts=job.attempts)
                give_up(job, kind.give_up_message.format(pk=job.pk))
            else:
                resend.append(job.pk)
    return sum(enqueue(model, pk) for pk in resend)


# Cancel -----------------------------------------------------------------------------------------------


def cancel(model: type[Job], *, pk: int, statuses: tuple[str, ...], cancelled_status: str, **fields) -> bool:
    """Move the job from one of `statuses` to `cancelled_status` (with `fields`), inside the caller's
    transaction. Raises JobBusy, without waiting, when a worker holds the row; False when the job is in
    another status."""
    if not connection.in_atomic_block:
        raise RuntimeError("cancel() holds a row lock: call it inside transaction.atomic().")
    try:
        with transaction.atomic():
            job = model._default_manager.select_for_update(nowait=True).filter(pk=pk).first()
    except DatabaseError:
        raise JobBusy from None
    if job is None or job.status not in statuses:
        return False
    job.status = cancelled_status
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", *fields])
    progress_clear_on_commit(job)
    return True


def job_models() -> list[type[Job]]:
    """Every concrete job model of the installed apps (each must have its sweep scheduled)."""
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, Job)]

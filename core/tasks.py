"""Celery tasks: thin shells that call a service."""

from celery import shared_task


# Beyond the soft limit the task is interrupted and the record rejected (see import_record_process);
# 10,000 households take a few seconds.
@shared_task(acks_late=True, soft_time_limit=30 * 60, time_limit=32 * 60)
def import_process_task(record_id: int) -> None:
    """Analyse an uploaded file, or write a confirmed one (idempotent: the record's status decides)."""
    from core.import_records import import_record_process

    import_record_process(record_id=record_id)


@shared_task
def imports_pending_sweep_task() -> int:
    """Send again the imports left pending (broker down at upload or confirmation, worker lost)."""
    from core.import_records import imports_pending_sweep

    return imports_pending_sweep()


@shared_task(bind=True, max_retries=3, default_retry_delay=600)
def access_events_purge_task(self) -> int:
    """Nightly: delete the access-log events older than ACCESS_LOG_RETENTION_MONTHS months."""
    from core.access import access_events_purge

    return access_events_purge()

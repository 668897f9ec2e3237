"""Celery tasks: thin shells that call a service."""

from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=600)
def participants_anonymise_task(self) -> int:
    """Nightly: anonymise the participants whose last contract ended more than INSERTION_RETENTION_MONTHS
    months ago."""
    from insertion.retention import participants_anonymise

    return participants_anonymise()

"""Celery tasks: thin shells that call a service."""

from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=600)
def households_anonymise_task(self) -> int:
    """Nightly: anonymise the households closed more than RELOGEMENT_RETENTION_MONTHS months ago."""
    from relogement.retention import households_anonymise

    return households_anonymise()

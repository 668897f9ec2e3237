"""Celery tasks: thin shells that load ids and call a service."""

from celery import shared_task


@shared_task
def digests_plan_task() -> int:
    """Mondays: plan this week's digest of each handler organisation (once per week and organisation)."""
    from gusp.services import digests_plan

    return len(digests_plan())


@shared_task(bind=True, max_retries=2, default_retry_delay=60, acks_late=True)
def digest_send_task(self, digest_id: int) -> bool:
    from gusp.services import digest_send

    return digest_send(digest_id=digest_id)


@shared_task
def digests_pending_sweep_task() -> int:
    """Send again the digests left waiting (Redis down when planned); give up those stuck."""
    from gusp.services import digests_pending_sweep

    return digests_pending_sweep()

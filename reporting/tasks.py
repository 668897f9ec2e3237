"""Celery tasks: thin shells that load ids and call a service."""

from celery import shared_task


@shared_task(bind=True, max_retries=2, default_retry_delay=30, acks_late=True)
def pack_generate_task(self, pack_id: int) -> None:
    from reporting.services import pack_generate_by_id

    pack_generate_by_id(pack_id=pack_id)


@shared_task
def packs_pending_sweep_task() -> int:
    """Send again the packs left waiting (Redis down at request time); fail those stuck running."""
    from reporting.services import packs_pending_sweep

    return packs_pending_sweep()

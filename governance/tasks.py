"""Celery tasks: thin shells that load ids and call a service."""

import structlog
from celery import shared_task

logger = structlog.get_logger(__name__)


@shared_task(bind=True, max_retries=2, default_retry_delay=30, acks_late=True)
def pack_generate_task(self, pack_id: int) -> None:
    from governance.packs import pack_generate_by_id

    pack_generate_by_id(pack_id=pack_id)


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def action_reminders_send_task(self) -> int:
    """Daily: reminders before and after actions' due dates; each (action, kind, due date) once."""
    from governance.reminders import action_reminders_send

    return action_reminders_send()


@shared_task
def packs_pending_sweep_task() -> int:
    """Send again the packs left waiting (Redis down at request time); fail those stuck running."""
    from governance.packs import packs_pending_sweep

    return packs_pending_sweep()

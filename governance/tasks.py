"""Celery tasks: thin shells that load ids and call a service."""

from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def action_reminders_send_task(self) -> int:
    """Daily: reminders before and after actions' due dates; each (action, kind, due date) once."""
    from governance.reminders import action_reminders_send

    return action_reminders_send()

"""Every periodic task, in one place (installed into django-celery-beat by `setup_periodic_tasks`)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # https://crontab.guru/#15_7_*_*_* — every morning at 07:15, before people open their mail
    "action-reminders": {
        "task": "governance.tasks.action_reminders_send_task",
        "schedule": crontab(minute="15", hour="7"),
    },
    # https://crontab.guru/#*/5_*_*_*_* — every 5 minutes
    "packs-pending-sweep": {
        "task": "governance.tasks.packs_pending_sweep_task",
        "schedule": crontab(minute="*/5"),
    },
}

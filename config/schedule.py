"""Every periodic task, in one place (installed into django-celery-beat by `setup_periodic_tasks`).

Each background-job model (`core/jobs.py`) has its sweep here (`Model.job.sweep_task`; a test checks it).
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # https://crontab.guru/#15_7_*_*_* — every morning at 07:15, before people open their mail
    "action-reminders": {
        "task": "governance.tasks.action_reminders_send_task",
        "schedule": crontab(minute="15", hour="7"),
    },
    # https://crontab.guru/#*/5_*_*_*_* — every 5 minutes
    "packs-pending-sweep": {
        "task": "reporting.tasks.packs_pending_sweep_task",
        "schedule": crontab(minute="*/5"),
    },
    # https://crontab.guru/#*/5_*_*_*_* — every 5 minutes
    "imports-pending-sweep": {
        "task": "core.tasks.imports_pending_sweep_task",
        "schedule": crontab(minute="*/5"),
    },
    # https://crontab.guru/#0_7_*_*_1 — Mondays at 07:00: the GUSP digest of each handler organisation
    "gusp-digests-plan": {
        "task": "gusp.tasks.digests_plan_task",
        "schedule": crontab(minute="0", hour="7", day_of_week="1"),
    },
    # https://crontab.guru/#*/5_*_*_*_* — every 5 minutes
    "gusp-digests-pending-sweep": {
        "task": "gusp.tasks.digests_pending_sweep_task",
        "schedule": crontab(minute="*/5"),
    },
    # https://crontab.guru/#30_2_*_*_* — every night at 02:30: anonymise households closed too long ago
    "relogement-households-anonymise": {
        "task": "relogement.tasks.households_anonymise_task",
        "schedule": crontab(minute="30", hour="2"),
    },
    # https://crontab.guru/#35_2_*_*_* — every night at 02:35: anonymise participants out of contract too long
    "insertion-participants-anonymise": {
        "task": "insertion.tasks.participants_anonymise_task",
        "schedule": crontab(minute="35", hour="2"),
    },
    # https://crontab.guru/#45_2_*_*_* — every night at 02:45: purge access-log events older than 12 months
    "access-events-purge": {
        "task": "core.tasks.access_events_purge_task",
        "schedule": crontab(minute="45", hour="2"),
    },
}

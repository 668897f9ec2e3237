"""Reminder e-mails to the owners of open actions, before and after their due date.

Settings (days, default 3 each): GOVERNANCE_REMINDER_DAYS_BEFORE, GOVERNANCE_REMINDER_DAYS_AFTER;
GOVERNANCE_REMINDER_CATCH_UP_DAYS (default 30) bounds how late an "after" reminder is still sent when
the daily task could not run. Links in the e-mails start with SITE_URL.

Each reminder is written as an `ActionReminder` row unique on (action, kind, due date) *before* the
e-mail leaves, in the same transaction: a retried or doubled task finds the row and sends nothing, and a
moved due date opens a new reminder.
"""

import datetime

import structlog
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from governance.models import Action, ActionReminder, ReminderKind

logger = structlog.get_logger(__name__)


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def due_reminders(*, today: datetime.date) -> list[tuple[Action, str]]:
    """(action, kind) pairs due today: open actions with an account to remind and no reminder of this
    kind for their current due date yet."""
    before = settings.GOVERNANCE_REMINDER_DAYS_BEFORE
    after = settings.GOVERNANCE_REMINDER_DAYS_AFTER
    catch_up = settings.GOVERNANCE_REMINDER_CATCH_UP_DAYS
    windows = {
        ReminderKind.BEFORE: Q(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=before)),
        ReminderKind.AFTER: Q(
            due_on__lte=today - datetime.timedelta(days=after),
            due_on__gte=today - datetime.timedelta(days=after + catch_up),
        ),
    }
    pairs = []
    for kind, window in windows.items():
        already = ActionReminder.objects.filter(action=OuterRef("pk"), kind=kind, due_on=OuterRef("due_on"))
        actions = (
            Action.objects.open()
            .filter(window, owner_user__isnull=False, owner_user__is_active=True)
            .exclude(owner_user__email="")
            .filter(~Exists(already))
            .select_related("owner_user", "owner_organisation", "programme", "sector", "meeting__body")
            .order_by("due_on", "pk")
        )
        pairs += [(action, kind) for action in actions]
    return pairs


def _message(action: Action, kind: str, *, today: datetime.date) -> EmailMultiAlternatives:
    days = (action.due_on - today).days
    context = {
        "action": action,
        "kind": kind,
        "before": kind == ReminderKind.BEFORE,
        "days": abs(days),
        "url": site_url() + reverse("governance:action_detail", args=[action.pk]),
        "board_url": site_url() + reverse("governance:action_board"),
    }
    if kind == ReminderKind.BEFORE:
        subject = f"[Pilotage NPRU] Action à échéance le {action.due_on:%d/%m/%Y} : {action.title}"
    else:
        subject = f"[Pilotage NPRU] Action en retard (échéance du {action.due_on:%d/%m/%Y}) : {action.title}"
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=render_to_string("emails/action_reminder.txt", context),
        to=[action.owner_user.email],
    )
    message.attach_alternative(render_to_string("emails/action_reminder.html", context), "text/html")
    return message


def action_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the reminders due today; returns how many e-mails were sent."""
    today = today or timezone.localdate()
    sent = 0
    with translation.override("fr"):
        for action, kind in due_reminders(today=today):
            with transaction.atomic():
                _reminder, created = ActionReminder.objects.get_or_create(
                    action=action, kind=kind, due_on=action.due_on
                )
                if not created:  # another run got there first
                    continue
                # Sent inside the transaction: if sending fails, the row is rolled back and a retry sends.
                _message(action, kind, today=today).send()
            sent += 1
            logger.info("action_reminder_sent", action_id=action.pk, kind=kind, due_on=str(action.due_on))
    return sent

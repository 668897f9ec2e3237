import datetime

import pytest
from django.core import mail
from django.db import IntegrityError

from governance import services
from governance.models import ActionReminder, ActionStatus, ReminderKind
from governance.reminders import action_reminders_send
from governance.tasks import action_reminders_send_task
from tests.accounts.factories import UserFactory
from tests.governance.factories import ActionFactory

TODAY = datetime.date(2026, 3, 10)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def owner():
    return UserFactory(email="cheffe.projet@bailleur.fr")


def test_reminder_before_the_due_date_is_sent_once(programme, sector_a, owner):
    action = ActionFactory(
        programme=programme, sector=sector_a, owner_user=owner, due_on=days(3), title="Relancer l'OPC"
    )
    assert action_reminders_send(today=TODAY) == 1
    [message] = mail.outbox
    assert message.to == ["cheffe.projet@bailleur.fr"]
    assert message.subject == "[Pilotage NPRU] Action à échéance le 13/03/2026 : Relancer l'OPC"
    assert "arrive à échéance dans 3 jours, le vendredi 13 mars 2026" in message.body
    assert f"/gouvernance/actions/{action.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://localhost:8000/gouvernance/actions/{action.pk}/"' in html
    # the next runs (the next days, or a retried task the same day) send nothing more
    assert action_reminders_send(today=TODAY) == 0
    assert action_reminders_send(today=days(1)) == 0
    assert len(mail.outbox) == 1
    reminder = ActionReminder.objects.get()
    assert (reminder.kind, reminder.due_on) == (ReminderKind.BEFORE, days(3))


def test_reminder_after_the_due_date_when_still_open(programme, owner):
    ActionFactory(programme=programme, owner_user=owner, due_on=days(-3), status=ActionStatus.IN_PROGRESS)
    assert action_reminders_send(today=TODAY) == 1
    assert "est en retard de 3 jours" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("[Pilotage NPRU] Action en retard (échéance du 07/03/2026)")
    assert action_reminders_send(today=days(1)) == 0


def test_nothing_outside_the_windows(programme, owner):
    ActionFactory(programme=programme, owner_user=owner, due_on=days(4))  # too early
    ActionFactory(programme=programme, owner_user=owner, due_on=days(-1))  # overdue, but only by one day
    ActionFactory(programme=programme, owner_user=owner, due_on=days(-200))  # beyond the catch-up window
    assert action_reminders_send(today=TODAY) == 0


def test_done_dropped_or_ownerless_actions_get_none(programme, owner):
    ActionFactory(programme=programme, owner_user=owner, due_on=days(2), done=True)
    ActionFactory(programme=programme, owner_user=owner, due_on=days(-3), dropped=True)
    ActionFactory(programme=programme, owner_user=None, due_on=days(2))
    ActionFactory(programme=programme, owner_user=UserFactory(is_active=False), due_on=days(2))
    assert action_reminders_send(today=TODAY) == 0
    assert mail.outbox == []


def test_a_moved_due_date_opens_a_new_reminder(programme, owner):
    action = ActionFactory(programme=programme, owner_user=owner, due_on=days(2))
    assert action_reminders_send(today=TODAY) == 1
    services.action_update(action=action, due_on=days(10))
    assert action_reminders_send(today=days(1)) == 0
    assert action_reminders_send(today=days(8)) == 1
    assert list(ActionReminder.objects.order_by("due_on").values_list("due_on", flat=True)) == [
        days(2),
        days(10),
    ]
    # and once overdue, the "after" reminder for the new date
    assert action_reminders_send(today=days(13)) == 1
    assert ActionReminder.objects.filter(kind=ReminderKind.AFTER, due_on=days(10)).exists()


def test_the_database_refuses_a_second_reminder_row(programme, owner):
    action = ActionFactory(programme=programme, owner_user=owner, due_on=days(2))
    ActionReminder.objects.create(action=action, kind=ReminderKind.BEFORE, due_on=action.due_on)
    with pytest.raises(IntegrityError):
        ActionReminder.objects.create(action=action, kind=ReminderKind.BEFORE, due_on=action.due_on)


def test_a_failed_send_leaves_no_row_so_the_retry_sends(programme, owner, monkeypatch):
    ActionFactory(programme=programme, owner_user=owner, due_on=days(2))

    def broken_send(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP indisponible")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    with pytest.raises(ConnectionRefusedError):
        action_reminders_send(today=TODAY)
    assert not ActionReminder.objects.exists()
    monkeypatch.undo()
    assert action_reminders_send(today=TODAY) == 1


def test_a_concurrent_run_that_inserted_first_prevents_the_send(programme, owner, monkeypatch):
    """The row is the lock: if another worker wrote it after our selection, we do not send."""
    from governance import reminders

    action = ActionFactory(programme=programme, owner_user=owner, due_on=days(2))
    selected = reminders.due_reminders(today=TODAY)
    ActionReminder.objects.create(action=action, kind=ReminderKind.BEFORE, due_on=action.due_on)
    monkeypatch.setattr(reminders, "due_reminders", lambda today: selected)
    assert action_reminders_send(today=TODAY) == 0
    assert mail.outbox == []


def test_settings_change_the_windows(programme, owner, settings):
    settings.GOVERNANCE_REMINDER_DAYS_BEFORE = 7
    settings.GOVERNANCE_REMINDER_DAYS_AFTER = 1
    ActionFactory(programme=programme, owner_user=owner, due_on=days(6))
    ActionFactory(programme=programme, owner_user=owner, due_on=days(-1))
    assert action_reminders_send(today=TODAY) == 2


def test_site_url_setting_starts_the_links(programme, owner, settings):
    settings.SITE_URL = "https://npru.exemple.fr/"
    action = ActionFactory(programme=programme, owner_user=owner, due_on=days(1))
    action_reminders_send(today=TODAY)
    assert f"https://npru.exemple.fr/gouvernance/actions/{action.pk}/" in mail.outbox[0].body
    assert "demain" in mail.outbox[0].body


def test_the_celery_task_calls_the_sender(programme, owner, monkeypatch):
    calls = []
    monkeypatch.setattr("governance.reminders.action_reminders_send", lambda: calls.append(1) or 0)
    assert action_reminders_send_task.delay().get() == 0
    assert calls == [1]

"""The weekly digest to handler organisations: planned on Mondays, sent once per week and organisation
through the job runner (core/jobs.py), whatever the retries."""

import datetime

import pytest
import time_machine
from django.core import mail

from accounts.models import OrganisationKind, Role
from config.schedule import BEAT_SCHEDULE
from gusp import services
from gusp.models import DigestStatus, WeeklyDigest
from gusp.models import ReportStatus as R
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.gusp.factories import ReportFactory

MONDAY = datetime.date(2026, 3, 16)


@pytest.fixture
def landlord(programme):
    organisation = OrganisationFactory(name="Logis du Nord", kind=OrganisationKind.BAILLEUR)
    for email in ("gardien@logis.fr", "agence@logis.fr"):
        MembershipFactory(
            programme=programme, role=Role.PARTNER, organisation=organisation, user=UserFactory(email=email)
        )
    return organisation


@pytest.fixture
def reports(programme, sector_a, landlord):
    late = ReportFactory(
        programme=programme, sector=sector_a, handler=landlord, sent=True, due_on=datetime.date(2026, 3, 10)
    )
    ReportFactory(
        programme=programme, sector=sector_a, handler=landlord, sent=True, due_on=datetime.date(2026, 3, 20)
    )
    ReportFactory(programme=programme, sector=sector_a, handler=landlord, resolved=True)
    return late


@time_machine.travel(datetime.datetime(2026, 3, 16, 7, 0, tzinfo=datetime.UTC), tick=False)
def test_the_digest_ignores_new_reports_not_yet_routed(
    programme, sector_a, landlord, reports, django_capture_on_commit_callbacks
):
    """A « Nouveau » report has its theme's default handler but is not routed yet: it is neither open nor
    late in that organisation's digest, and an organisation with only « Nouveau » reports gets none."""
    ReportFactory(
        programme=programme, sector=sector_a, handler=landlord, status=R.NEW, due_on=datetime.date(2026, 3, 1)
    )
    only_new = OrganisationFactory(name="Régie de quartier")
    MembershipFactory(programme=programme, role=Role.PARTNER, organisation=only_new)
    ReportFactory(programme=programme, sector=sector_a, handler=only_new, status=R.NEW)
    with django_capture_on_commit_callbacks(execute=True):
        planned = services.digests_plan(today=MONDAY)
    assert [digest.organisation for digest in planned] == [landlord]
    digest = WeeklyDigest.objects.get(organisation=landlord)
    assert (digest.open_reports, digest.late_reports) == (2, 1)
    [message] = mail.outbox
    assert "2 ouverts, dont 1 en retard" in message.subject


@time_machine.travel(datetime.datetime(2026, 3, 16, 7, 0, tzinfo=datetime.UTC), tick=False)
def test_one_digest_per_organisation_and_week_sent_once(
    programme, landlord, reports, django_capture_on_commit_callbacks
):
    silent = OrganisationFactory(name="Organisation sans compte")
    ReportFactory(programme=programme, handler=silent, sent=True)
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs eagerly in tests
        planned = services.digests_plan(today=MONDAY)
    assert len(planned) == 2
    digest = WeeklyDigest.objects.get(organisation=landlord)
    assert (digest.week, digest.status) == (MONDAY, DigestStatus.SENT)
    assert (digest.open_reports, digest.late_reports, digest.recipients) == (2, 1, 2)
    assert WeeklyDigest.objects.get(organisation=silent).status == DigestStatus.NO_RECIPIENT
    [message] = mail.outbox
    assert sorted(message.to) == ["agence@logis.fr", "gardien@logis.fr"]
    assert "2 ouverts, dont 1 en retard" in message.subject
    assert reports.reference in message.body
    assert "échéance du 10/03/2026" in message.body
    html = message.alternatives[0][0]
    assert reports.reference in html

    # Planned again the same week (a second beat, later that week), or the task delivered twice: nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_plan(today=MONDAY + datetime.timedelta(days=3)) == []
    assert services.digest_send(digest_id=digest.pk, today=MONDAY) is False
    assert len(mail.outbox) == 1
    assert WeeklyDigest.objects.count() == 2

    # The next week: a new digest.
    with (
        time_machine.travel(datetime.datetime(2026, 3, 23, 7, 0, tzinfo=datetime.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.digests_plan()
    assert len(mail.outbox) == 2
    assert WeeklyDigest.objects.filter(organisation=landlord).count() == 2


@time_machine.travel(datetime.datetime(2026, 3, 16, 7, 0, tzinfo=datetime.UTC))
def test_a_digest_left_waiting_is_sent_by_the_sweep_once(programme, landlord, reports, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    services.digests_plan(today=MONDAY)  # on_commit never runs here: as if Redis had been down
    digest = WeeklyDigest.objects.get()
    assert digest.status == DigestStatus.PENDING
    WeeklyDigest.objects.filter(pk=digest.pk).update(
        planned_at=digest.planned_at - datetime.timedelta(minutes=10)
    )
    services.digests_pending_sweep()
    digest.refresh_from_db()
    assert digest.status == DigestStatus.SENT
    assert len(mail.outbox) == 1
    with time_machine.travel(datetime.datetime(2026, 3, 16, 7, 20, tzinfo=datetime.UTC)):
        services.digests_pending_sweep()
    assert len(mail.outbox) == 1


def test_the_week_starts_on_monday():
    assert services.week_of(datetime.date(2026, 3, 22)) == MONDAY
    assert services.week_of(MONDAY) == MONDAY


def test_the_digest_is_planned_every_monday_and_swept():
    assert BEAT_SCHEDULE["gusp-digests-plan"]["task"] == "gusp.tasks.digests_plan_task"
    assert str(BEAT_SCHEDULE["gusp-digests-plan"]["schedule"]._orig_day_of_week) == "1"
    assert BEAT_SCHEDULE["gusp-digests-pending-sweep"]["task"] == WeeklyDigest.job.sweep_task

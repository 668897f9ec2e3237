import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.access import access_events_purge
from core.models import AccessAction, AccessEvent
from relogement import retention
from relogement.models import Household, HouseholdStatus, Rehousing
from tests.relogement.factories import HouseholdFactory, RehousingFactory

TODAY = datetime.date(2026, 11, 21)
H = HouseholdStatus


@pytest.fixture(autouse=True)
def retention_settings(settings):
    settings.RELOGEMENT_RETENTION_MONTHS = 24
    settings.ACCESS_LOG_RETENTION_MONTHS = 12


def closed_household(closed_on: datetime.date, status: str = H.CLOSED, **fields) -> Household:
    household = HouseholdFactory(
        status=status,
        closed_on=closed_on,
        landlord_reference="LDN-0042",
        comments="Souhaite rester près de l'école.",
        wished_communes="Lille, Lomme",
        diagnostic_on=datetime.date(2022, 3, 17),
        last_contact_on=datetime.date(2024, 9, 28),
        **fields,
    )
    RehousingFactory(
        household=household,
        rehoused_on=datetime.date(2023, 5, 12),
        survey_comment="Logement lumineux.",
        satisfaction=4,
    )
    return household


@pytest.fixture
def old():
    return closed_household(datetime.date(2024, 10, 21))  # 25 months before TODAY


def snapshot() -> list[tuple]:
    households = Household.objects.order_by("pk").values_list(
        "landlord_reference",
        "comments",
        "wished_communes",
        "diagnostic_on",
        "last_contact_on",
        "anonymised_at",
    )
    comments = Rehousing.objects.order_by("pk").values_list("survey_comment", flat=True)
    return [*households, *comments]


def test_household_closed_25_months_ago_is_anonymised_and_keeps_its_figures(old):
    reference = old.reference

    assert retention.households_anonymise(today=TODAY) == 1

    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.reference == reference  # still pseudonymous, still the same
    assert old.landlord_reference == f"ANON-{old.pk}"
    assert (old.comments, old.wished_communes) == ("", "")
    assert old.diagnostic_on == datetime.date(2022, 3, 1)
    assert old.last_contact_on == datetime.date(2024, 9, 1)
    assert old.closed_on == datetime.date(2024, 10, 21)
    assert (old.status, old.origin_typology) == (H.CLOSED, "T3")
    assert (old.origin_rent, old.origin_charges, old.origin_aid) == (
        Decimal("400.00"),
        Decimal("100.00"),
        Decimal("200.00"),
    )
    rehousing = old.rehousings.get()
    assert rehousing.survey_comment == ""
    assert (rehousing.satisfaction, rehousing.rent, rehousing.rehoused_on) == (
        4,
        Decimal("450.00"),
        datetime.date(2023, 5, 12),
    )


def test_household_left_long_ago_is_anonymised_too():
    household = closed_household(datetime.date(2023, 1, 10), status=H.LEFT)

    assert retention.households_anonymise(today=TODAY) == 1
    household.refresh_from_db()
    assert household.anonymised_at is not None


def test_household_closed_23_months_ago_is_kept():
    household = closed_household(datetime.date(2024, 12, 21))

    assert retention.households_anonymise(today=TODAY) == 0
    household.refresh_from_db()
    assert household.anonymised_at is None
    assert household.landlord_reference == "LDN-0042"
    assert household.comments


def test_open_household_is_kept_whatever_its_age():
    household = HouseholdFactory(
        status=H.SEARCHING, diagnostic_on=datetime.date(2019, 5, 4), comments="Attend une proposition."
    )

    assert retention.households_anonymise(today=TODAY) == 0
    household.refresh_from_db()
    assert (household.anonymised_at, household.comments) == (None, "Attend une proposition.")


def test_retention_period_is_a_setting(settings, old):
    settings.RELOGEMENT_RETENTION_MONTHS = 36

    assert retention.households_anonymise(today=TODAY) == 0


def test_dry_run_counts_and_writes_nothing(old):
    before = snapshot()

    assert retention.households_anonymise(today=TODAY, dry_run=True) == 1
    assert snapshot() == before


def test_running_twice_changes_nothing(old):
    retention.households_anonymise(today=TODAY)
    access_events_purge(today=TODAY)
    after_first = snapshot()

    assert retention.households_anonymise(today=TODAY) == 0
    assert access_events_purge(today=TODAY) == 0
    assert snapshot() == after_first


def access_event(at: datetime.datetime) -> AccessEvent:
    event = AccessEvent.objects.create(domain="relogement", action=AccessAction.VIEW, model="household")
    AccessEvent.objects.filter(pk=event.pk).update(at=at)
    return event


def test_command_is_a_dry_run_unless_wet_run(old):
    access_event(datetime.datetime(2024, 2, 1, 9, 0, tzinfo=timezone.get_current_timezone()))
    before = snapshot()

    out = StringIO()
    call_command("relogement_retention", today=TODAY, stdout=out)
    assert "1 ménage(s) seraient anonymisé(s)" in out.getvalue()
    assert "1 accès au journal seraient supprimé(s)" in out.getvalue()
    assert "Essai à blanc" in out.getvalue()
    assert snapshot() == before
    assert AccessEvent.objects.count() == 1

    out = StringIO()
    call_command("relogement_retention", "--wet-run", today=TODAY, stdout=out)
    assert "1 ménage(s) ont été anonymisé(s)" in out.getvalue()
    assert AccessEvent.objects.count() == 0
    old.refresh_from_db()
    assert old.anonymised_at is not None


def test_tasks_call_the_services(old):
    from core.tasks import access_events_purge_task
    from relogement.tasks import households_anonymise_task

    assert households_anonymise_task.apply().get() >= 1
    assert access_events_purge_task.apply().get() == 0

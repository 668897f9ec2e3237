"""Markets, participants and contracts: the charte's target rule, validation, the facilitator's keys,
the personal-data domain, its rules and its retention."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from config.schedule import BEAT_SCHEDULE
from core import personal_data
from insertion import retention, services
from insertion.models import (
    Market,
    MarketKind,
    Participant,
    Situation,
    WorkContract,
    WorkContractEvent,
)
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.insertion.factories import MarketFactory, ParticipantFactory, WorkContractFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)


# --- The charte's target -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rate", "target"),
    [
        (MarketKind.WORKS, Decimal("0.05"), Decimal("600.0")),
        (MarketKind.ENGINEERING, Decimal("0.05"), Decimal("600.0")),
        (MarketKind.URBAN_MANAGEMENT, Decimal("0.10"), Decimal("1200.0")),
    ],
)
def test_a_new_market_takes_the_charte_rate_of_its_kind(kind, rate, target):
    programme = ProgrammeFactory()
    market = services.market_create(
        programme=programme,
        number=" M-2023-014 ",
        moa=OrganisationFactory(),
        title="Marché",
        kind=kind,
        labour_hours=Decimal("12000"),
    )
    market.refresh_from_db()
    assert market.number == "M-2023-014"
    assert market.target_rate == rate
    assert market.target_hours == target


def test_the_rate_and_the_target_hours_are_editable():
    market = MarketFactory(labour_hours=Decimal("8000"), target_rate=Decimal("0.07"))
    assert market.target_hours == Decimal("560.0")
    services.market_update(market=market, target_hours_override=Decimal("500"))
    assert Market.objects.with_target_hours().get(pk=market.pk).target == Decimal("500")
    services.market_update(market=market, target_hours_override=None)
    assert Market.objects.with_target_hours().get(pk=market.pk).target == Decimal("560.0")


def test_a_change_of_kind_brings_its_charte_rate_unless_the_rate_was_set_on_purpose():
    market = MarketFactory(kind=MarketKind.WORKS, target_rate=Decimal("0.05"))
    services.market_update(market=market, kind=MarketKind.URBAN_MANAGEMENT)
    assert market.target_rate == Decimal("0.10")
    other = MarketFactory(kind=MarketKind.WORKS, target_rate=Decimal("0.07"))
    services.market_update(market=other, kind=MarketKind.URBAN_MANAGEMENT)
    assert other.target_rate == Decimal("0.07")


def test_a_market_without_labour_hours_has_no_target():
    market = MarketFactory(labour_hours=None)
    assert market.target_hours is None
    assert Market.objects.with_target_hours().get(pk=market.pk).target is None


def test_a_market_operation_must_belong_to_its_programme():
    market = MarketFactory.build(
        programme=ProgrammeFactory(), operation=OperationFactory(), moa=OrganisationFactory()
    )
    with pytest.raises(ValidationError) as error:
        market.full_clean()
    assert "operation" in error.value.message_dict


def test_a_market_may_wait_for_its_operation():
    programme = ProgrammeFactory()
    market = services.market_create(
        programme=programme, number="M-2024-001", moa=OrganisationFactory(), title="Marché", kind="travaux"
    )
    assert market.operation is None


# --- The facilitator's keys: a re-import updates, never duplicates ----------------------------------------


def test_upserts_key_markets_participants_and_contracts_by_the_facilitators_ids():
    programme = ProgrammeFactory()
    moa, employer = OrganisationFactory(), OrganisationFactory()

    def run(hours: str) -> tuple[bool, bool, bool]:
        market, market_created = services.market_upsert(
            programme=programme, number="M-2023-014", moa=moa, title="Démolition", kind="travaux"
        )
        participant, participant_created = services.participant_upsert(
            programme=programme,
            facilitator_reference="PLIE-0042",
            sex="femme",
            age_band="lt26",
            publics=["rsa"],
        )
        _, contract_created = services.contract_upsert(
            programme=programme,
            reference="CT-1001",
            participant=participant,
            market=market,
            employer=employer,
            contract_type="cdd",
            modality="embauche_directe",
            starts_on=datetime.date(2024, 1, 8),
            hours_worked=Decimal(hours),
        )
        return market_created, participant_created, contract_created

    assert run("350") == (True, True, True)
    assert run("350") == (False, False, False)
    assert run("420") == (False, False, False)
    assert (Market.objects.count(), Participant.objects.count(), WorkContract.objects.count()) == (1, 1, 1)
    assert WorkContract.objects.get().hours_worked == Decimal("420")
    # the contract's history: created, then one change of hours (the same values wrote nothing)
    assert WorkContractEvent.objects.filter(pgh_obj__reference="CT-1001").count() == 2


def test_a_participant_keeps_a_pseudonymous_reference_and_no_name():
    participant = services.participant_create(
        programme=ProgrammeFactory(), facilitator_reference="PLIE-7", sex="homme", age_band="gte50"
    )
    assert participant.reference.startswith("P-")
    names = {field.name for field in Participant._meta.get_fields()}
    assert not names & {"name", "first_name", "last_name", "birth_date", "age"}


def test_bad_values_are_refused_by_field():
    contract = WorkContractFactory.build(
        programme=ProgrammeFactory(), job_code="X17", ends_on=None, situation_6_months=Situation.DURABLE_JOB
    )
    contract.market = MarketFactory(programme=contract.programme)
    contract.participant = ParticipantFactory(programme=contract.programme)
    contract.employer = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert {"job_code", "situation_6_months"} <= set(error.value.message_dict)
    participant = ParticipantFactory.build(programme=ProgrammeFactory(), publics=["rsa", "inconnu"])
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert "publics" in error.value.message_dict


# --- Personal data: registry, rules, retention -----------------------------------------------------------


def test_insertion_registers_its_personal_data_domain():
    domain = personal_data.get_domain("insertion")
    assert domain.records == "participants"
    assert ("insertion", "Insertion") in personal_data.domain_choices()


def test_every_field_of_a_participant_and_a_contract_is_in_the_register():
    record = personal_data.get_domain("insertion").processing
    listed = {item for _, items in record.data_categories for item in items}
    links = {"id", "programme", "participant"}
    for model in (Participant, WorkContract):
        for field in model._meta.concrete_fields:
            if field.name not in links:
                assert str(field.verbose_name) in listed, f"{model.__name__}.{field.name} absent du registre"


def test_participants_need_the_grant_figures_need_a_membership():
    contract = WorkContractFactory()
    programme, participant = contract.programme, contract.participant
    granted = MembershipFactory(programme=programme, role="mission", personal_data_domains=["insertion"]).user
    member = MembershipFactory(programme=programme, role="mission").user
    outsider = MembershipFactory(role="mission", personal_data_domains=["insertion"]).user
    superuser = UserFactory(is_superuser=True)
    assert list(Participant.objects.visible_to(granted)) == [participant]
    assert list(WorkContract.objects.visible_to(granted)) == [contract]
    for user in (member, outsider, superuser):
        assert not Participant.objects.visible_to(user).exists()
        assert not WorkContract.objects.visible_to(user).exists()
    assert granted.has_perm("insertion.view_participant", participant)
    assert not member.has_perm("insertion.view_participant", participant)
    assert member.has_perm("insertion.view_figures", programme)
    assert not outsider.has_perm("insertion.view_figures", programme)
    assert list(WorkContract.objects.aggregable_by(member)) == [contract]
    assert not WorkContract.objects.aggregable_by(outsider).exists()


@pytest.fixture
def retention_settings(settings):
    settings.INSERTION_RETENTION_MONTHS = 24


def test_participants_whose_last_contract_ended_over_24_months_ago_are_anonymised(retention_settings):
    old = WorkContractFactory(ends_on=datetime.date(2024, 10, 20)).participant  # 25 months before TODAY
    WorkContractFactory(
        programme=old.programme,
        participant=old,
        ends_on=datetime.date(2023, 1, 1),
        starts_on=datetime.date(2022, 6, 1),
    )
    recent = WorkContractFactory(ends_on=datetime.date(2024, 11, 22)).participant
    ongoing = WorkContractFactory(
        ends_on=datetime.date(2022, 1, 31), starts_on=datetime.date(2021, 9, 1)
    ).participant
    WorkContractFactory(programme=ongoing.programme, participant=ongoing, ends_on=None)
    hours_before = sorted(WorkContract.objects.values_list("hours_worked", flat=True))

    assert retention.participants_anonymise(today=TODAY, dry_run=True) == 1
    assert retention.participants_anonymise(today=TODAY) == 1
    old.refresh_from_db()
    assert old.facilitator_reference == f"ANON-{old.pk}"
    assert (old.commune, old.qpv) == ("", "")
    assert old.anonymised_at is not None
    # the figures stay
    assert old.qpv_resident
    assert (old.publics, old.sex) == (["rsa"], "homme")
    assert sorted(WorkContract.objects.values_list("hours_worked", flat=True)) == hours_before
    for participant in (recent, ongoing):
        participant.refresh_from_db()
        assert participant.anonymised_at is None
    assert retention.participants_anonymise(today=TODAY) == 0
    with pytest.raises(ValidationError):
        services.participant_update(participant=old, commune="Lille")


def test_the_retention_command_is_a_dry_run_by_default(retention_settings):
    participant = WorkContractFactory(
        ends_on=datetime.date(2020, 1, 31), starts_on=datetime.date(2019, 9, 1)
    ).participant
    out = StringIO()
    call_command("insertion_retention", "--today", TODAY.isoformat(), stdout=out)
    assert "1 participant(s) seraient anonymisé(s)" in out.getvalue()
    participant.refresh_from_db()
    assert participant.anonymised_at is None
    call_command("insertion_retention", "--today", TODAY.isoformat(), "--wet-run", stdout=StringIO())
    participant.refresh_from_db()
    assert participant.anonymised_at is not None
    assert participant.anonymised_at <= timezone.now()


def test_the_retention_runs_every_night():
    entry = BEAT_SCHEDULE["insertion-participants-anonymise"]
    assert entry["task"] == "insertion.tasks.participants_anonymise_task"

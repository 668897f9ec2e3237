import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import OrganisationKind
from insertion.models import (
    AgeBand,
    ContractType,
    Market,
    MarketKind,
    Modality,
    Participant,
    Sex,
    WorkContract,
)
from tests.accounts.factories import OrganisationFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory


class MarketFactory(DjangoModelFactory):
    class Meta:
        model = Market

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: f"M-2024-{n:03d}")
    operation = factory.SubFactory(OperationFactory, programme=factory.SelfAttribute("..programme"))
    moa = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BAILLEUR)
    title = "Démolition de la barre Verlaine"
    kind = MarketKind.WORKS
    anru_funded = True
    labour_hours = Decimal("10000")
    target_rate = Decimal("0.05")
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2025, 12, 31)


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"P-{n:08X}")
    facilitator_reference = factory.Sequence(lambda n: f"PLIE-{n:05d}")
    sex = Sex.MAN
    age_band = AgeBand.FROM_26
    commune = "Roubaix"
    qpv_resident = True
    qpv = "Alma-Gare"
    publics = factory.LazyFunction(lambda: ["rsa"])


class WorkContractFactory(DjangoModelFactory):
    class Meta:
        model = WorkContract

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"C-{n:06d}")
    market = factory.SubFactory(MarketFactory, programme=factory.SelfAttribute("..programme"))
    participant = factory.SubFactory(ParticipantFactory, programme=factory.SelfAttribute("..programme"))
    employer = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.ENTREPRISE)
    contract_type = ContractType.CDD
    modality = Modality.DIRECT
    job_code = "F1703"
    starts_on = datetime.date(2024, 3, 1)
    ends_on = datetime.date(2024, 8, 31)
    hours_worked = Decimal("700")
    training_hours = Decimal("0")

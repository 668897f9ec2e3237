import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import OrganisationKind
from projects.models import (
    Amendment,
    AmendmentKind,
    Convention,
    ConventionKind,
    Family,
    FundingKind,
    FundingLine,
    Milestone,
    Operation,
    OperationStatus,
    Programme,
    Sector,
)
from tests.accounts.factories import OrganisationFactory


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"NPRU test {n}")
    slug = factory.Sequence(lambda n: f"npru-test-{n}")


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")
    qpv_code_2015 = factory.Sequence(lambda n: f"QP059{n % 1000:03d}")
    interest = "prin"


class OperationFactory(DjangoModelFactory):
    class Meta:
        model = Operation

    programme = factory.SubFactory(ProgrammeFactory)
    sector = factory.SubFactory(SectorFactory, programme=factory.SelfAttribute("..programme"))
    identifier = factory.Sequence(lambda n: f"OP-{n:04d}")
    label = factory.Sequence(lambda n: f"Opération {n}")
    family = Family.DEMOLITION
    moa = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BAILLEUR)
    status = OperationStatus.PROGRAMMEE
    planned_start = "2025-S1"
    planned_end = "2027-S2"
    cost_excl_tax = Decimal("1000000")
    eligible_base = Decimal("900000")

    class Params:
        at_risk_delivery = factory.Trait(at_risk=True, at_risk_reason="Retard du permis de démolir")
        committed = factory.Trait(status=OperationStatus.ENGAGEE)
        works = factory.Trait(status=OperationStatus.TRAVAUX, progress=40)


class FundingLineFactory(DjangoModelFactory):
    class Meta:
        model = FundingLine

    operation = factory.SubFactory(OperationFactory)
    funder = factory.SubFactory(OrganisationFactory, name="ANRU", kind=OrganisationKind.ANRU)
    kind = FundingKind.SUBVENTION
    planned = Decimal("300000")
    committed = Decimal("200000")
    paid = Decimal("100000")


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    operation = factory.SubFactory(OperationFactory)
    label = "Ordre de service travaux"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = Convention

    programme = factory.SubFactory(ProgrammeFactory)
    kind = ConventionKind.CONVENTION
    title = factory.Sequence(lambda n: f"Convention pluriannuelle n° {n}")
    reference = factory.Sequence(lambda n: f"C-{n:03d}")
    signed_on = datetime.date(2020, 3, 12)


class AmendmentFactory(DjangoModelFactory):
    class Meta:
        model = Amendment

    convention = factory.SubFactory(ConventionFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = AmendmentKind.LOCAL
    subject = "Ajustement du calendrier"
    signed_on = datetime.date(2023, 6, 1)

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import OrganisationKind
from relogement.models import (
    Household,
    HouseholdStatus,
    Offer,
    OfferAnswer,
    Rehousing,
    RehousingKind,
    RelogementPlan,
    Typology,
)
from tests.accounts.factories import OrganisationFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory


class RelogementPlanFactory(DjangoModelFactory):
    class Meta:
        model = RelogementPlan

    operation = factory.SubFactory(OperationFactory)
    households_planned = 10


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    programme = factory.SubFactory(ProgrammeFactory)
    origin_operation = factory.SubFactory(OperationFactory, programme=factory.SelfAttribute("..programme"))
    origin_landlord = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BAILLEUR)
    reference = factory.Sequence(lambda n: f"M-{n:08X}")
    landlord_reference = factory.Sequence(lambda n: f"B{n:06d}")
    origin_typology = Typology.T3
    origin_rent = Decimal("400.00")
    origin_charges = Decimal("100.00")
    origin_aid = Decimal("200.00")
    diagnostic_on = datetime.date(2025, 1, 1)
    status = HouseholdStatus.SEARCHING


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    household = factory.SubFactory(HouseholdFactory)
    offered_on = datetime.date(2025, 3, 1)
    landlord = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BAILLEUR)
    commune = "Lille"
    in_qpv = False
    new_or_recent = False
    typology = Typology.T3
    rent = Decimal("450.00")
    answer = OfferAnswer.PENDING


class RehousingFactory(DjangoModelFactory):
    class Meta:
        model = Rehousing

    household = factory.SubFactory(HouseholdFactory, status=HouseholdStatus.REHOUSED)
    rehoused_on = datetime.date(2025, 7, 1)
    kind = RehousingKind.DEFINITIVE
    landlord = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BAILLEUR)
    commune = "Lille"
    in_qpv = False
    new_or_recent = False
    same_site = False
    typology = Typology.T3
    rent = Decimal("450.00")
    charges = Decimal("100.00")
    aid = Decimal("200.00")

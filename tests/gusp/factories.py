import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import OrganisationKind
from gusp.models import (
    ActionStatus,
    AnswerTemplate,
    GuspAction,
    GuspConvention,
    Report,
    ReportSource,
    ReportStatus,
    Theme,
    Volet,
    WalkAudit,
)
from tests.accounts.factories import OrganisationFactory
from tests.projects.factories import ProgrammeFactory, SectorFactory

REPORTED_AT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("programme", "slug")

    programme = factory.SubFactory(ProgrammeFactory)
    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Thème {n}")
    default_handler = factory.SubFactory(OrganisationFactory, ville=True)
    target_days = 7


class WalkAuditFactory(DjangoModelFactory):
    class Meta:
        model = WalkAudit

    programme = factory.SubFactory(ProgrammeFactory)
    sector = factory.SubFactory(SectorFactory, programme=factory.SelfAttribute("..programme"))
    held_on = datetime.date(2026, 4, 14)
    route = "Place Déliot, rue de Marquillies, square des Moulins"
    residents = 12
    citizen_council = 3
    professionals = 5


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"GUSP-2026-{n:05d}")
    sector = factory.SubFactory(SectorFactory, programme=factory.SelfAttribute("..programme"))
    theme = factory.SubFactory(ThemeFactory, programme=factory.SelfAttribute("..programme"))
    description = "Dépôt d'encombrants au pied de l'immeuble"
    address = "12 rue de Marquillies, Lille"
    latitude = Decimal("50.616695")
    longitude = Decimal("3.070735")
    source = ReportSource.RESIDENT
    handler = factory.SelfAttribute("theme.default_handler")
    reported_at = REPORTED_AT
    due_on = factory.LazyAttribute(
        lambda report: (
            timezone.localdate(report.reported_at) + datetime.timedelta(days=report.theme.target_days)
        )
    )
    status = ReportStatus.NEW

    class Params:
        sent = factory.Trait(status=ReportStatus.SENT, acknowledged_at=REPORTED_AT)
        resolved = factory.Trait(
            status=ReportStatus.RESOLVED,
            acknowledged_at=REPORTED_AT,
            closed_at=REPORTED_AT + datetime.timedelta(days=3),
        )


class GuspConventionFactory(DjangoModelFactory):
    class Meta:
        model = GuspConvention
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = "Convention de gestion urbaine et sociale de proximité 2024-2027"
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2027, 12, 31)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class GuspActionFactory(DjangoModelFactory):
    class Meta:
        model = GuspAction

    programme = factory.SubFactory(ProgrammeFactory)
    sector = factory.SubFactory(SectorFactory, programme=factory.SelfAttribute("..programme"))
    title = "Renforcer le nettoyage des abords du chantier"
    volet = Volet.WORKS
    owner = factory.SubFactory(OrganisationFactory, ville=True)
    due_on = datetime.date(2026, 6, 30)
    status = ActionStatus.TODO

    class Params:
        tfpb = factory.Trait(
            owner=factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BAILLEUR),
            volet=Volet.CORRECTIVE,
            tfpb_axis="3",
            tfpb_year=2026,
            tfpb_amount=Decimal("45000.00"),
        )


class AnswerTemplateFactory(DjangoModelFactory):
    class Meta:
        model = AnswerTemplate

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Réponse type {n}")
    text = "Merci pour votre signalement : il a été transmis à l'organisation compétente."

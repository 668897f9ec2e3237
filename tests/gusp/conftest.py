"""`world`: a small GUSP programme for the page tests — themes handled by the city and a landlord, reports
in every state of their life, canned answers, and one user per kind of reader or writer; `as_user(user)`:
the test client logged in as that user."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from accounts.models import Domain, Organisation, OrganisationKind, Role
from gusp.models import Report, ReportSource, ReportStatus, Theme
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.gusp.factories import AnswerTemplateFactory, ReportFactory, ThemeFactory

R = ReportStatus


@dataclass
class Gusp:
    programme: object
    sector_a: object
    sector_b: object
    city: Organisation
    landlord: Organisation
    cleanliness: Theme
    housing: Theme
    users: dict = field(default_factory=dict)
    reports: dict = field(default_factory=dict)


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def report(world: Gusp, key: str, **fields) -> Report:
    fields.setdefault("programme", world.programme)
    fields.setdefault("sector", world.sector_a)
    fields.setdefault("theme", world.cleanliness)
    fields.setdefault("handler", fields["theme"].default_handler)
    reported_at = fields.setdefault("reported_at", days_ago(2))
    fields.setdefault(
        "due_on", timezone.localdate(reported_at) + datetime.timedelta(days=fields["theme"].target_days)
    )
    status = fields.get("status", R.NEW)
    if status != R.NEW:
        fields.setdefault("acknowledged_at", reported_at + datetime.timedelta(hours=6))
    if status in (R.RESOLVED, R.CLOSED_UNRESOLVED, R.NOT_OURS, R.DUPLICATE):
        fields.setdefault("closed_at", reported_at + datetime.timedelta(days=1))
    world.reports[key] = ReportFactory(**fields)
    return world.reports[key]


@pytest.fixture
def world(programme, sector_a, sector_b):
    city = OrganisationFactory(name="Ville de Lille", kind=OrganisationKind.VILLE)
    landlord = OrganisationFactory(name="Logis du Nord", kind=OrganisationKind.BAILLEUR)
    programme.organisations.add(city, landlord)
    world = Gusp(
        programme=programme,
        sector_a=sector_a,
        sector_b=sector_b,
        city=city,
        landlord=landlord,
        cleanliness=ThemeFactory(
            programme=programme, slug="proprete", name="Propreté", default_handler=city, target_days=3
        ),
        housing=ThemeFactory(
            programme=programme,
            slug="gestion-locative",
            name="Gestion locative",
            default_handler=landlord,
            target_days=15,
            order=2,
        ),
    )
    world.users = {
        "mission": MembershipFactory(programme=programme, role=Role.MISSION).user,
        "direction": MembershipFactory(programme=programme, role=Role.DIRECTION).user,
        "gusp_referent": MembershipFactory(
            programme=programme, role=Role.REFERENT, referent_domain=Domain.GUSP
        ).user,
        "mission_b": MembershipFactory(programme=programme, role=Role.MISSION, sectors=[sector_b]).user,
        "handler": MembershipFactory(programme=programme, role=Role.PARTNER, organisation=landlord).user,
        "partner": MembershipFactory(
            programme=programme, role=Role.PARTNER, organisation=OrganisationFactory(kind="etat")
        ).user,
    }
    report(world, "new_old", reported_at=days_ago(6), description="Dépôt sauvage rue d'Arras")
    report(world, "new_recent", reported_at=days_ago(1), sector=sector_b, description="Sacs éventrés")
    report(
        world,
        "new_housing",
        theme=world.housing,
        reported_at=days_ago(3),
        description="Porte du hall cassée",
        source=ReportSource.CITIZEN_COUNCIL,
    )
    report(world, "sent_city", status=R.SENT, reported_at=days_ago(10), description="Corbeille débordante")
    report(
        world,
        "in_progress_landlord",
        theme=world.housing,
        status=R.IN_PROGRESS,
        reported_at=days_ago(20),
        description="Éclairage des parties communes en panne",
        address="12 rue de Marquillies, Lille",
    )
    report(
        world,
        "resolved_city",
        status=R.RESOLVED,
        reported_at=days_ago(40),
        sector=sector_b,
        description="Tags sur l'abribus",
        answer="Nettoyé.",
        latitude=None,
        longitude=None,
    )
    report(
        world,
        "not_ours",
        status=R.NOT_OURS,
        reported_at=days_ago(30),
        competent_body="SNCF Réseau",
        description="Talus de la voie ferrée",
    )
    AnswerTemplateFactory(
        programme=programme, title="Transmis", text="Votre signalement a été transmis.", order=1
    )
    AnswerTemplateFactory(programme=programme, title="Réglé", text="Le problème est réglé, merci.", order=2)
    return world


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login

"""A walk's page with what came out of it — proposals and follow-up actions (one late) — and the dashboard's
walk block, in Chromium, checked with axe; screenshots are kept in var/screenshots/ (`check_page`). From the
walk's page, « Ajouter une action de suivi » opens the action form with the walk filled in."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Domain, OrganisationKind, Role
from gusp.models import ActionStatus
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.e2e.test_insertion_journey import _login
from tests.gusp.factories import GuspActionFactory, WalkAuditFactory
from tests.projects.factories import ProgrammeFactory, SectorFactory

pytestmark = pytest.mark.e2e

REFERENT = "referent-gusp@exemple.fr"


@pytest.fixture
def outputs_world(transactional_db, live_server):
    programme = ProgrammeFactory(name="NPRU Test", slug="npru-test")
    sector = SectorFactory(programme=programme, name="Moulins")
    city = OrganisationFactory(ville=True, name="Ville de Lille")
    landlord = OrganisationFactory(name="Habitat Métropole", kind=OrganisationKind.BAILLEUR)
    programme.organisations.add(city, landlord)
    held = timezone.localdate() - datetime.timedelta(days=40)
    walk = WalkAuditFactory(
        programme=programme,
        sector=sector,
        held_on=held,
        route="Place Déliot, rue d'Arras",
        summary="Pieds d'immeubles sales, éclairage faible sur le mail.",
        proposals="Des bancs sur le mail.\nUne permanence du bailleur le samedi.",
    )
    GuspActionFactory(
        programme=programme,
        sector=sector,
        walk_audit=walk,
        title="Nettoyage renforcé des pieds d'immeubles",
        owner=city,
        status=ActionStatus.DONE,
        done_on=held + datetime.timedelta(days=20),
        due_on=held + datetime.timedelta(days=30),
    )
    GuspActionFactory(
        programme=programme,
        sector=sector,
        walk_audit=walk,
        title="Reprise de l'éclairage du mail",
        owner=city,
        due_on=held + datetime.timedelta(days=30),
    )
    MembershipFactory(
        programme=programme,
        role=Role.REFERENT,
        referent_domain=Domain.GUSP,
        user__email=REFERENT,
        organisation=city,
    )
    return live_server, walk


def test_the_walk_page_shows_proposals_and_follow_ups(outputs_world, page, check_page, console_errors):
    server, walk = outputs_world
    _login(page, server, REFERENT)
    page.goto(f"{server.url}/gusp/diagnostics/{walk.pk}/")
    assert page.get_by_text("Une permanence du bailleur le samedi.").is_visible()
    table = page.locator("#suivi")
    assert table.get_by_text("Reprise de l'éclairage du mail").is_visible()
    assert table.get_by_text("en retard").is_visible()
    assert table.get_by_text("Réalisée").is_visible()
    check_page(page, "gusp-walk-outputs")
    page.get_by_role("link", name="Ajouter une action de suivi").click()
    page.wait_for_url("**/gusp/actions/nouvelle/**")
    assert page.locator("#id_walk_audit").input_value() == str(walk.pk)
    check_page(page, "gusp-action-follow-up-form")
    page.goto(f"{server.url}/gusp/")
    assert page.locator("#diagnostics").get_by_text("Actions de suivi (dont réalisées)").is_visible()
    check_page(page, "gusp-dashboard-walk-follow-ups")
    assert console_errors == []

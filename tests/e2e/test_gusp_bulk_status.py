"""Browser journey of the change of status in bulk from the report list: the mission team ticks two
« En cours » reports, picks « Résolu » and applies it (each checked with axe and screenshotted, at 1366 and
390 px with no sideways scroll); a disallowed move is refused naming the report, nothing written; the
handler organisation's partner sees its reports without any box."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from gusp.models import ReportStatus
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.e2e.test_gusp_dashboard import WIDEST
from tests.e2e.test_insertion_journey import LAPTOP, PHONE, _login
from tests.gusp.factories import ReportFactory, ThemeFactory
from tests.projects.factories import ProgrammeFactory, SectorFactory

pytestmark = pytest.mark.e2e

MISSION = "mission-lot@exemple.fr"
PARTNER = "bailleur-lot@exemple.fr"


@pytest.fixture
def bulk_world(transactional_db, live_server):
    """Three « En cours » reports of a landlord, one « Résolu », one « Nouveau » (not yet routed)."""
    programme = ProgrammeFactory(name="NPRU Test", slug="npru-test")
    moulins = SectorFactory(programme=programme, name="Moulins")
    landlord = OrganisationFactory(kind=OrganisationKind.BAILLEUR, name="Logis du Nord")
    programme.organisations.add(landlord)
    theme = ThemeFactory(programme=programme, slug="proprete", name="Propreté", default_handler=landlord)
    now = timezone.now()
    reports = {}
    for index, status in enumerate(
        [ReportStatus.IN_PROGRESS] * 3 + [ReportStatus.RESOLVED, ReportStatus.NEW]
    ):
        reports[index] = ReportFactory(
            programme=programme,
            sector=moulins,
            theme=theme,
            handler=landlord,
            status=status,
            reported_at=now - datetime.timedelta(days=index + 1),
            acknowledged_at=None if status == ReportStatus.NEW else now - datetime.timedelta(hours=index + 1),
            closed_at=now if status == ReportStatus.RESOLVED else None,
            description=f"Dépôt sauvage n° {index + 1} au pied de l'immeuble",
            address=f"{index + 1} rue de Marquillies, Lille",
        )
    MembershipFactory(programme=programme, role=Role.MISSION, user__email=MISSION)
    MembershipFactory(programme=programme, role=Role.PARTNER, user__email=PARTNER, organisation=landlord)
    return live_server, reports


def _fits(page, check_page, name: str) -> None:
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (width, page.evaluate(WIDEST))
    check_page(page, name)
    page.set_viewport_size(LAPTOP)
    page.reload()
    page.wait_for_load_state()


def test_mission_closes_two_reports_in_bulk(bulk_world, page, check_page, console_errors):
    server, reports = bulk_world
    _login(page, server, MISSION)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{server.url}/gusp/signalements/")
    form = page.get_by_role("form", name="Changer le statut des signalements cochés (tous ou aucun)")
    assert page.locator('input[name="lot-reports"]').count() == 5
    check_page(page, "97-gusp-signalements-lot")
    _fits(page, check_page, "97-gusp-signalements-lot-390")

    # A disallowed move (Résolu → Clos non résolu is not in the lifecycle): refused, the report named.
    page.get_by_label(f"Choisir {reports[0].reference}").check()
    page.get_by_label(f"Choisir {reports[3].reference}").check()
    form.get_by_label("Nouveau statut").select_option(label="Clos non résolu")
    form.get_by_role("button", name="Appliquer aux signalements cochés").click()
    page.get_by_text("Aucun signalement n'a été modifié :").wait_for()
    assert f"{reports[3].reference} : passage de « Résolu » à « Clos non résolu » impossible" in (
        page.locator("main").inner_text()
    )
    check_page(page, "97-gusp-signalements-lot-refus")
    for report in (reports[0], reports[3]):
        report.refresh_from_db()
    assert (reports[0].status, reports[3].status) == (ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED)

    page.get_by_label(f"Choisir {reports[3].reference}").uncheck()
    page.get_by_label(f"Choisir {reports[1].reference}").check()
    form.get_by_label("Nouveau statut").select_option(label="Résolu")
    form.get_by_role("button", name="Appliquer aux signalements cochés").click()
    page.get_by_text("2 signalements passés au statut « Résolu ».").wait_for()
    for report in (reports[0], reports[1], reports[2]):
        report.refresh_from_db()
    assert [r.status for r in (reports[0], reports[1], reports[2])] == [
        ReportStatus.RESOLVED,
        ReportStatus.RESOLVED,
        ReportStatus.IN_PROGRESS,
    ]
    check_page(page, "97-gusp-signalements-lot-fait")
    assert not console_errors


def test_the_partner_sees_its_routed_reports_without_boxes(bulk_world, page, check_page):
    server, reports = bulk_world
    _login(page, server, PARTNER)
    page.goto(f"{server.url}/gusp/signalements/")
    page.locator("#signalements-nombre").wait_for()
    assert page.locator("#signalements-nombre").inner_text() == "4 signalements"  # not the « Nouveau » one
    assert page.locator('input[name="lot-reports"]').count() == 0
    assert page.get_by_role("button", name="Appliquer aux signalements cochés").count() == 0
    check_page(page, "98-gusp-signalements-partenaire")

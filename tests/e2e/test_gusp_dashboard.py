"""Browser journey of the GUSP dashboard, each page checked with axe and screenshotted: the mission team
opens « GUSP » from the menu (the dashboard, first tab), narrows it to a quartier and follows a recurring
hotspot to the filtered map; a partner limited to one quartier reads its masked figures; both pages stand in
390 px (no sideways scroll)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from gusp.models import ReportStatus
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.e2e.test_insertion_journey import LAPTOP, PHONE, _login
from tests.gusp.factories import ReportFactory, ThemeFactory, WalkAuditFactory
from tests.projects.factories import ProgrammeFactory, SectorFactory

pytestmark = pytest.mark.e2e

MISSION = "mission-gusp@exemple.fr"
PARTNER = "partenaire-gusp@exemple.fr"


@pytest.fixture
def gusp_world(transactional_db, live_server):
    """Two quartiers; in Moulins six cleanliness reports at one place (a hotspot), in Concorde two lighting
    reports and a walk audit whose six lighting observations are resolved (its table's long row labels
    once widened the page at 390 px). Listed before `page` so the browser closes before the flush."""
    programme = ProgrammeFactory(name="NPRU Test", slug="npru-test")
    moulins = SectorFactory(programme=programme, name="Moulins")
    concorde = SectorFactory(programme=programme, name="Concorde")
    city = OrganisationFactory(kind=OrganisationKind.VILLE, name="Ville de Lille")
    programme.organisations.add(city)
    cleanliness = ThemeFactory(programme=programme, slug="proprete", name="Propreté", default_handler=city)
    lighting = ThemeFactory(programme=programme, slug="eclairage", name="Éclairage", default_handler=city)
    now = timezone.now()
    for index in range(6):
        ReportFactory(
            programme=programme,
            sector=moulins,
            theme=cleanliness,
            reported_at=now - datetime.timedelta(days=2 + index),
            status=ReportStatus.NEW if index % 2 else ReportStatus.SENT,
            acknowledged_at=None if index % 2 else now - datetime.timedelta(days=1 + index),
        )
    for index in range(2):
        ReportFactory(
            programme=programme,
            sector=concorde,
            theme=lighting,
            reported_at=now - datetime.timedelta(days=3 + index),
            latitude=None,
            longitude=None,
            address=f"{index + 1} place de la Concorde",
        )
    walk = WalkAuditFactory(
        programme=programme, sector=concorde, held_on=timezone.localdate() - datetime.timedelta(days=10)
    )
    for index in range(6):
        ReportFactory(
            programme=programme,
            sector=concorde,
            theme=lighting,
            walk_audit=walk,
            reported_at=now - datetime.timedelta(days=10),
            status=ReportStatus.RESOLVED,
            acknowledged_at=now - datetime.timedelta(days=9),
            closed_at=now - datetime.timedelta(days=8),
            latitude=None,
            longitude=None,
            address=f"{index + 1} rue Pierre-Legrand",
        )
    MembershipFactory(programme=programme, role=Role.MISSION, user__email=MISSION, organisation=city)
    MembershipFactory(
        programme=programme,
        role=Role.PARTNER,
        user__email=PARTNER,
        organisation=OrganisationFactory(kind=OrganisationKind.ETAT, name="DDT du Nord"),
        sectors=[concorde],
    )
    return live_server, moulins, cleanliness


WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("main *")]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .filter((element) => !element.parentElement.closest(".table-responsive, .overflow-auto"))
    .map((element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}`);
}"""


def _fits_a_phone(page, check_page, name: str) -> None:
    """At 390 px the page does not scroll sideways (a wide table scrolls in its own box): on failure, the
    elements that stick out."""
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state()
    assert page.locator("#diagnostics").count() == 1  # the walk audits' table is on the page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (width, page.evaluate(WIDEST))
    check_page(page, name)
    page.set_viewport_size(LAPTOP)
    page.reload()
    page.wait_for_load_state()


def test_mission_reads_the_dashboard_and_follows_a_hotspot(gusp_world, page, check_page, console_errors):
    server, moulins, cleanliness = gusp_world
    _login(page, server, MISSION)
    page.get_by_role("link", name="GUSP", exact=True).click()
    page.wait_for_url("**/gusp/")
    tabs = page.get_by_role("navigation", name="Pages de la GUSP")
    assert tabs.locator('[aria-current="page"]').inner_text() == "Tableau de bord"
    assert page.locator("img.chart-img").count() == 2  # open reports by theme and by handler
    assert page.locator("#ouverts-themes tfoot").inner_text().split() == ["Ensemble", "8", "0", "0", "%"]
    check_page(page, "95-gusp-tableau-de-bord")

    _fits_a_phone(page, check_page, "95-gusp-tableau-de-bord-390")

    page.get_by_label("Quartier", exact=True).select_option(label="Moulins")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(lambda url: f"quartier={moulins.pk}" in url)
    assert page.locator("#ouverts-themes tbody").inner_text().split("\t")[0] == "Propreté"
    assert page.locator("#points-recurrents tbody tr").count() == 1
    page.get_by_role("link", name="Voir sur la carte").click()
    page.wait_for_url(lambda url: "/gusp/signalements/carte/" in url)
    assert f"theme={cleanliness.pk}" in page.url
    assert f"sector={moulins.pk}" in page.url
    assert not console_errors


def test_a_partner_reads_its_quartiers_masked_figures(gusp_world, page, check_page):
    server, _moulins, _cleanliness = gusp_world
    _login(page, server, PARTNER)
    page.goto(f"{server.url}/gusp/")
    page.get_by_text("Secret statistique.").wait_for()
    assert page.locator("#ouverts-themes tbody").inner_text().split() == ["Éclairage", "<", "5", "0", "—"]
    assert page.locator("img.chart-img").count() == 0  # a chart would show the masked counts
    assert "Propreté" not in page.locator("main").inner_text()  # Moulins is not its quartier
    check_page(page, "96-gusp-tableau-de-bord-partenaire")
    _fits_a_phone(page, check_page, "96-gusp-tableau-de-bord-partenaire-390")

"""Browser journey of a theme's delays per handler organisation: the GUSP referent opens « Gestion
locative », gives the landlord its own delay (a refused value first, the error named on the field), and the
themes list shows it next to the theme's delay. The pages are checked with axe; screenshots are kept in
var/screenshots/ (`check_page`)."""

import pytest

from accounts.models import Domain, OrganisationKind, Role
from gusp.models import ThemeHandlerDelay
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.e2e.test_insertion_journey import _login
from tests.gusp.factories import ThemeFactory
from tests.projects.factories import ProgrammeFactory, SectorFactory

pytestmark = pytest.mark.e2e

REFERENT = "referent-gusp@exemple.fr"


@pytest.fixture
def themes_world(transactional_db, live_server):
    programme = ProgrammeFactory(name="NPRU Test", slug="npru-test")
    SectorFactory(programme=programme, name="Moulins")
    city = OrganisationFactory(ville=True, name="Ville de Lille")
    landlord = OrganisationFactory(name="Habitat Métropole", kind=OrganisationKind.BAILLEUR)
    programme.organisations.add(city, landlord)
    ThemeFactory(programme=programme, slug="proprete", name="Propreté", default_handler=city, target_days=3)
    housing = ThemeFactory(
        programme=programme,
        slug="gestion-locative",
        name="Gestion locative",
        default_handler=landlord,
        target_days=15,
        order=2,
    )
    MembershipFactory(
        programme=programme,
        role=Role.REFERENT,
        referent_domain=Domain.GUSP,
        user__email=REFERENT,
        organisation=city,
    )
    return live_server, housing, landlord


def test_the_referent_gives_the_landlord_its_own_delay(themes_world, page, check_page, console_errors):
    server, housing, landlord = themes_world
    _login(page, server, REFERENT)
    page.goto(f"{server.url}/gusp/themes/{housing.pk}/modifier/")
    assert page.get_by_text("Aucun délai propre à une organisation").is_visible()
    check_page(page, "gusp-theme-edit-empty")
    page.locator("#id_delai-organisation").select_option(label="Habitat Métropole")
    page.locator("#id_delai-target_days").fill("0")
    page.get_by_role("button", name="Enregistrer ce délai").click()
    assert page.get_by_text("Le délai cible est d'au moins 1 jour.").first.is_visible()
    check_page(page, "gusp-theme-edit-delay-error")
    page.locator("#id_delai-target_days").fill("10")
    page.get_by_role("button", name="Enregistrer ce délai").click()
    page.wait_for_url(f"**/gusp/themes/{housing.pk}/modifier/")
    assert page.locator("#delais").get_by_text("10 jours").is_visible()
    check_page(page, "gusp-theme-edit-delays")
    assert ThemeHandlerDelay.objects.get(theme=housing, organisation=landlord).target_days == 10
    page.goto(f"{server.url}/gusp/themes/")
    assert page.locator("#themes").get_by_text("Habitat Métropole : 10 j").is_visible()
    check_page(page, "gusp-theme-list-delays")
    assert console_errors == []

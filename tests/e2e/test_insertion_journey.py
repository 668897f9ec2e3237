"""Browser journeys of the insertion pages, each page checked with axe and screenshotted:

- the insertion referent holding the personal-data grant logs in with a TOTP code, reads the dashboard,
  the markets, one market, its contracts one by one and a participant (each personal-data page logged);
- the mission team corrects a market's target;
- a partner landlord, MOA of some markets, reads the masked dashboard and its own MOA page, at 390 px too.
"""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Domain, Role
from core.models import AccessAction, AccessEvent
from insertion.models import Market
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.e2e.test_relogement import PASSWORD, current_code
from tests.insertion.factories import MarketFactory, ParticipantFactory, WorkContractFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory, SectorFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
REFERENT = "referent-insertion@exemple.fr"
MISSION = "mission-insertion@exemple.fr"
LANDLORD = "bailleur-insertion@exemple.fr"


@pytest.fixture
def insertion_world(transactional_db, live_server):
    """Two sectors, three markets (one to link), twelve participants; a granted insertion referent with a
    TOTP authenticator, a mission member, and a landlord partner limited to Moulins that is the MOA of the
    Moulins market. Listed before `page` so the browser closes before the flush."""
    programme = ProgrammeFactory(name="NPRU Test", slug="npru-test")
    moulins = SectorFactory(programme=programme, name="Moulins")
    concorde = SectorFactory(programme=programme, name="Concorde")
    landlord = OrganisationFactory(bailleur=True, name="Habitat Métropole")
    city = OrganisationFactory(ville=True, name="Ville de Lille")
    programme.organisations.add(landlord, city)
    markets = [
        MarketFactory(
            programme=programme,
            number="M-2024-001",
            title="Démolition de la tour Mozart",
            operation=OperationFactory(programme=programme, sector=moulins, identifier="OP-01"),
            moa=landlord,
        ),
        MarketFactory(
            programme=programme,
            number="M-2024-002",
            title="Aménagement du mail",
            operation=OperationFactory(programme=programme, sector=concorde, identifier="OP-02"),
            moa=city,
        ),
        MarketFactory(
            programme=programme,
            number="M-2024-003",
            title="Entretien des espaces verts",
            operation=None,
            moa=city,
            kind="gestion_urbaine",
            anru_funded=False,
            labour_hours=Decimal("3000"),
            target_rate=Decimal("0.10"),
        ),
    ]
    for index in range(12):
        participant = ParticipantFactory(
            programme=programme,
            sex="femme" if index % 4 == 0 else "homme",
            age_band=["lt26", "26_44", "45_49", "gte50"][index % 4],
        )
        WorkContractFactory(
            programme=programme,
            participant=participant,
            market=markets[index % 3],
            starts_on=datetime.date(2024, 1 + index % 12, 1),
            ends_on=datetime.date(2024, 12, 31),
        )
    referent = MembershipFactory(
        programme=programme,
        role=Role.REFERENT,
        referent_domain=Domain.INSERTION,
        personal_data_domains=["insertion"],
        user__email=REFERENT,
        organisation=city,
    ).user
    secret = _activate_totp(referent)
    MembershipFactory(programme=programme, role=Role.MISSION, user__email=MISSION, organisation=city)
    MembershipFactory(
        programme=programme, role=Role.PARTNER, user__email=LANDLORD, organisation=landlord, sectors=[moulins]
    )
    return live_server, secret, markets, landlord


def _activate_totp(user) -> str:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _login(page, server, email: str, secret: str = "") -> None:
    page.goto(f"{server.url}/comptes/login/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if secret:
        page.wait_for_url("**/2fa/authenticate/**")
        page.locator("input[name=code]").fill(current_code(secret))
        page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{server.url}/")


def _fits_a_phone(page, check_page, name: str) -> None:
    """axe and a screenshot at 390 px, where the page never scrolls sideways, then back to 1366 px."""
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    check_page(page, f"{name}-390")
    page.set_viewport_size(LAPTOP)


def test_granted_referent_reads_markets_contracts_and_a_participant(
    insertion_world, page, check_page, console_errors
):
    server, secret, markets, _landlord = insertion_world
    _login(page, server, REFERENT, secret)

    page.get_by_role("link", name="Insertion", exact=True).click()
    page.wait_for_url("**/insertion/")
    page.get_by_role("heading", level=1, name="Clauses d'insertion").wait_for()
    assert page.locator("img.chart-img").count() == 6  # MOAs, months, ages, publics, types, modalities
    check_page(page, "70-insertion-tableau-de-bord")
    _fits_a_phone(page, check_page, "70-insertion-tableau-de-bord")

    page.get_by_role("link", name="Marchés", exact=True).click()
    page.wait_for_url("**/insertion/marches/")
    page.get_by_text("3 marchés").wait_for()
    page.get_by_label("À rattacher à une opération").check()
    page.locator("#markets-count", has_text="1 marché").wait_for()
    check_page(page, "71-insertion-marches-a-rattacher")
    _fits_a_phone(page, check_page, "71-insertion-marches-a-rattacher")

    page.goto(f"{server.url}/insertion/marches/{markets[0].pk}/")
    page.get_by_role("heading", level=1, name="Marché M-2024-001").wait_for()
    check_page(page, "72-insertion-marche")
    page.get_by_role("link", name="Contrats un par un").click()
    page.get_by_text("4 contrats").wait_for()
    check_page(page, "73-insertion-marche-contrats")

    page.locator("#contracts-table tbody a[href*='/participants/']").first.click()
    page.get_by_role("heading", level=1, name="Participant").wait_for()
    check_page(page, "74-insertion-participant")

    page.goto(f"{server.url}/insertion/participants/")
    page.get_by_text("12 participants").wait_for()
    page.get_by_label("Sexe").select_option("femme")
    page.locator("#participants-count", has_text="3 participants").wait_for()
    check_page(page, "75-insertion-participants")
    _fits_a_phone(page, check_page, "75-insertion-participants")

    actions = list(AccessEvent.objects.filter(domain="insertion").values_list("action", "model"))
    assert (AccessAction.LIST, "WorkContract") in actions
    assert (AccessAction.VIEW, "Participant") in actions
    assert actions.count((AccessAction.LIST, "Participant")) >= 2
    assert not console_errors


def test_mission_corrects_a_market_target(insertion_world, page, check_page, console_errors):
    server, _secret, markets, _landlord = insertion_world
    market = markets[2]
    _login(page, server, MISSION)
    page.goto(f"{server.url}/insertion/marches/{market.pk}/")
    page.get_by_role("link", name="Modifier").click()
    page.wait_for_url("**/modifier/")
    check_page(page, "76-insertion-marche-modifier")
    page.locator("#id_target_percent").fill("12,5")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**/insertion/marches/{market.pk}/")
    page.get_by_text("a été mis à jour").wait_for()
    page.locator("#market-history").get_by_text("Taux d'insertion visé").wait_for()
    market = Market.objects.get(pk=market.pk)
    assert market.target_rate == Decimal("0.125")
    assert market.target_hours == Decimal("375.0")
    assert not console_errors


def test_partner_moa_reads_masked_figures_and_its_own_page(insertion_world, page, check_page):
    server, _secret, _markets, landlord = insertion_world
    _login(page, server, LANDLORD)
    page.goto(f"{server.url}/insertion/")
    page.get_by_text("Secret statistique.").wait_for()
    assert page.locator("img.chart-img").count() == 2  # hours only: no chart of people
    page.get_by_text("aucun chiffre sur les personnes n'est publié").wait_for()
    check_page(page, "77-insertion-partenaire")
    _fits_a_phone(page, check_page, "77-insertion-partenaire")
    page.get_by_role("link", name="Habitat Métropole").first.click()
    page.get_by_role("heading", level=1, name="Clauses d'insertion de Habitat Métropole").wait_for()
    check_page(page, "78-insertion-partenaire-moa")
    _fits_a_phone(page, check_page, "78-insertion-partenaire-moa")
    assert "M-2024-002" not in page.content()

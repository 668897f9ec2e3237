"""Browser journey of the relogement follow-up: a granted mission user logs in with a password and a
TOTP code, lists the households, opens one and records an offer. Every page is checked with axe."""

import datetime
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from accounts.models import Role
from core.models import AccessAction, AccessEvent
from relogement.models import HouseholdStatus, Offer
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory, SectorFactory
from tests.relogement.factories import HouseholdFactory

pytestmark = pytest.mark.e2e

PASSWORD = "motdepasse-de-test-42"
EMAIL = "relogement@exemple.fr"


@pytest.fixture
def relogement_world(transactional_db, live_server):
    """A programme with three households and a granted mission user holding a TOTP authenticator.
    Listed before `page` so the browser closes before the flush."""
    programme = ProgrammeFactory(name="NPRU Test", slug="npru-test")
    sector = SectorFactory(programme=programme, name="Moulins")
    operation = OperationFactory(programme=programme, sector=sector)
    landlord = OrganisationFactory(bailleur=True, name="Habitat Métropole")
    programme.organisations.add(landlord)
    households = [
        HouseholdFactory(
            programme=programme,
            origin_operation=operation,
            origin_landlord=landlord,
            status=HouseholdStatus.SEARCHING,
        )
        for _ in range(3)
    ]
    membership = MembershipFactory(
        programme=programme,
        role=Role.MISSION,
        personal_data_domains=["relogement"],
        user__email=EMAIL,
        organisation=OrganisationFactory(ville=True),
    )
    secret = generate_totp_secret()
    TOTP.activate(membership.user, secret)
    return live_server, households[0], secret


def current_code(secret: str) -> str:
    """The code of the current period, waiting for the next period when this one ends within 5 s: the
    server accepts no other period's code, and a loaded machine takes seconds to submit the form."""
    now = datetime.datetime.now(datetime.UTC).timestamp()
    left = mfa_settings.TOTP_PERIOD - now % mfa_settings.TOTP_PERIOD
    if left < 5:
        time.sleep(left + 0.1)
        now += left + 0.1
    return format_hotp_value(hotp_value(secret, int(now) // mfa_settings.TOTP_PERIOD))


def test_granted_mission_lists_opens_a_household_and_adds_an_offer(
    relogement_world, page, check_page, console_errors
):
    server, household, secret = relogement_world
    page.goto(f"{server.url}/comptes/login/")
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/2fa/authenticate/**")
    page.locator("input[name=code]").fill(current_code(secret))
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{server.url}/")

    page.goto(f"{server.url}/relogement/menages/")
    page.locator("#households-table").wait_for()
    page.get_by_text("3 ménages").wait_for()
    check_page(page, "50-menages")

    page.get_by_role("link", name=household.reference).click()
    page.wait_for_url(f"**/relogement/menages/{household.pk}/")
    page.get_by_role("heading", level=1, name=f"Ménage {household.reference}").wait_for()
    check_page(page, "51-menage")

    page.get_by_role("link", name="Ajouter une proposition").click()
    page.wait_for_url("**/propositions/ajouter/")
    check_page(page, "52-proposition")
    page.locator("#id_offered_on").fill("2026-03-02")
    page.locator("#id_landlord").select_option(label="Habitat Métropole")
    page.locator("#id_commune").fill("Villeneuve-d'Ascq")
    page.locator("#id_typology").select_option("T3")
    page.locator("#id_rent").fill("450,50")
    page.locator("#id_charges").fill("80")
    page.locator("#id_estimated_aid").fill("120")
    page.get_by_role("button", name="Enregistrer la proposition").click()
    page.wait_for_url(f"**/relogement/menages/{household.pk}/")
    page.locator("#offers-table").get_by_text("Villeneuve-d'Ascq").wait_for()
    check_page(page, "53-menage-proposition")

    offer = Offer.objects.get(household=household)
    assert str(offer.rent) == "450.50"
    household.refresh_from_db()
    assert household.status == HouseholdStatus.OFFER
    actions = list(AccessEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[0] == AccessAction.LIST
    assert AccessAction.EDIT in actions
    assert not console_errors


@pytest.fixture
def referent_world(transactional_db, live_server):
    """A granted relogement referent with a TOTP authenticator and recovery codes, active and closed
    households, a granted newcomer without a second factor, and a sector-limited partner."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    programme = ProgrammeFactory(name="NPRU Test", slug="npru-test")
    sector = SectorFactory(programme=programme, name="Moulins")
    operation = OperationFactory(programme=programme, sector=sector)
    landlord = OrganisationFactory(bailleur=True, name="Habitat Métropole")
    programme.organisations.add(landlord)
    for status in (HouseholdStatus.TO_SURVEY, HouseholdStatus.SEARCHING, HouseholdStatus.OFFER):
        HouseholdFactory(
            programme=programme, origin_operation=operation, origin_landlord=landlord, status=status
        )
    for _ in range(2):
        HouseholdFactory(
            programme=programme,
            origin_operation=operation,
            origin_landlord=landlord,
            status=HouseholdStatus.CLOSED,
            closed_on=datetime.date(2025, 1, 1),
        )
    HouseholdFactory.create_batch(
        12,
        programme=programme,
        origin_operation=operation,
        origin_landlord=landlord,
        status=HouseholdStatus.REHOUSED,
    )
    referent = MembershipFactory(
        programme=programme,
        role=Role.REFERENT,
        referent_domain="relogement",
        personal_data_domains=["relogement"],
        user__email="referent-relogement@exemple.fr",
        organisation=OrganisationFactory(ville=True),
    ).user
    secret = generate_totp_secret()
    TOTP.activate(referent, secret)
    RecoveryCodes.activate(referent)
    MembershipFactory(
        programme=programme,
        role=Role.MISSION,
        personal_data_domains=["relogement"],
        user__email="nouvelle@exemple.fr",
        organisation=OrganisationFactory(ville=True),
    )
    MembershipFactory(
        programme=programme,
        role=Role.PARTNER,
        user__email="bailleur@exemple.fr",
        organisation=landlord,
        sectors=[sector],
    )
    return live_server, secret


def _login(page, server, email):
    page.goto(f"{server.url}/comptes/login/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_mfa_pages_household_list_and_recovery_codes(referent_world, page, check_page, console_errors):
    server, secret = referent_world
    _login(page, server, "referent-relogement@exemple.fr")
    page.wait_for_url("**/2fa/authenticate/**")
    page.get_by_text("Votre compte donne accès à des données personnelles").wait_for()
    check_page(page, "54-double-authentification-code")
    page.locator("input[name=code]").fill(current_code(secret))
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{server.url}/")

    page.goto(f"{server.url}/relogement/menages/")
    page.get_by_text("15 ménages à traiter").wait_for()
    check_page(page, "55-menages-a-traiter")
    page.get_by_role("link", name="Voir les ménages clos ou partis").click()
    page.get_by_text("2 ménages clos ou partis sans relogement").wait_for()

    page.goto(f"{server.url}/comptes/2fa/")
    page.get_by_text("Pourquoi un second facteur ?").wait_for()
    check_page(page, "56-double-authentification")
    page.goto(f"{server.url}/comptes/2fa/recovery-codes/")
    if "reauthenticate" in page.url:
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.locator("main button[type=submit]").first.click()
        page.wait_for_url("**/recovery-codes/**")
    codes = page.locator("textarea#recovery_codes")
    assert len(codes.input_value().split()) == 10  # shown on screen, not an empty box
    page.get_by_role("link", name="Télécharger les codes").wait_for()
    check_page(page, "57-codes-de-secours")
    assert not console_errors


def test_a_granted_newcomer_is_asked_to_set_up_the_app_and_told_why(referent_world, page, check_page):
    server, _secret = referent_world
    _login(page, server, "nouvelle@exemple.fr")
    page.wait_for_url("**/reauthenticate/**")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url("**/2fa/totp/activate/**")
    page.get_by_text("activez l'application d'authentification pour continuer").wait_for()
    check_page(page, "58-double-authentification-activation")


def test_the_personal_data_page_is_public(live_server, page, check_page):
    page.goto(f"{live_server.url}/donnees-personnelles/")
    page.get_by_role("heading", level=1, name="Données personnelles").wait_for()
    page.get_by_role("heading", name="Droits des personnes et comment les exercer").wait_for()
    check_page(page, "59-donnees-personnelles")


def test_partner_relogement_dashboard_when_masking_hides_almost_everything(referent_world, page, check_page):
    server, _secret = referent_world
    _login(page, server, "bailleur@exemple.fr")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/relogement/")
    page.get_by_text("Secret statistique.").wait_for()
    values = page.locator(".kpi-value").all_inner_texts()
    assert "s" not in values
    check_page(page, "60-relogement-partenaire")
    page.goto(f"{server.url}/relogement/operations/")
    check_page(page, "61-relogement-partenaire-operations")

"""The mission team keeps an operation's figures current in the browser (issue 9): funding and milestone
blocks of the operation page, their forms and the conventions page, axe-clean; the dashboard's tables
fit a 1366 px and a 1280 px screen."""

import pytest
from django.core.management import call_command

from accounts.models import Organisation
from projects.models import FundingLine, Milestone, Operation

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo-npru-2026"


@pytest.fixture
def demo(transactional_db, live_server):
    call_command("seed_demo", verbosity=0)
    return live_server


def login(page, server) -> None:
    page.goto(f"{server.url}/comptes/login/")
    page.get_by_label("Adresse électronique").fill("mission@demo.npru.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{server.url}/")


CLIPPED_TABLES = """() => [...document.querySelectorAll('.table-responsive')]
    .filter((box) => box.scrollWidth > box.clientWidth + 1)
    .map((box) => box.querySelector('caption')?.textContent.trim())"""


def test_dashboard_and_operation_list_fit_a_laptop_screen(demo, page, check_page):
    login(page, demo)
    assert page.viewport_size["width"] == 1366
    assert page.evaluate(CLIPPED_TABLES) == []
    assert page.get_by_role("columnheader", name="Abandonnée").is_visible()
    check_page(page, "ops-01-tableau-de-bord-1366")
    page.set_viewport_size({"width": 1280, "height": 800})  # a common laptop: the funders' rates fit too
    page.reload()
    assert page.evaluate(CLIPPED_TABLES) == []
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{demo.url}/operations/")
    assert page.evaluate(CLIPPED_TABLES) == []
    assert page.get_by_role("columnheader", name="Avancement").is_visible()
    check_page(page, "ops-10-operations-1366")


def test_mission_edits_funding_and_milestones_in_the_browser(demo, page, check_page):
    login(page, demo)
    operation = Operation.objects.filter(funding_lines__isnull=False, milestones__isnull=False).first()
    page.goto(f"{demo.url}/operations/{operation.pk}/")
    check_page(page, "ops-02-operation")

    page.get_by_role("link", name="Ajouter une ligne de financement").click()
    check_page(page, "ops-03-ligne-de-financement")
    funder = Organisation.objects.filter(programmes=operation.programme).exclude(
        funding_lines__operation=operation
    )[0]
    page.get_by_label("Financeur").select_option(label=funder.name)
    page.get_by_label("Nature").select_option("pret")
    page.get_by_label("Prévu (€)").fill("100000")
    page.get_by_label("Engagé (€)").fill("50000")
    page.get_by_label("Versé (€)").fill("60000")
    page.get_by_role("button", name="Enregistrer").click()
    assert (
        page.locator("#id_paid_error_1").inner_text()
        == "Le montant versé ne peut dépasser le montant engagé."
    )
    check_page(page, "ops-04-ligne-de-financement-erreur")
    page.get_by_label("Versé (€)").fill("40000")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**/operations/{operation.pk}/#titre-financement")
    assert FundingLine.objects.filter(operation=operation, funder=funder, kind="pret", paid=40000).exists()

    page.get_by_role("link", name="Ajouter un jalon").click()
    page.get_by_label("Libellé").fill("Réception des travaux")
    page.get_by_label("Échéance prévue").fill("2027-06-30")
    check_page(page, "ops-05-jalon")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**/operations/{operation.pk}/#titre-jalons")
    assert Milestone.objects.filter(operation=operation, label="Réception des travaux").exists()

    page.goto(f"{demo.url}/operations/{operation.pk}/historique/")
    check_page(page, "ops-06-historique")
    assert "Création — Jalon « Réception des travaux »" in page.content()


def test_conventions_page_and_new_operation_form(demo, page, check_page):
    login(page, demo)
    page.goto(f"{demo.url}/operations/")
    page.get_by_role("link", name="Nouvelle opération").click()
    check_page(page, "ops-07-nouvelle-operation")
    page.goto(f"{demo.url}/conventions/")
    check_page(page, "ops-08-conventions")
    page.get_by_role("link", name="Nouvelle convention").click()
    check_page(page, "ops-09-nouvelle-convention")

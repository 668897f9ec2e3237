"""The mission team imports a funders' statement of commitments and payments in the browser."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from projects.models import FundingLine

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo-npru-2026"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "etat_engagements_paiements.xlsx"
PAYMENTS = SAMPLE.with_name("versements_service_financier.csv")


@pytest.fixture
def demo(transactional_db, live_server):
    """Demo data served by the live server. Listed before `page` so the browser closes before the flush."""
    call_command("seed_demo", verbosity=0)
    return live_server


def test_mission_imports_a_statement_of_commitments_and_payments(demo, page, check_page, console_errors):
    page.goto(f"{demo.url}/comptes/login/")
    page.get_by_label("Adresse électronique").fill("mission@demo.npru.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{demo.url}/")
    page.get_by_role("link", name="Imports", exact=True).click()
    page.get_by_role("link", name="Importer : État des engagements").click()
    check_page(page, "11-import-engagements-depot")
    page.locator("input[type=file]").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_role("button", name="Confirmer l'import").wait_for()
    check_page(page, "12-import-engagements-apercu")
    changes = page.locator("#modifications").inner_text().replace("\u202f", " ")
    assert "C0591-14-0001 · ANRU (subvention)" in changes
    assert "Engagé : 668 300 € → 707 000 €" in changes
    page.get_by_role("button", name="Confirmer l'import").click()
    page.get_by_text("Import terminé : 1 créée(s), 8 modifiée(s), 2 inchangée(s).").wait_for()
    line = FundingLine.objects.get(operation__identifier="C0591-14-0001", funder__name="ANRU")
    assert (line.committed, line.paid) == (Decimal("707000"), Decimal("452300"))

    # Then the finance department's list of payments: ANRU's are already counted, nothing twice.
    page.goto(f"{demo.url}/imports/")
    page.get_by_role("link", name="Importer : Versements").click()
    page.locator("input[type=file]").set_input_files(str(PAYMENTS))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_role("button", name="Confirmer l'import").wait_for()
    check_page(page, "13-import-versements-apercu")
    assert "0 à créer, 2 à modifier, 1 inchangée(s)." in page.locator("main").inner_text()
    assert console_errors == []

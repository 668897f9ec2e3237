import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Operation

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo-npru-2026"


@pytest.fixture
def demo(transactional_db, live_server):
    """Demo data served by the live server. Listed before `page` so the browser closes before the flush."""
    call_command("seed_demo", verbosity=0)
    return live_server


# The main menu (core/navigation.py, filled by each app's navigation.py) as a mission member sees it.
MENU = [
    "Tableau de bord",
    "Quartiers",
    "Opérations",
    "Relogement",
    "Insertion",
    "GUSP",
    "Instances",
    "Actions",
    "Concertation",
    "Dossiers",
    "Imports",
]


def login(page, server, email: str) -> None:
    page.goto(f"{server.url}/comptes/login/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_mission_login_dashboard_operation(demo, page, check_page, console_errors):
    page.goto(f"{demo.url}/")
    check_page(page, "00-connexion")
    login(page, demo, "mission@demo.npru.fr")
    page.wait_for_url(f"{demo.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "NPRU de la Métropole exemple"
    # The four sectors' perimeters, fetched from the GeoJSON URL once the page is loaded.
    expect(page.locator(".leaflet-interactive")).to_have_count(4)
    menu = page.get_by_role("navigation", name="Navigation principale")
    assert menu.locator(".navbar-nav.me-auto .nav-link").all_inner_texts() == MENU
    assert menu.locator('[aria-current="page"]').inner_text() == "Tableau de bord"
    check_page(page, "01-tableau-de-bord")

    page.get_by_role("link", name="Opérations", exact=True).click()
    page.wait_for_url("**/operations/")
    assert page.locator(".navbar-nav .nav-link.active").inner_text() == "Opérations"
    check_page(page, "02-operations")

    page.get_by_label("Quartier").select_option(label="Concorde")
    page.wait_for_url("**sector=**")
    concorde = Operation.objects.filter(sector__name="Concorde").count()
    page.get_by_text(f"{concorde} opération").wait_for()

    first = page.locator("#operations-table tbody tr a").first
    identifier = first.inner_text()
    first.click()
    page.wait_for_url("**/operations/*/")
    assert identifier in page.locator(".breadcrumb").inner_text()
    assert page.get_by_role("link", name="Modifier", exact=True).is_visible()
    check_page(page, "03-operation")

    page.get_by_role("link", name="Modifier", exact=True).click()
    check_page(page, "04-operation-modifier")
    page.get_by_label("Avancement (%)").fill("55")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("a été mise à jour").wait_for()
    assert Operation.objects.get(identifier=identifier).progress == 55

    page.get_by_role("link", name="Historique").click()
    latest = page.locator("tbody tr").first  # the demo's backdated history follows it
    latest.get_by_text("Avancement (%)").wait_for()
    assert "→ 55" in latest.inner_text()
    check_page(page, "05-historique")

    page.get_by_role("link", name="Quartiers", exact=True).click()
    page.get_by_role("link", name="Concorde").first.click()
    page.get_by_role("heading", name="Calendrier des opérations (par semestre)").wait_for()
    check_page(page, "06-quartier")

    page.get_by_role("link", name="Relogement", exact=True).click()
    page.get_by_role("heading", name="Relogement des ménages").wait_for()
    check_page(page, "06b-relogement")
    assert console_errors == []


def test_partner_sees_only_its_sectors(demo, page, check_page, console_errors):
    login(page, demo, "bailleur@demo.npru.fr")
    page.wait_for_url(f"{demo.url}/")
    expect(page.locator(".leaflet-interactive")).to_have_count(2)
    menu = page.get_by_role("navigation", name="Navigation principale")
    assert menu.locator(".navbar-nav.me-auto .nav-link").all_inner_texts() == MENU[:-1]  # no imports
    page.get_by_role("link", name="Quartiers", exact=True).click()
    check_page(page, "07-partenaire-quartiers")
    rows = page.locator("table tbody tr").all_inner_texts()
    assert len(rows) == 2
    page.get_by_role("link", name="Opérations", exact=True).click()
    page.locator("#operations-table tbody tr a").first.click()
    assert page.get_by_role("link", name="Modifier").count() == 0
    page.get_by_role("link", name="Relogement", exact=True).click()
    check_page(page, "07b-partenaire-relogement")
    assert page.get_by_role("link", name="Suivi des ménages").count() == 0
    assert console_errors == []


def test_mission_imports_the_financial_annex(demo, page, check_page, console_errors):
    from pathlib import Path

    annex = Path(__file__).resolve().parents[1] / "data" / "operations_maquette.xlsx"
    before = Operation.objects.filter(programme__slug="npru-demo").count()
    login(page, demo, "mission@demo.npru.fr")
    page.wait_for_url(f"{demo.url}/")
    page.get_by_role("link", name="Imports", exact=True).click()
    check_page(page, "08-imports")
    page.get_by_role("link", name="Importer : Maquette financière").click()
    check_page(page, "09-import-depot")
    page.locator("input[type=file]").set_input_files(str(annex))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_role("button", name="Confirmer l'import").wait_for()
    check_page(page, "10-import-apercu")
    assert "45" in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirmer l'import").click()
    page.get_by_text("Import terminé : 45 créée(s)").wait_for()
    check_page(page, "10c-import-termine")
    page.get_by_role("link", name="Voir les données importées").click()
    page.wait_for_url("**/operations/**")
    assert Operation.objects.filter(programme__slug="npru-demo").count() == before + 45
    assert console_errors == []


def test_import_page_follows_the_worker_then_shows_the_preview(demo, page, check_page, console_errors):
    from core import import_records, jobs
    from core.models import ImportRecord, ImportStatus
    from projects.models import Programme
    from tests.data import sample_bytes

    record = import_records.import_record_create(
        kind="qpv",
        data=sample_bytes("qpv_liste_extrait.csv"),
        filename="qpv.csv",
        programme=Programme.objects.get(slug="npru-demo"),
        enqueue=False,
    )
    jobs.progress_set(record, 42)  # as the worker does
    login(page, demo, "mission@demo.npru.fr")
    page.wait_for_url(f"{demo.url}/")
    page.goto(f"{demo.url}/imports/{record.pk}/")
    page.get_by_text("Avancement : 42 %").wait_for()
    check_page(page, "10b-import-en-cours")

    import_records.import_record_process(record_id=record.pk)  # the worker finishes: the page reloads

    page.get_by_role("button", name="Confirmer l'import").wait_for()
    assert "3 à créer" in page.locator("main").inner_text()
    assert ImportRecord.objects.get(pk=record.pk).status == ImportStatus.PREVIEW
    assert console_errors == []

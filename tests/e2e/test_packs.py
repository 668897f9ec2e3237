import pytest
from django.core.management import call_command

from reporting.models import Pack, PackStatus

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo-npru-2026"


@pytest.fixture
def demo(transactional_db, live_server):
    """Demo data served by the live server; listed before `page` so the browser closes before the flush."""
    call_command("seed_demo", verbosity=0)
    return live_server


def login(page, server, email: str) -> None:
    page.goto(f"{server.url}/comptes/login/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{server.url}/")


def test_director_generates_and_downloads_a_copil_pack(demo, page, check_page, console_errors):
    login(page, demo, "direction@demo.npru.fr")
    page.get_by_role("link", name="Dossiers", exact=True).click()
    check_page(page, "40-dossiers")
    page.get_by_label("Type de dossier").select_option(label="Dossier de COPIL")
    page.get_by_label("Quartier").select_option(label="Concorde")
    page.get_by_role("button", name="Générer le dossier").click()
    page.wait_for_url("**/dossiers/*/")
    download_link = page.get_by_role("link", name="Télécharger")
    download_link.first.wait_for(timeout=60_000)
    # The "ready soon" notice went with the poll that brought the link (it used to stay above it).
    assert page.get_by_text("prêt dans quelques instants").count() == 0
    check_page(page, "41-dossier-pret")
    pack = Pack.objects.get(sector__name="Concorde")
    assert pack.status == PackStatus.READY
    assert pack.page_count >= 5
    with page.expect_download() as download:
        download_link.first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert console_errors == []


def test_partner_reads_the_concertation_dashboard_masked(demo, page, check_page, console_errors):
    login(page, demo, "bailleur@demo.npru.fr")
    page.get_by_role("link", name="Concertation", exact=True).click()
    check_page(page, "42-partenaire-concertation")
    assert page.locator("main img").count() == 0
    assert console_errors == []


def test_partner_packs_are_published_by_the_mission_and_seen_within_each_partners_scope(
    demo, page, check_page, console_errors
):
    from projects.models import Programme
    from reporting.models import PackAudience, PackKind
    from tests.reporting.permissions import _ready_pack

    programme = Programme.objects.get(slug="npru-demo")
    sectors = {sector.name: sector for sector in programme.sectors.all()}
    moulins, programme_wide = (
        _ready_pack(programme, sector=sector, kind=kind, audience=PackAudience.PARTNERS, published=False)
        for sector, kind in ((sectors["Moulins"], PackKind.COPIL), (None, PackKind.COTEC))
    )
    login(page, demo, "mission@demo.npru.fr")
    for pack in (moulins, programme_wide):
        page.goto(f"{demo.url}/gouvernance/dossiers/{pack.pk}/")
        page.get_by_role("button", name="Publier pour les partenaires").click()
        page.get_by_text("Dossier publié").wait_for()
    check_page(page, "43-dossier-publie")
    page.goto(f"{demo.url}/gouvernance/dossiers/")
    check_page(page, "44-dossiers-mission")
    page.context.clear_cookies()

    # A partner of Moulins and Concorde: the Moulins pack, not the programme-wide one.
    login(page, demo, "bailleur@demo.npru.fr")
    page.goto(f"{demo.url}/gouvernance/dossiers/")
    check_page(page, "45-dossiers-bailleur")
    table = page.get_by_role("table")
    assert table.get_by_role("row").filter(has_text="Moulins").count() == 1
    assert table.get_by_role("row").filter(has_text="Tout le programme").count() == 0
    page.context.clear_cookies()

    # A partner of the whole programme: both.
    login(page, demo, "etat@demo.npru.fr")
    page.goto(f"{demo.url}/gouvernance/dossiers/")
    check_page(page, "46-dossiers-etat")
    table = page.get_by_role("table")
    assert table.get_by_role("row").filter(has_text="Moulins").count() == 1
    assert table.get_by_role("row").filter(has_text="Tout le programme").count() == 1
    assert console_errors == []

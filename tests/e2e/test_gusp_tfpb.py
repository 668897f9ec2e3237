"""Browser journey of the landlords' TFPB abatement, each page checked with axe and screenshotted: the
mission team reads the action plan's « Abattement de TFPB par bailleur » (valued euros, abatement, taux de
valorisation), follows the link to the abatement page, records an amount and reads the new rate, then the
dashboard's TFPB block; a landlord's partner reads its own line only. Every page stands in 390 px (no
sideways scroll: the wide tables scroll in their own box)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from gusp import services
from gusp.models import ActionStatus
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.e2e.test_insertion_journey import LAPTOP, PHONE, _login
from tests.gusp.factories import GuspActionFactory
from tests.projects.factories import ProgrammeFactory, SectorFactory

pytestmark = pytest.mark.e2e

MISSION = "mission-tfpb@exemple.fr"
LANDLORD = "bailleur-tfpb@exemple.fr"
YEAR = timezone.localdate().year
NNBSP = "\u202f"


@pytest.fixture
def tfpb_world(transactional_db, live_server):
    """Two landlords with valued actions this year; Logis du Nord's abatement recorded (120,000 €, its
    actions 96,000 €: 80 %), Habitat Métropole's not yet. Listed before `page` (the browser closes before
    the flush)."""
    programme = ProgrammeFactory(name="NPRU Test", slug="npru-test")
    moulins = SectorFactory(programme=programme, name="Moulins")
    city = OrganisationFactory(kind=OrganisationKind.VILLE, name="Ville de Lille")
    logis = OrganisationFactory(kind=OrganisationKind.BAILLEUR, name="Logis du Nord")
    habitat = OrganisationFactory(kind=OrganisationKind.BAILLEUR, name="Habitat Métropole")
    programme.organisations.add(city, logis, habitat)
    for owner, axis, amount, status in (
        (logis, "1", "66000", ActionStatus.DONE),
        (logis, "3", "30000", ActionStatus.IN_PROGRESS),
        (habitat, "5", "45000", ActionStatus.TODO),
    ):
        GuspActionFactory(
            programme=programme,
            sector=moulins,
            tfpb=True,
            owner=owner,
            title=f"Action TFPB axe {axis}",
            tfpb_axis=axis,
            tfpb_year=YEAR,
            tfpb_amount=Decimal(amount),
            status=status,
            done_on=timezone.localdate() - datetime.timedelta(days=3)
            if status == ActionStatus.DONE
            else None,
            due_on=datetime.date(YEAR, 12, 31),
        )
    services.tfpb_abatement_create(programme=programme, landlord=logis, year=YEAR, amount=Decimal("120000"))
    MembershipFactory(programme=programme, role=Role.MISSION, user__email=MISSION, organisation=city)
    MembershipFactory(programme=programme, role=Role.PARTNER, user__email=LANDLORD, organisation=logis)
    return live_server, habitat


def _fits_a_phone(page, check_page, name: str) -> None:
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    check_page(page, name)
    page.set_viewport_size(LAPTOP)
    page.reload()
    page.wait_for_load_state()


def _cells(page, selector: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in page.locator(selector).all()
    ]


def test_the_team_records_an_abatement_and_reads_the_rates(tfpb_world, page, check_page, console_errors):
    server, habitat = tfpb_world
    _login(page, server, MISSION)
    page.goto(f"{server.url}/gusp/actions/")
    rows = _cells(page, "#tfpb-totaux tbody tr")
    assert [(row[0], row[6], row[7]) for row in rows] == [
        ("Habitat Métropole", "—", "—"),
        ("Logis du Nord", f"120{NNBSP}000{NNBSP}€", f"80{NNBSP}%"),
    ]
    check_page(page, "96-gusp-plan-actions-tfpb")
    _fits_a_phone(page, check_page, "96-gusp-plan-actions-tfpb-390")

    page.get_by_role("link", name="Saisir les montants d'abattement").click()
    page.wait_for_url("**/gusp/actions/abattements/")
    check_page(page, "96-gusp-abattements")
    page.locator("#id_landlord").select_option(label="Habitat Métropole")
    page.locator("#id_amount").fill("60 000")
    page.get_by_role("button", name="Enregistrer le montant").click()
    page.wait_for_url(f"**/gusp/actions/abattements/?annee={YEAR}")
    assert "Abattement" in page.locator(".alert-success").inner_text()
    rows = _cells(page, "#tfpb-comparaison tbody tr")
    assert rows[0] == [
        "Habitat Métropole",
        "1",
        f"45{NNBSP}000{NNBSP}€",
        f"60{NNBSP}000{NNBSP}€",
        f"75{NNBSP}%",
    ]
    _fits_a_phone(page, check_page, "96-gusp-abattements-390")

    page.goto(f"{server.url}/gusp/")
    totals = _cells(page, "#tfpb tfoot tr")[0]
    # 141,000 € valued against 180,000 € of abatement: 78 % (78.3…).
    assert totals[-2:] == [f"180{NNBSP}000{NNBSP}€", f"78{NNBSP}%"]
    check_page(page, "96-gusp-tableau-de-bord-tfpb")
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(page, "96-gusp-tableau-de-bord-tfpb-390")
    assert console_errors == []


def test_a_landlord_reads_its_own_line(tfpb_world, page, check_page):
    server, _habitat = tfpb_world
    _login(page, server, LANDLORD)
    page.goto(f"{server.url}/gusp/actions/abattements/")
    assert "Habitat Métropole" not in page.content()
    assert page.locator("form[method=post] button", has_text="Enregistrer").count() == 0
    assert _cells(page, "#tfpb-comparaison tbody tr")[0][-1] == f"80{NNBSP}%"
    check_page(page, "96-gusp-abattements-bailleur")
    _fits_a_phone(page, check_page, "96-gusp-abattements-bailleur-390")

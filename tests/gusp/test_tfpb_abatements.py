"""The landlords' yearly TFPB abatement (`TfpbAbatement`) next to their valued actions: the service's
checks, its history, the « taux de valorisation » (valued / abatement) on a hand-computed set, the page the
team records amounts on, and who reads which amount (the TFPB actions' rule: a landlord its own, another
partner none; a partners' pack the landlords' total only) on the action plan, the dashboard and the packs.

The set, on top of the action plan's (`plan`: Logis du Nord 55,000 € valued this year, Habitat Métropole
30,000 € last year):
- Logis du Nord, this year, the whole programme: 50,000 € → 55,000 / 50,000 = 110 %;
- Habitat Métropole, last year, sector A: 40,000 € → 30,000 / 40,000 = 75 %;
- Logis du Nord, last year, the whole programme: 20,000 € and no valued action → 0 %.
Together 110,000 € of abatement against 85,000 € valued: 77 % (77.27…); Logis du Nord alone 70,000 €
against 55,000 €: 79 % (78.57…)."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from gusp import selectors, services
from gusp.models import TfpbAbatement
from reporting.generator import build_sections
from tests.accounts.factories import OrganisationFactory
from tests.gusp.test_action_pages import plan  # noqa: F401 (fixture: five actions, three of them TFPB)
from tests.gusp.test_pack import scope, section
from tests.gusp.test_tfpb_readers import PERIOD, dashboard_rows, table_rows

TODAY = timezone.localdate()
THIS_YEAR, LAST_YEAR = TODAY.year, TODAY.year - 1
LIST = reverse("gusp:abatement_list")
ACTIONS = reverse("gusp:action_list")
DASHBOARD = reverse("gusp:dashboard")
EUR = "\u202f€"
PCT = "\u202f%"


def euros(text: str) -> str:
    return text.replace(" ", "\u202f") + EUR


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def abatements(world, plan):  # noqa: F811
    common = {"programme": world.programme}
    return {
        "own_this_year": services.tfpb_abatement_create(
            **common, landlord=world.landlord, year=THIS_YEAR, amount=Decimal("50000")
        ),
        "other_last_year": services.tfpb_abatement_create(
            **common,
            landlord=world.other_landlord,
            year=LAST_YEAR,
            sector=world.sector_a,
            amount=Decimal("40000"),
            note="Bilan 2025 : 250 logements en QPV.",
        ),
        "own_last_year": services.tfpb_abatement_create(
            **common, landlord=world.landlord, year=LAST_YEAR, amount=Decimal("20000")
        ),
    }


# --- Service ----------------------------------------------------------------------------------------------


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": Decimal("-1")}, "amount", "supérieure ou égale à 0"),
        ({"year": 2010}, "year", "supérieure ou égale à 2015"),
        ({"year": TODAY.year + 4}, "year", f"au plus tard en {TODAY.year + 3}"),
    ],
)
def test_the_service_refuses_an_odd_amount_or_year_on_its_field(world, fields, field, message):
    values = {"programme": world.programme, "landlord": world.landlord, "year": THIS_YEAR, "amount": 1}
    errors = errors_of(lambda: services.tfpb_abatement_create(**{**values, **fields}))
    assert message in " ".join(errors[field])
    assert not TfpbAbatement.objects.exists()


def test_the_service_refuses_an_organisation_that_is_not_a_landlord_of_the_programme(world):
    common = {"programme": world.programme, "year": THIS_YEAR, "amount": Decimal("1000")}
    errors = errors_of(lambda: services.tfpb_abatement_create(**common, landlord=world.city))
    assert errors["landlord"] == ["L'abattement de TFPB est celui d'un bailleur."]
    stranger = OrganisationFactory(name="Bailleur d'ailleurs", kind=OrganisationKind.BAILLEUR)
    errors = errors_of(lambda: services.tfpb_abatement_create(**common, landlord=stranger))
    assert errors["landlord"] == ["Ce bailleur n'est pas un partenaire du programme."]


def test_one_amount_per_landlord_year_and_quartier_the_whole_programme_included(world):
    common = {"programme": world.programme, "landlord": world.landlord, "year": THIS_YEAR}
    services.tfpb_abatement_create(**common, amount=Decimal("50000"))
    errors = errors_of(lambda: services.tfpb_abatement_create(**common, amount=Decimal("1")))
    assert errors["year"] == [
        f"Un montant d'abattement est déjà enregistré pour Logis du Nord en {THIS_YEAR} "
        "(tout le programme) : modifiez-le plutôt."
    ]
    in_a = services.tfpb_abatement_create(**common, sector=world.sector_a, amount=Decimal("1"))
    errors = errors_of(lambda: services.tfpb_abatement_create(**common, sector=world.sector_a, amount=2))
    assert "(le quartier" in errors["year"][0]
    services.tfpb_abatement_update(abatement=in_a, amount=Decimal("3"))
    # The database says it last, whatever writes (nulls not distinct: « tout le programme » is one value).
    with pytest.raises(ValidationError, match="déjà enregistré pour ce bailleur"):
        TfpbAbatement(**common, amount=1).full_clean()
    assert TfpbAbatement.objects.count() == 2


def test_each_write_and_the_removal_are_in_the_history(world):
    abatement = services.tfpb_abatement_create(
        programme=world.programme, landlord=world.landlord, year=THIS_YEAR, amount=Decimal("50000")
    )
    pk = abatement.pk
    services.tfpb_abatement_update(abatement=abatement, amount=Decimal("52000"))
    services.tfpb_abatement_update(abatement=abatement, amount=Decimal("52000"))  # no change, no row
    services.tfpb_abatement_delete(abatement=abatement)
    events = TfpbAbatement.pgh_event_models["insert"].objects.filter(pgh_obj_id=pk).order_by("pgh_id")
    assert list(events.values_list("pgh_label", "amount")) == [
        ("insert", Decimal("50000")),
        ("update", Decimal("52000")),
        ("delete", Decimal("52000")),
    ]


# --- The rate, hand-computed -------------------------------------------------------------------------------


def test_the_rate_per_landlord_and_year_on_the_hand_computed_set(world, abatements):
    from gusp.models import GuspAction

    rows = selectors.tfpb_by_landlord(
        GuspAction.objects.filter(programme=world.programme),
        abatements=TfpbAbatement.objects.filter(programme=world.programme),
    )
    assert [(r.landlord, r.year, r.amount, r.abatement, r.valuation_rate) for r in rows] == [
        ("Habitat Métropole", LAST_YEAR, Decimal("30000"), Decimal("40000"), Decimal("0.75")),
        ("Logis du Nord", LAST_YEAR, Decimal("0"), Decimal("20000"), Decimal("0")),
        ("Logis du Nord", THIS_YEAR, Decimal("55000"), Decimal("50000"), Decimal("1.1")),
    ]
    without = selectors.tfpb_by_landlord(GuspAction.objects.filter(programme=world.programme))
    assert [(r.landlord, r.abatement, r.valuation_rate) for r in without] == [
        ("Habitat Métropole", None, None),
        ("Logis du Nord", None, None),
    ]


# --- Who reads which amount ---------------------------------------------------------------------------------

TEAM_LINES = [
    [
        "Habitat Métropole",
        str(LAST_YEAR),
        "1",
        "1",
        euros("30 000"),
        euros("30 000"),
        euros("40 000"),
        "75" + PCT,
    ],
    ["Logis du Nord", str(LAST_YEAR), "0", "0", "0" + EUR, "0" + EUR, euros("20 000"), "0" + PCT],
    [
        "Logis du Nord",
        str(THIS_YEAR),
        "2",
        "1",
        euros("55 000"),
        euros("10 000"),
        euros("50 000"),
        "110" + PCT,
    ],
]
OWN_LINES = TEAM_LINES[1:]


def plan_rows(client) -> list[list[str]] | None:
    response = client.get(ACTIONS)
    assert response.status_code == 200
    return table_rows(response.content.decode(), "tfpb-totaux")


@pytest.mark.parametrize("account", ["mission", "direction", "gusp_referent"])
def test_the_team_reads_every_landlords_abatement_and_rate(world, abatements, as_user, account):
    client = as_user(world.users[account])
    assert plan_rows(client) == TEAM_LINES
    assert dashboard_rows(client) == TEAM_LINES
    html = client.get(DASHBOARD, PERIOD).content.decode()
    assert table_rows(html, "tfpb", "tfoot") == [
        ["Ensemble", "3", "2", euros("85 000"), euros("40 000"), euros("110 000"), "77" + PCT]
    ]
    plan_html = client.get(ACTIONS).content.decode()
    assert table_rows(plan_html, "tfpb-totaux", "tfoot")[0][-2:] == [euros("110 000"), "77" + PCT]


def test_a_landlord_reads_its_own_abatement_only(world, abatements, as_user):
    client = as_user(world.users["handler"])
    assert plan_rows(client) == OWN_LINES
    assert dashboard_rows(client) == OWN_LINES
    html = client.get(DASHBOARD, PERIOD).content.decode()
    assert table_rows(html, "tfpb", "tfoot")[0][-2:] == [euros("70 000"), "79" + PCT]
    page = client.get(LIST, {"annee": LAST_YEAR}).content.decode()
    assert "Habitat Métropole" not in page
    assert table_rows(page, "tfpb-abattements") == [
        ["Logis du Nord", "Tout le programme", euros("20 000"), ""]
    ]
    assert "Enregistrer un montant" not in page
    assert reverse("gusp:abatement_edit", args=[abatements["own_last_year"].pk]) not in page


def test_a_partner_that_is_not_a_landlord_reads_no_abatement(world, abatements, as_user):
    client = as_user(world.users["partner"])  # State services
    assert plan_rows(client) is None
    assert dashboard_rows(client) is None
    for year in (THIS_YEAR, LAST_YEAR):
        page = client.get(LIST, {"annee": year}).content.decode()
        assert "Logis du Nord" not in page
        assert "Habitat Métropole" not in page
        assert f"Aucun montant enregistré pour {year}." in page
        assert "Aucune action valorisée ni aucun abattement de votre organisation" in page


def test_a_member_limited_to_a_quartier_reads_that_quartiers_amounts_only(world, abatements, as_user):
    client = as_user(world.users["mission_b"])  # sector B: none of the three amounts
    page = client.get(LIST, {"annee": LAST_YEAR}).content.decode()
    assert "Aucun montant enregistré" in page


def test_the_action_plans_filters_narrow_the_abatements(world, abatements, as_user):
    client = as_user(world.users["mission"])
    rows = table_rows(client.get(ACTIONS, {"sector": world.sector_a.pk}).content.decode(), "tfpb-totaux")
    # Sector A: Habitat Métropole's amount of sector A; Logis du Nord's are the whole programme's.
    assert [row[0] + " " + row[1] + " " + row[-2] for row in rows] == [
        f"Habitat Métropole {LAST_YEAR} {euros('40 000')}",
        f"Logis du Nord {THIS_YEAR} —",
    ]
    assert table_rows(client.get(ACTIONS, {"tfpb": "non"}).content.decode(), "tfpb-totaux") is None
    rows = table_rows(client.get(ACTIONS, {"year": THIS_YEAR}).content.decode(), "tfpb-totaux")
    assert [row[-1] for row in rows] == ["110" + PCT]


# --- The team's page ------------------------------------------------------------------------------------


def test_the_team_records_an_amount_and_reads_the_comparison(world, plan, as_user):  # noqa: F811
    client = as_user(world.users["mission"])
    page = client.get(LIST, {"annee": THIS_YEAR}).content.decode()
    assert "Enregistrer un montant" in page
    assert table_rows(page, "tfpb-comparaison") == [
        ["Logis du Nord", "2", euros("55 000"), "—", "—"],
    ]
    response = client.post(
        f"{LIST}?annee={THIS_YEAR}",
        {
            "landlord": world.landlord.pk,
            "year": THIS_YEAR,
            "sector": "",
            "amount": "62 500",
            "note": " Bilan ",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?annee={THIS_YEAR}"
    abatement = TfpbAbatement.objects.get()
    assert (abatement.amount, abatement.sector, abatement.note) == (Decimal("62500"), None, "Bilan")
    page = client.get(LIST, {"annee": THIS_YEAR}).content.decode()
    assert table_rows(page, "tfpb-comparaison") == [
        ["Logis du Nord", "2", euros("55 000"), euros("62 500"), "88" + PCT],
    ]
    assert f"Abattement {THIS_YEAR} de Logis du Nord enregistré." in page


def test_a_refused_amount_comes_back_with_the_error_on_its_field(world, as_user):
    client = as_user(world.users["mission"])
    response = client.post(
        LIST, {"landlord": world.city.pk, "year": THIS_YEAR, "sector": "", "amount": "-5", "note": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "landlord" in form.errors  # the city is not offered: not a landlord
    response = client.post(
        LIST, {"landlord": world.landlord.pk, "year": THIS_YEAR, "sector": "", "amount": "-5", "note": ""}
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert "Montant de l'abattement" in response.content.decode()
    response = client.post(
        LIST, {"landlord": world.landlord.pk, "year": "1990", "sector": "", "amount": "10", "note": ""}
    )
    assert "year" in response.context["form"].errors
    assert not TfpbAbatement.objects.exists()


def test_the_team_changes_an_amount_and_removes_one_after_confirming(world, abatements, as_user):
    client = as_user(world.users["mission"])
    abatement = abatements["own_this_year"]
    edit = reverse("gusp:abatement_edit", args=[abatement.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, {"landlord": world.landlord.pk, "year": THIS_YEAR, "sector": "", "amount": "55000", "note": ""}
    )
    assert response.status_code == 302
    abatement.refresh_from_db()
    assert abatement.amount == Decimal("55000")
    delete = reverse("gusp:abatement_delete", args=[abatement.pk])
    confirm = client.get(delete).content.decode()
    assert "Retirer le montant" in confirm
    assert "Logis du Nord" in confirm
    assert euros("55 000") in confirm
    assert TfpbAbatement.objects.filter(pk=abatement.pk).exists()  # GET removes nothing
    assert client.post(delete).status_code == 302
    assert not TfpbAbatement.objects.filter(pk=abatement.pk).exists()


@pytest.mark.parametrize(
    "year", ["0", "abc", "99999999999", "1900", str(TODAY.year + 10), "\x00", "9" * 5000, "２０２５"]
)
def test_an_odd_year_shows_the_current_one(world, as_user, year):
    response = as_user(world.users["mission"]).get(LIST, {"annee": year})
    assert response.status_code == 200
    assert response.context["year"] == TODAY.year


def test_a_partner_may_not_post_an_amount(world, as_user):
    for account in ("handler", "partner", "direction"):
        response = as_user(world.users[account]).post(
            LIST, {"landlord": world.landlord.pk, "year": THIS_YEAR, "sector": "", "amount": "1", "note": ""}
        )
        assert response.status_code == 403
    assert not TfpbAbatement.objects.exists()


# --- Packs ----------------------------------------------------------------------------------------------


def test_the_teams_pack_shows_each_landlords_abatement_and_rate(world, abatements):
    start = datetime.date(LAST_YEAR, 1, 1)
    tfpb = section(scope(world, start=start), "gusp")["tfpb"]
    assert [(r["landlord"], r["year"], r["abatement"], r["rate"]) for r in tfpb["rows"]] == [
        ("Habitat Métropole", str(LAST_YEAR), euros("40 000"), "75" + PCT),
        ("Logis du Nord", str(LAST_YEAR), euros("20 000"), "0" + PCT),
        ("Logis du Nord", str(THIS_YEAR), euros("50 000"), "110" + PCT),
    ]
    (built,) = build_sections(scope(world, start=start), section_keys=["gusp"])
    assert "Taux de valorisation" in built.html
    assert "110" + PCT in built.html


def test_a_partners_pack_gives_the_total_abatement_and_rate_only(world, abatements):
    start = datetime.date(LAST_YEAR, 1, 1)
    tfpb = section(scope(world, start=start, partners=True), "gusp")["tfpb"]
    assert tfpb["rows"] == []
    assert (tfpb["total"]["abatement"], tfpb["total"]["rate"]) == (euros("110 000"), "77" + PCT)
    (built,) = build_sections(scope(world, start=start, partners=True), section_keys=["gusp"])
    tail = built.html.split("Abattement de TFPB")[1]
    assert "Logis du Nord" not in tail
    assert "Habitat Métropole" not in built.html
    assert euros("110 000") in tail
    assert "77" + PCT in tail

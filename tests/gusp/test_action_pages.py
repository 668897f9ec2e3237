"""The action plan: the list, its filters and the TFPB euros per landlord, the export, the team's forms,
and who reads what (a landlord its own TFPB actions, never another landlord's)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import OrganisationKind, Role
from gusp.models import ActionStatus, GuspAction, Volet
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.gusp.factories import GuspActionFactory, GuspConventionFactory

LIST = reverse("gusp:action_list")
EXPORT = reverse("gusp:action_export")
CREATE = reverse("gusp:action_create")
TODAY = timezone.localdate()


def edit_url(action) -> str:
    return reverse("gusp:action_edit", args=[action.pk])


@pytest.fixture
def plan(world):
    """Five actions: the city's (late in sector A, done in sector B), the world's landlord's TFPB ones
    (sector A, and programme-wide), another landlord's TFPB one in sector A."""
    other_landlord = OrganisationFactory(name="Habitat Métropole", kind=OrganisationKind.BAILLEUR)
    world.programme.organisations.add(other_landlord)
    common = {"programme": world.programme}
    actions = {
        "late_city": GuspActionFactory(
            **common,
            sector=world.sector_a,
            owner=world.city,
            title="Sécuriser les abords du chantier",
            due_on=TODAY - datetime.timedelta(days=10),
        ),
        "done_city": GuspActionFactory(
            **common,
            sector=world.sector_b,
            owner=world.city,
            title="Réunion de veille mensuelle",
            volet=Volet.WATCH,
            status=ActionStatus.DONE,
            done_on=TODAY - datetime.timedelta(days=40),
            due_on=TODAY - datetime.timedelta(days=30),
        ),
        "tfpb_own": GuspActionFactory(
            **common,
            tfpb=True,
            sector=world.sector_a,
            owner=world.landlord,
            title="Sur-entretien des halls",
            tfpb_amount=Decimal("45000"),
            tfpb_year=TODAY.year,
            due_on=TODAY + datetime.timedelta(days=60),
        ),
        "tfpb_own_wide": GuspActionFactory(
            **common,
            tfpb=True,
            sector=None,
            owner=world.landlord,
            title="Formation des gardiens",
            tfpb_axis="2",
            tfpb_amount=Decimal("10000"),
            tfpb_year=TODAY.year,
            status=ActionStatus.DONE,
            done_on=TODAY - datetime.timedelta(days=5),
            due_on=TODAY + datetime.timedelta(days=30),
        ),
        "tfpb_other": GuspActionFactory(
            **common,
            tfpb=True,
            sector=world.sector_a,
            owner=other_landlord,
            title="Médiation de nuit",
            tfpb_axis="5",
            tfpb_amount=Decimal("30000"),
            tfpb_year=TODAY.year - 1,
            status=ActionStatus.DONE,
            done_on=datetime.date(TODAY.year - 1, 12, 20),
            due_on=datetime.date(TODAY.year - 1, 12, 31),
        ),
    }
    world.other_landlord = other_landlord
    return actions


def shown(response, plan) -> set[str]:
    html = response.content.decode()
    return {key for key, action in plan.items() if action.title in html}


# --- List -------------------------------------------------------------------------------------------------


def test_the_team_lists_every_action_with_late_ones_highlighted_and_tfpb_totals(world, plan, as_user):
    response = as_user(world.users["mission"]).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert shown(response, plan) == set(plan)
    assert "5 actions" in html
    assert "1 en retard" in html
    assert html.count("gusp-late") == 1
    assert 'class="table-danger gusp-late' in html
    assert edit_url(plan["late_city"]) in html
    totals = response.context["tfpb_totals"]
    assert [(row["landlord"], row["actions"], row["amount"], row["done_amount"]) for row in totals] == [
        ("Habitat Métropole", 1, Decimal("30000"), Decimal("30000")),
        ("Logis du Nord", 2, Decimal("55000"), Decimal("10000")),
    ]
    assert response.context["tfpb_total"] == Decimal("85000")
    assert "85\u202f000\u202f€" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sector": "a"}, {"late_city", "tfpb_own", "tfpb_other"}),
        ({"volet": Volet.WATCH}, {"done_city"}),
        ({"status": ActionStatus.DONE}, {"done_city", "tfpb_own_wide", "tfpb_other"}),
        ({"owner": "city"}, {"late_city", "done_city"}),
        ({"tfpb": "oui"}, {"tfpb_own", "tfpb_own_wide", "tfpb_other"}),
        ({"tfpb": "non"}, {"late_city", "done_city"}),
        ({"year": "last"}, {"tfpb_other"}),
        ({"late": "on"}, {"late_city"}),
    ],
)
def test_each_filter_narrows_the_list_and_the_totals(world, plan, as_user, query, expected):
    values = {
        "sector": lambda v: world.sector_a.pk,
        "owner": lambda v: world.city.pk,
        "year": lambda v: TODAY.year - 1,
    }
    query = {name: values.get(name, lambda v: v)(value) for name, value in query.items()}
    response = as_user(world.users["mission"]).get(LIST, query)
    assert shown(response, plan) == expected
    landlords = {row["landlord"] for row in response.context["tfpb_totals"]}
    assert landlords == {plan[key].owner.name for key in expected if plan[key].tfpb_axis}


def test_the_year_filter_reads_the_due_date_of_an_action_outside_tfpb(world, plan, as_user):
    year = plan["done_city"].due_on.year
    response = as_user(world.users["mission"]).get(LIST, {"year": year, "tfpb": "non"})
    assert "done_city" in shown(response, plan)


@pytest.mark.parametrize("sort", ["due_on", "-due_on", "status", "-tfpb_amount", "owner", "sector", "title"])
def test_the_list_sorts_by_each_column(world, plan, as_user, sort):
    response = as_user(world.users["mission"]).get(LIST, {"sort": sort})
    assert response.status_code == 200
    assert len(response.context["table"].rows) == 5


def test_the_list_sorts_by_due_date(world, plan, as_user):
    response = as_user(world.users["mission"]).get(LIST, {"sort": "-due_on"})
    titles = [row.record.title for row in response.context["table"].paginated_rows]
    by_due = sorted(plan.values(), key=lambda action: action.due_on, reverse=True)
    assert titles == [action.title for action in by_due]
    assert titles[0] == plan["tfpb_own"].title


def test_the_list_is_paginated(world, as_user):
    GuspActionFactory.create_batch(55, programme=world.programme, sector=world.sector_a, owner=world.city)
    client = as_user(world.users["mission"])
    first = client.get(LIST)
    assert len(first.context["table"].paginated_rows) == 50
    second = client.get(LIST, {"page": "2"})
    assert len(second.context["table"].paginated_rows) == 5
    assert client.get(LIST, {"page": "999", "per_page": "-1"}).status_code == 200


def test_an_empty_list_says_so(world, as_user):
    html = as_user(world.users["mission"]).get(LIST).content.decode()
    assert "Aucune action ne correspond à ces critères." in html
    assert "Aucune action valorisée au titre de l'abattement de TFPB" in html


def test_odd_query_parameters_do_not_fail(world, plan, as_user):
    client = as_user(world.users["mission"])
    for query in (
        {"year": "0"},
        {"year": "99999999999"},
        {"sector": "abc"},
        {"owner": "-1"},
        {"tfpb": "peut-etre"},
        {"status": "\x00"},
        {"sort": "owner__name"},
        {"sort": "a.b"},
    ):
        assert client.get(LIST, query).status_code == 200, query
        assert client.get(EXPORT, query).status_code == 200, query


def test_htmx_swaps_the_list_only(world, plan, as_user):
    response = as_user(world.users["mission"]).get(LIST, {"tfpb": "oui"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="actions-table"' in html
    assert 'id="tfpb-totaux"' in html


# --- Partners ---------------------------------------------------------------------------------------------


def test_a_landlord_reads_its_own_tfpb_actions_not_another_landlords(world, plan, as_user):
    response = as_user(world.users["handler"]).get(LIST)
    assert response.status_code == 200
    assert shown(response, plan) == {"late_city", "done_city", "tfpb_own", "tfpb_own_wide"}
    html = response.content.decode()
    assert "Habitat Métropole" not in html.split('id="tfpb-bailleurs"')[1]
    assert "/modifier/" not in html
    assert "Nouvelle action" not in html
    assert [row["landlord"] for row in response.context["tfpb_totals"]] == ["Logis du Nord"]


def test_a_partner_reads_no_tfpb_action_but_its_own(world, plan, as_user):
    response = as_user(world.users["partner"]).get(LIST)
    assert shown(response, plan) == {"late_city", "done_city"}


def test_a_partner_limited_to_a_sector_reads_that_sector_only(world, plan, as_user):
    user = MembershipFactory(
        programme=world.programme,
        role=Role.PARTNER,
        organisation=OrganisationFactory(kind="etat"),
        sectors=[world.sector_b],
    ).user
    assert shown(as_user(user).get(LIST), plan) == {"done_city"}


def test_partners_open_no_form_and_are_refused_out_of_their_scope(world, plan, as_user):
    client = as_user(world.users["handler"])
    assert client.get(edit_url(plan["tfpb_own"])).status_code == 403  # in scope: read only
    assert client.get(edit_url(plan["tfpb_other"])).status_code == 404  # another landlord's
    assert client.post(edit_url(plan["tfpb_other"]), {"title": "x"}).status_code == 404
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"title": "x"}).status_code == 403
    assert GuspAction.objects.count() == 5


def test_an_action_of_another_programme_is_not_found(world, as_user):
    other = GuspActionFactory()
    assert as_user(world.users["mission"]).get(edit_url(other)).status_code == 404


def test_a_member_limited_to_a_sector_does_not_see_the_other_sectors_actions(world, plan, as_user):
    response = as_user(world.users["mission_b"]).get(LIST)
    assert shown(response, plan) == {"done_city"}
    assert as_user(world.users["mission_b"]).get(edit_url(plan["late_city"])).status_code == 404


# --- Export -----------------------------------------------------------------------------------------------


def rows_of(response) -> list[tuple]:
    workbook = load_workbook(
        io.BytesIO(b"".join(response.streaming_content))
        if response.streaming
        else io.BytesIO(response.content)
    )
    return list(workbook.active.iter_rows(values_only=True))


def test_the_export_follows_the_filters_with_tfpb_columns(world, plan, as_user):
    response = as_user(world.users["mission"]).get(EXPORT, {"tfpb": "oui"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(response)
    header = rows[0]
    assert header[:3] == ("Action", "Précisions", "Quartier")
    by_title = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_title) == {plan[key].title for key in ("tfpb_own", "tfpb_own_wide", "tfpb_other")}
    own = by_title["Sur-entretien des halls"]
    assert own["Porteur"] == "Logis du Nord"
    assert own["Montant valorisé (€)"] == 45000
    assert own["Année de l'abattement"] == TODAY.year
    assert own["Axe TFPB"].startswith("3.")
    assert own["En retard"] == "Non"


def test_the_export_marks_late_actions(world, plan, as_user):
    rows = rows_of(as_user(world.users["mission"]).get(EXPORT, {"late": "on"}))
    assert len(rows) == 2
    assert rows[1][0] == plan["late_city"].title
    assert rows[1][rows[0].index("En retard")] == "Oui"


def test_a_landlord_exports_what_it_reads(world, plan, as_user):
    rows = rows_of(as_user(world.users["handler"]).get(EXPORT))
    assert {row[0] for row in rows[1:]} == {
        plan[key].title for key in ("late_city", "done_city", "tfpb_own", "tfpb_own_wide")
    }


# --- Forms ------------------------------------------------------------------------------------------------


def action_data(world, **fields) -> dict:
    data = {
        "title": "Enlèvement renforcé des encombrants",
        "description": "Deux passages par semaine pendant la démolition.",
        "volet": Volet.WORKS,
        "sector": world.sector_a.pk,
        "convention": "",
        "owner": world.city.pk,
        "due_on": "2027-03-31",
        "status": ActionStatus.TODO,
        "done_on": "",
        "tfpb_axis": "",
        "tfpb_year": "",
        "tfpb_amount": "",
    }
    data.update(fields)
    return data


def test_the_referent_creates_a_tfpb_action(world, as_user):
    convention = GuspConventionFactory(programme=world.programme)
    data = action_data(
        world,
        owner=world.landlord.pk,
        convention=convention.pk,
        tfpb_axis="4",
        tfpb_year="2026",
        tfpb_amount="12 500,50",
    )
    response = as_user(world.users["gusp_referent"]).post(CREATE, data)
    assert response.status_code == 302, response.context["form"].errors
    action = GuspAction.objects.get()
    assert action.owner == world.landlord
    assert action.convention == convention
    assert action.tfpb_amount == Decimal("12500.50")
    assert action.tfpb_year == 2026
    assert action.programme == world.programme


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire"),
        ({"due_on": "31/02/2027"}, "due_on", "Saisissez une date valide"),
        ({"tfpb_axis": "3", "tfpb_year": "2026"}, "tfpb_amount", "Indiquez le montant valorisé"),
        (
            {"tfpb_axis": "3", "tfpb_year": "2026", "tfpb_amount": "100", "owner": "city"},
            "owner",
            "portée par un bailleur",
        ),
        ({"tfpb_amount": "100"}, "tfpb_axis", "suppose un axe TFPB"),
        (
            {"tfpb_amount": "-5", "tfpb_axis": "3", "tfpb_year": "2026", "owner": "landlord"},
            "tfpb_amount",
            "supérieure ou égale à 0",
        ),
        ({"status": ActionStatus.DONE}, "done_on", "Indiquez la date de réalisation"),
        ({"done_on": "2026-01-01"}, "done_on", "Seule une action réalisée"),
        ({"owner": "999999"}, "owner", "Sélectionnez un choix valide"),
        (
            {"tfpb_year": "1800", "tfpb_axis": "3", "tfpb_amount": "1", "owner": "landlord"},
            "tfpb_year",
            "supérieure ou égale à 2015",
        ),
    ],
)
def test_an_invalid_action_form_writes_nothing_and_names_the_field(world, as_user, fields, field, message):
    owners = {"city": world.city.pk, "landlord": world.landlord.pk}
    if fields.get("owner") in owners:
        fields["owner"] = owners[fields["owner"]]
    response = as_user(world.users["mission"]).post(CREATE, action_data(world, **fields))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert f'id="id_{field}_error_1"' in response.content.decode()
    assert not GuspAction.objects.exists()


def test_the_edit_form_offers_the_lifecycles_next_statuses_and_records_the_day_done(world, plan, as_user):
    action = plan["late_city"]
    client = as_user(world.users["mission"])
    form = client.get(edit_url(action)).context["form"]
    assert [value for value, _ in form.fields["status"].choices] == [
        ActionStatus.TODO,
        ActionStatus.IN_PROGRESS,
        ActionStatus.DONE,
        ActionStatus.DROPPED,
    ]
    data = action_data(
        world,
        title=action.title,
        description="",
        volet=action.volet,
        due_on=action.due_on.isoformat(),
        status=ActionStatus.DONE,
    )
    response = client.post(edit_url(action), data)
    assert response.status_code == 302, response.context["form"].errors
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.done_on == TODAY
    assert "gusp-late" not in client.get(LIST).content.decode()


def test_a_step_outside_the_lifecycle_is_refused_on_the_status_field(world, plan, as_user):
    action = plan["done_city"]  # réalisée: only back to « en cours »
    data = action_data(
        world,
        title=action.title,
        sector=world.sector_b.pk,
        volet=action.volet,
        due_on=action.due_on.isoformat(),
        status=ActionStatus.DROPPED,
    )
    response = as_user(world.users["mission"]).post(edit_url(action), data)
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_a_member_limited_to_a_sector_keeps_its_actions_in_its_sectors(world, plan, as_user):
    from accounts.models import Domain

    user = MembershipFactory(
        programme=world.programme, role=Role.REFERENT, referent_domain=Domain.GUSP, sectors=[world.sector_b]
    ).user
    action = plan["done_city"]
    data = action_data(
        world,
        title="Veille renforcée",
        sector="",
        volet=action.volet,
        due_on="2027-01-01",
        status=ActionStatus.DONE,
        done_on=action.done_on.isoformat(),
    )
    response = as_user(user).post(edit_url(action), data)
    assert response.status_code == 200
    assert "sector" in response.context["form"].errors
    action.refresh_from_db()
    assert action.title == "Réunion de veille mensuelle"

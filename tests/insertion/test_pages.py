"""Insertion pages: dashboard, MOA page, markets (list, page, correction, export), participants (grant,
MFA, access log) — on the hand-computed data set of tests/insertion/test_indicators.py.

The data set (see its docstring): m1 (MOA A, O1 in S1, ANRU, 500 h visées, 562 h réalisées), m2 (MOA B, O2 in
S2, ANRU, 500 h / 360 h), m3 (MOA A, no operation, not ANRU, 200 h / 280 h); participants p1 (woman, QPV),
p2 (man, QPV), p3 (woman, outside the QPVs); five contracts.
"""

import datetime
from decimal import Decimal
from html import unescape
from io import BytesIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Domain, Role
from core.models import AccessAction, AccessEvent
from insertion.models import Market, Participant
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.insertion.factories import MarketFactory, ParticipantFactory, WorkContractFactory
from tests.insertion.test_indicators import build_data_set
from tests.projects.factories import ProgrammeFactory
from tests.utils import count_queries

NNBSP = "\u202f"


def percent(value: int) -> str:
    return f"{value}{NNBSP}%"


def grouped(text: str) -> str:
    """ "1 000" as the pages write it (a narrow no-break space between thousands)."""
    return text.replace(" ", NNBSP)


@pytest.fixture
def data(programme):
    return build_data_set(programme)


def member(programme, role=Role.MISSION, **kwargs):
    return MembershipFactory(
        programme=programme, role=role, organisation=OrganisationFactory(), **kwargs
    ).user


def granted_user(programme, role=Role.MISSION, **kwargs):
    user = member(programme, role, personal_data_domains=["insertion"], **kwargs)
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def granted_client(client, programme):
    client.force_login(granted_user(programme))
    return client


@pytest.fixture
def partner_s1(client, data):
    """A partner limited to sector S1, whose organisation is MOA A."""
    membership = MembershipFactory(
        programme=data["programme"], role=Role.PARTNER, organisation=data["moa_a"], sectors=[data["s1"]]
    )
    client.force_login(membership.user)
    return client


def html_of(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def sheet_rows(response, title: str) -> list[tuple]:
    workbook = load_workbook(BytesIO(response.content))
    return list(workbook[title].iter_rows(values_only=True))


def _events(action=None):
    events = AccessEvent.objects.filter(domain="insertion")
    return events.filter(action=action) if action else events


def _people_references(programme) -> list[str]:
    return [
        value
        for pair in Participant.objects.filter(programme=programme).values_list(
            "reference", "facilitator_reference"
        )
        for value in pair
    ]


# --- Dashboard --------------------------------------------------------------------------------------------


def test_empty_state(mission_client):
    html = html_of(mission_client.get(reverse("insertion:dashboard")))
    assert "Aucun marché avec clause d'insertion n'est encore enregistré" in html


def test_mission_sees_hours_moas_and_people(mission_client, data):
    response = mission_client.get(reverse("insertion:dashboard"))
    html = html_of(response)
    hours = response.context["programme_hours"]
    assert (hours["anru"]["target"], hours["anru"]["achieved"], hours["anru"]["rate"]) == (
        grouped("1 000"),
        "922",
        percent(92),
    )
    assert hours["other"]["rate"] == percent(140)  # above 100 %: shown as it is
    assert hours["total"]["rate"] == percent(100)
    moas = {row["label"]: row for row in response.context["moa_rows"]}
    assert moas["MOA A"]["total"]["rate"] == percent(120)
    assert moas["MOA B"]["total"]["rate"] == percent(72)
    assert reverse("insertion:moa_detail", args=[data["moa_a"].pk]) in html
    dispersion = response.context["dispersion"]
    assert (dispersion["reached"], dispersion["moas"], dispersion["median"]) == (1, 2, percent(96))
    people = response.context["people"]
    assert (people.participants, people.women_share, people.qpv_share) == ("3", percent(67), percent(67))
    assert response.context["exits"].durable_share == percent(50)
    assert reverse("insertion:dashboard_operations") in html
    assert "Secret statistique" not in html
    # each chart (MOAs, months, ages, publics, contract types, modalities) above its table
    assert html.count("data:image/svg+xml") == 6
    assert html.index("Graphique : heures d'insertion visées et réalisées par maître d'ouvrage") < html.index(
        'id="heures-moa"'
    )
    for reference in _people_references(data["programme"]):
        assert reference not in html  # never a participant here


def test_partner_sees_their_sector_and_masked_people(partner_s1, data):
    response = partner_s1.get(reverse("insertion:dashboard"))
    html = html_of(response)
    hours = response.context["programme_hours"]
    # Sector S1: m1 only (m2 is in S2, m3 has no operation hence no sector)
    assert (hours["total"]["target"], hours["total"]["achieved"]) == ("500", "562")
    assert "MOA B" not in html
    people = response.context["people"]
    assert people.hidden  # 3 participants: nothing about them is published
    assert people.participants == "< 5"
    assert "aucun chiffre sur les personnes n'est publié" in html
    assert "Secret statistique" in html
    assert html.count("data:image/svg+xml") == 2  # hours only: the MOAs' and the months'
    assert "Graphique : participants" not in html
    # its own organisation's page is linked, no other
    assert reverse("insertion:moa_detail", args=[data["moa_a"].pk]) in html
    assert reverse("insertion:moa_detail", args=[data["moa_b"].pk]) not in html


def test_partner_masks_a_small_count_and_its_complement(client, programme, sector_a):
    """Six participants in sector A, one woman: « < 5 » women, the men masked too (« s »), no share."""
    market = MarketFactory(programme=programme, operation__sector=sector_a)
    for index in range(6):
        WorkContractFactory(
            programme=programme,
            market=market,
            participant=ParticipantFactory(programme=programme, sex="femme" if index == 0 else "homme"),
        )
    partner = member(programme, Role.PARTNER, sectors=[sector_a])
    client.force_login(partner)
    people = client.get(reverse("insertion:dashboard")).context["people"]
    assert people.participants == "6"
    assert [row.count for row in people.sexes] == ["< 5", "s", "6"]
    assert people.women_share == "—"
    contracts = client.get(reverse("insertion:dashboard")).context["contract_kinds"]
    cdd = next(row for row in contracts.by_type if row.label == "CDD")
    assert (cdd.count, cdd.hours) == ("6", grouped("4 200"))


def test_mission_sees_small_counts(mission_client, programme, sector_a):
    market = MarketFactory(programme=programme, operation__sector=sector_a)
    WorkContractFactory(programme=programme, market=market)
    people = mission_client.get(reverse("insertion:dashboard")).context["people"]
    assert (people.participants, people.hidden) == ("1", False)


def test_operations_drill_down(mission_client, data):
    response = mission_client.get(reverse("insertion:dashboard_operations"), {"au": "2024-06-30"})
    html = html_of(response)
    labels = [row["label"] for row in response.context["operation_rows"]]
    assert labels == [
        "O1 — Démolition Verlaine",
        "O2 — Études urbaines",
        "Marchés à rattacher à une opération",
    ]
    assert "Situation au 30 juin 2024" in html
    assert reverse("projects:operation_detail", args=[data["o1"].pk]) in html


def test_partner_operations_drill_down_is_scoped(partner_s1, data):
    response = partner_s1.get(reverse("insertion:dashboard_operations"))
    assert [row["label"] for row in response.context["operation_rows"]] == ["O1 — Démolition Verlaine"]


def test_situation_date(mission_client, data):
    response = mission_client.get(reverse("insertion:dashboard"), {"au": "2024-06-30"})
    html = html_of(response)
    assert "Situation au 30 juin 2024" in html
    assert response.context["as_of"] == datetime.date(2024, 6, 30)
    # on 30 June 2024 the contracts of m2 (started February 2024) have run 151 days out of 360
    assert response.context["figures"].as_of == datetime.date(2024, 6, 30)
    wrong = mission_client.get(reverse("insertion:dashboard"), {"au": "2999-01-01"})
    assert "ne peut pas être dans le futur" in html_of(wrong)
    assert wrong.context["as_of"] is None


def test_dashboard_export_has_every_table(mission_client, data):
    response = mission_client.get(reverse("insertion:dashboard_export"))
    assert response.status_code == 200
    names = load_workbook(BytesIO(response.content)).sheetnames
    assert names == [
        "Heures par MOA",
        "Heures par opération",
        "Heures par quartier",
        "Heures par marché",
        "Heures par mois",
        "Participants",
        "Contrats",
        "Sorties à six mois",
    ]
    moas = sheet_rows(response, "Heures par MOA")
    assert moas[0][:4] == (
        "Maître d'ouvrage",
        "Heures visées (ANRU)",
        "Heures réalisées (ANRU)",
        "Réalisation (ANRU)",
    )
    assert moas[1][0] == "MOA A"
    assert moas[-1][0] == "Ensemble"
    assert moas[-1][7:9] == (1200, 1202)
    people = sheet_rows(response, "Participants")
    assert ("Sexe", "Femmes", 2, percent(67)) in people


def test_partner_dashboard_export_is_masked(partner_s1, data):
    response = partner_s1.get(reverse("insertion:dashboard_export"))
    people = sheet_rows(response, "Participants")
    counts = [row[2] for row in people[1:]]
    assert all(value in ("< 5", "s", 0) for value in counts), counts
    moas = sheet_rows(response, "Heures par MOA")
    assert [row[0] for row in moas[1:]] == ["MOA A", "Ensemble"]


def test_dashboard_query_count_does_not_grow_with_contracts(mission_client, programme, sector_a):
    market = MarketFactory(programme=programme, operation__sector=sector_a)
    WorkContractFactory.create_batch(5, programme=programme, market=market)
    url = reverse("insertion:dashboard")
    with_5 = count_queries(mission_client, url)
    other = MarketFactory(programme=programme, operation__sector=sector_a)
    WorkContractFactory.create_batch(60, programme=programme, market=other)
    assert count_queries(mission_client, url) == with_5


# --- MOA page ---------------------------------------------------------------------------------------------


def test_mission_opens_any_moa(mission_client, data):
    response = mission_client.get(reverse("insertion:moa_detail", args=[data["moa_a"].pk]))
    html = html_of(response)
    labels = [row["label"] for row in response.context["market_rows"]]
    assert labels == ["M-1 — Démolition", "M-3 — Entretien des espaces"]
    assert response.context["programme_hours"]["total"]["rate"] == percent(120)
    assert response.context["people"].participants == "3"  # p1, p2 and p3 worked on m1 or m3
    assert "M-2" not in html


def test_partner_sees_its_own_moa_only(partner_s1, data):
    response = partner_s1.get(reverse("insertion:moa_detail", args=[data["moa_a"].pk]))
    html = html_of(response)
    assert [row["label"] for row in response.context["market_rows"]] == ["M-1 — Démolition"]
    assert response.context["people"].participants == "< 5"
    assert "Secret statistique" in html
    assert partner_s1.get(reverse("insertion:moa_detail", args=[data["moa_b"].pk])).status_code == 404


def test_partner_of_another_organisation_gets_404(client, data):
    client.force_login(member(data["programme"], Role.PARTNER))
    assert client.get(reverse("insertion:moa_detail", args=[data["moa_a"].pk])).status_code == 404


def test_moa_without_market_is_404(mission_client, data):
    other = OrganisationFactory(name="Sans marché")
    assert mission_client.get(reverse("insertion:moa_detail", args=[other.pk])).status_code == 404


# --- Markets ----------------------------------------------------------------------------------------------


def test_market_list_shows_hours_and_rate(mission_client, data):
    response = mission_client.get(reverse("insertion:market_list"))
    html = html_of(response)
    assert "3 marchés" in html
    rows = {market.number: market for market in response.context["table"].data}
    assert (rows["M-1"].target, rows["M-1"].achieved) == (Decimal("500.0"), Decimal("562.0"))
    assert percent(112) in html
    assert percent(140) in html
    assert "À rattacher" in html


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ({"to_link": "on"}, ["M-3"]),
        ({"anru": "non"}, ["M-3"]),
        ({"anru": "oui"}, ["M-1", "M-2"]),
        ({"kind": "ingenierie"}, ["M-2"]),
        ({"q": "entretien"}, ["M-3"]),
        ({"q": "M-2"}, ["M-2"]),
    ],
)
def test_market_list_filters(mission_client, data, query, numbers):
    response = mission_client.get(reverse("insertion:market_list"), query)
    assert sorted(market.number for market in response.context["table"].data) == numbers


def test_market_list_filters_by_moa_and_operation(mission_client, data):
    url = reverse("insertion:market_list")
    by_moa = mission_client.get(url, {"moa": data["moa_a"].pk}).context["table"].data
    assert sorted(market.number for market in by_moa) == ["M-1", "M-3"]
    by_operation = mission_client.get(url, {"operation": data["o2"].pk}).context["table"].data
    assert [market.number for market in by_operation] == ["M-2"]


def test_market_list_sorts_by_rate_and_htmx_partial(mission_client, data):
    response = mission_client.get(reverse("insertion:market_list"), {"sort": "-rate"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert html.index("M-3") < html.index("M-1") < html.index("M-2")  # 140 %, 112 %, 72 %


def test_partner_market_list_is_scoped_and_says_so(partner_s1, data):
    html = html_of(partner_s1.get(reverse("insertion:market_list")))
    assert "1 marché" in html
    assert "2 marchés hors de votre périmètre" in html
    assert "M-2" not in html


def test_market_list_query_count_is_constant(mission_client, programme, sector_a):
    url = reverse("insertion:market_list")
    MarketFactory.create_batch(3, programme=programme, operation__sector=sector_a)
    with_3 = count_queries(mission_client, url)
    for market in MarketFactory.create_batch(30, programme=programme, operation__sector=sector_a):
        WorkContractFactory(programme=programme, market=market)
    assert count_queries(mission_client, url) == with_3


def test_market_export(mission_client, data):
    response = mission_client.get(reverse("insertion:market_export"), {"anru": "oui"})
    rows = sheet_rows(response, "Marchés")
    header = rows[0]
    assert header[0] == "Numéro"
    assert [row[0] for row in rows[1:]] == ["M-1", "M-2"]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Heures visées"] == 500
    assert first["Heures réalisées (qui comptent)"] == 562
    assert first["Taux de réalisation"] == pytest.approx(1.124)
    assert first["Maître d'ouvrage"] == "MOA A"


def test_market_page_has_its_figures_and_no_person(mission_client, data):
    market = Market.objects.get(number="M-1")
    response = mission_client.get(reverse("insertion:market_detail", args=[market.pk]))
    html = html_of(response)
    assert response.context["market_hours"]["rate"] == percent(112)
    assert response.context["people"].participants == "3"
    assert response.context["contract_kinds"].total == "3"
    assert "Contrats un par un" not in html  # no grant
    assert "Modifier" in html
    assert "Historique des modifications" in html
    for reference in _people_references(data["programme"]):
        assert reference not in html


def test_granted_member_is_offered_the_contracts(granted_client, data):
    market = Market.objects.get(number="M-1")
    html = html_of(granted_client.get(reverse("insertion:market_detail", args=[market.pk])))
    assert reverse("insertion:market_contracts", args=[market.pk]) in html
    assert not _events().exists()  # the market's page shows no one


def test_partner_market_page_masks_people(partner_s1, data):
    market = Market.objects.get(number="M-1")
    response = partner_s1.get(reverse("insertion:market_detail", args=[market.pk]))
    html = html_of(response)
    assert response.context["people"].participants == "< 5"
    assert html.count("data:image/svg+xml") == 1  # the months' hours, no chart of people
    assert "Modifier" not in html
    assert "Historique des modifications" not in html
    other = Market.objects.get(number="M-2")
    assert partner_s1.get(reverse("insertion:market_detail", args=[other.pk])).status_code == 404


def test_editor_links_an_operation_and_corrects_the_target(mission_client, data):
    market = Market.objects.get(number="M-3")
    url = reverse("insertion:market_edit", args=[market.pk])
    form = html_of(mission_client.get(url))
    assert "data-autocomplete-url" in form
    response = mission_client.post(
        url,
        {
            "operation": data["o2"].pk,
            "labour_hours": "3 000",
            "target_percent": "7,5",
            "target_hours_override": "",
        },
    )
    assert response.status_code == 302
    market.refresh_from_db()
    assert market.operation == data["o2"]
    assert market.target_rate == Decimal("0.075")
    assert market.target_hours == Decimal("225.0")
    page = html_of(mission_client.get(reverse("insertion:market_detail", args=[market.pk])))
    assert "O2 — Études urbaines" in page
    history = mission_client.get(reverse("insertion:market_detail", args=[market.pk])).context["history"]
    changes = {change.field: change for entry in history for change in entry.changes}
    assert (changes["Opération"].before, changes["Opération"].after) == ("(vide)", str(data["o2"]))
    assert changes["Taux d'insertion visé"].after == f"7,5{NNBSP}%"


def test_an_empty_rate_brings_back_the_charte_and_errors_show(mission_client, data):
    market = Market.objects.get(number="M-3")
    url = reverse("insertion:market_edit", args=[market.pk])
    mission_client.post(url, {"operation": "", "labour_hours": "2000", "target_percent": ""})
    market.refresh_from_db()
    assert market.target_rate == Decimal("0.10")  # gestion urbaine
    response = mission_client.post(url, {"operation": "", "labour_hours": "-5", "target_percent": "150"})
    assert response.status_code == 200
    assert "Rien n'a été enregistré" in html_of(response)


def test_operation_choices_are_searched_within_the_scope(client, data):
    client.force_login(member(data["programme"]))
    mission_client = client
    response = mission_client.get(reverse("insertion:operation_choices"), {"q": "etudes"})
    assert [item["text"] for item in response.json()["results"]] == [str(data["o2"])]
    partner = MembershipFactory(programme=data["programme"], role=Role.PARTNER, sectors=[data["s1"]]).user
    client.force_login(partner)
    response = client.get(reverse("insertion:operation_choices"))
    assert [item["text"] for item in response.json()["results"]] == [str(data["o1"])]


@pytest.mark.parametrize("role", [Role.DIRECTION, Role.REFERENT])
def test_readers_cannot_correct_a_market(client, data, role):
    client.force_login(
        member(data["programme"], role, referent_domain=Domain.INSERTION if role == Role.REFERENT else "")
    )
    market = Market.objects.get(number="M-1")
    assert (
        client.post(reverse("insertion:market_edit", args=[market.pk]), {"operation": ""}).status_code == 403
    )


# --- Contracts and participants one by one -----------------------------------------------------------------


def test_market_contracts_for_the_granted_member_are_logged(granted_client, data):
    market = Market.objects.get(number="M-1")
    html = html_of(granted_client.get(reverse("insertion:market_contracts", args=[market.pk])))
    assert "3 contrats" in html
    references = Participant.objects.filter(contracts__market=market).values_list("reference", flat=True)
    for reference in references:
        assert reference in html
    event = _events(AccessAction.LIST).get()
    assert (event.model, event.object_ref, event.count) == ("WorkContract", "M-1", 3)


def test_participants_list_filters_and_log(granted_client, data):
    url = reverse("insertion:participant_list")
    html = html_of(granted_client.get(url))
    assert "3 participants" in html
    assert _events(AccessAction.LIST).get().count == 3
    outside = granted_client.get(url, {"qpv": "non"}, HTTP_HX_REQUEST="true")
    assert "<html" not in outside.content.decode()
    assert [p.sex for p in outside.context["table"].data] == ["femme"]
    for query, expected in [
        ({"sex": "homme"}, 1),
        ({"age_band": "lt26"}, 1),
        ({"public": "rsa"}, 1),
        ({"active": "oui"}, 0),  # every contract of the data set has ended
        ({"active": "non"}, 3),
    ]:
        assert granted_client.get(url, query).context["table"].paginator.count == expected, query
    assert _events(AccessAction.LIST).count() == 7


def test_participant_page_shows_contracts_and_is_logged(granted_client, data):
    participant = Participant.objects.get(programme=data["programme"], sex="homme")
    html = html_of(granted_client.get(reverse("insertion:participant_detail", args=[participant.pk])))
    assert participant.facilitator_reference in html
    assert "M-1" in html
    assert "M-2" in html
    assert "Contrats (2)" in html
    event = _events(AccessAction.VIEW).get()
    assert (event.model, event.object_ref) == ("Participant", participant.reference)
    assert participant.facilitator_reference not in f"{event.object_ref} {event.path}"


@pytest.mark.parametrize("role", [Role.MISSION, Role.DIRECTION, Role.ADMIN])
def test_without_the_grant_no_participant_and_no_event(client, data, role):
    client.force_login(member(data["programme"], role))
    participant = Participant.objects.filter(programme=data["programme"]).first()
    response = client.get(reverse("insertion:participant_list"))
    assert response.status_code == 403
    assert "habilitation" in response.content.decode()
    assert client.get(reverse("insertion:participant_export")).status_code == 403
    assert client.get(reverse("insertion:participant_detail", args=[participant.pk])).status_code == 404
    market = Market.objects.get(number="M-1")
    assert client.get(reverse("insertion:market_contracts", args=[market.pk])).status_code == 404
    assert not AccessEvent.objects.exists()


def test_relogement_grant_does_not_open_participants(client, data):
    membership = MembershipFactory(programme=data["programme"], personal_data_domains=["relogement"])
    TOTP.activate(membership.user, generate_totp_secret())
    client.force_login(membership.user)
    assert client.get(reverse("insertion:participant_list")).status_code == 403


def test_grant_in_another_programme_opens_nothing(client, data):
    client.force_login(granted_user(ProgrammeFactory()))
    participant = Participant.objects.filter(programme=data["programme"]).first()
    assert client.get(reverse("insertion:participant_detail", args=[participant.pk])).status_code == 404


def test_participant_export_two_sheets_logged(granted_client, data):
    response = granted_client.get(reverse("insertion:participant_export"), {"qpv": "oui"})
    assert response.status_code == 200
    participants = sheet_rows(response, "Participants")
    contracts = sheet_rows(response, "Contrats")
    assert participants[0][0] == "Référence"
    assert len(participants) == 3  # header + p1, p2
    assert len(contracts) == 4  # header + c1, c3, c5
    headers = " ".join(participants[0]).lower()
    for word in ("nom", "naissance", "adresse", "téléphone"):
        assert word not in headers.split()
    event = _events(AccessAction.EXPORT).get()
    assert (event.model, event.count) == ("Participant", 2)


def test_granted_insertion_referent_exports_but_granted_direction_does_not(client, data):
    referent = granted_user(data["programme"], Role.REFERENT, referent_domain=Domain.INSERTION)
    client.force_login(referent)
    assert client.get(reverse("insertion:participant_export")).status_code == 200
    client.force_login(granted_user(data["programme"], Role.DIRECTION))
    assert client.get(reverse("insertion:participant_list")).status_code == 200
    assert client.get(reverse("insertion:participant_export")).status_code == 403


def test_participant_list_query_count_is_constant(granted_client, programme, sector_a):
    market = MarketFactory(programme=programme, operation__sector=sector_a)
    WorkContractFactory.create_batch(3, programme=programme, market=market)
    url = reverse("insertion:participant_list")
    with_3 = count_queries(granted_client, url)
    WorkContractFactory.create_batch(40, programme=programme, market=market)
    assert count_queries(granted_client, url) == with_3


def test_menu_entry(mission_client, data):
    html = html_of(mission_client.get(reverse("projects:dashboard")))
    assert f'href="{reverse("insertion:dashboard")}">Insertion</a>' in html


@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999"])
def test_a_wrong_operation_in_the_address_is_ignored(mission_client, data, value):
    response = mission_client.get(reverse("insertion:market_list"), {"operation": value})
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 3

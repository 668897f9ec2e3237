"""The GUSP dashboard (/gusp/): the figures it shows against a set built by hand (the `world` of
tests/gusp/conftest.py and a few more), the scope of each reader, its filters and its empty state."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from gusp.models import ActionStatus, ReportStatus
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.gusp.conftest import days_ago, report
from tests.gusp.factories import GuspActionFactory, WalkAuditFactory

R = ReportStatus
URL = reverse("gusp:dashboard")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def data(world):
    """The world's reports, plus: a landlord's report handled late (20 days for a 15-day target), a walk
    audit ten days ago with two observations (one resolved, one sent), a TFPB action of the landlord.

    By hand, the whole programme: open 6 (Propreté 4 with 2 late, Gestion locative 2 with 1 late; Ville de
    Lille 4 / 2, Logis du Nord 2 / 1); handled 3 (Ville de Lille 2, both within target in 1 day; Logis du
    Nord 1, late, 20 days), median 1 day, acknowledgement 6 hours; 10 reports made in the period, 4 closed;
    hotspots at the factories' point of sector A: Gestion locative 3 (2 open), Propreté 3 (2 open)."""
    today = timezone.localdate()
    report(
        world,
        "landlord_late",
        theme=world.housing,
        status=R.RESOLVED,
        reported_at=days_ago(30),
        closed_at=days_ago(10),
    )
    walk = WalkAuditFactory(
        programme=world.programme, sector=world.sector_b, held_on=today - datetime.timedelta(days=10)
    )
    common = {"sector": world.sector_b, "walk_audit": walk, "latitude": None, "longitude": None}
    report(world, "walk_resolved", status=R.RESOLVED, reported_at=days_ago(10), address="", **common)
    report(world, "walk_open", status=R.SENT, reported_at=days_ago(1), address="", **common)
    GuspActionFactory(
        programme=world.programme,
        sector=world.sector_a,
        tfpb=True,
        owner=world.landlord,
        tfpb_year=today.year,
        tfpb_amount=Decimal("12000"),
        status=ActionStatus.DONE,
    )
    return world


def test_the_figures_shown_are_those_computed_by_hand(data, as_user):
    response = as_user(data.users["mission"]).get(URL)
    assert response.status_code == 200
    context = response.context
    total = context["open_total"]
    assert (total.open, total.late, total.late_share) == ("6", "3", "50\u202f%")
    assert [(row.label, row.open, row.late) for row in context["themes"]] == [
        ("Propreté", "4", "2"),
        ("Gestion locative", "2", "1"),
    ]
    assert [(row.label, row.open, row.late) for row in context["handlers"]] == [
        ("Ville de Lille", "4", "2"),
        ("Logis du Nord", "2", "1"),
    ]
    handling = [
        (row.label, row.handled, row.within_target, row.within_share, row.median_days, row.median_ack_hours)
        for row in [*context["handling"], context["handling_total"]]
    ]
    assert handling == [
        ("Logis du Nord", "1", "0", "0\u202f%", "20,0\u202fj", "6,0\u202fh"),
        ("Ville de Lille", "2", "2", "100\u202f%", "1,0\u202fj", "6,0\u202fh"),
        ("Ensemble", "3", "2", "67\u202f%", "1,0\u202fj", "6,0\u202fh"),
    ]
    assert (context["reported"], context["closed_share"]) == ("10", "40\u202f%")
    assert [(row["theme"], row["sector"], row["reports"], row["open"]) for row in context["hotspots"]] == [
        ("Gestion locative", "Moulins", "3", "2"),
        ("Propreté", "Moulins", "3", "2"),
    ]
    map_url = context["hotspots"][0]["map_url"]
    assert map_url.startswith(reverse("gusp:report_map") + "?")
    assert f"sector={data.sector_a.pk}" in map_url
    assert f"theme={data.housing.pk}" in map_url
    walks = context["walks"]
    assert (walks["held"], walks["participants"], walks["residents"]) == ("1", "20", "12")
    assert (walks["observations"], walks["resolved"], walks["open"], walks["resolved_share"]) == (
        "2",
        "1",
        "1",
        "50\u202f%",
    )
    (tfpb,) = context["tfpb"]["rows"]
    assert (tfpb["landlord"], tfpb["actions"], tfpb["done"], tfpb["amount"]) == (
        "Logis du Nord",
        "1",
        "1",
        "12\u202f000\u202f€",
    )
    html = response.content.decode()
    assert 'id="ouverts-themes"' in html
    assert 'id="traitement"' in html
    assert 'id="tfpb"' in html
    assert html.count('class="chart-img"') == 2  # by theme and by handler, each beside its table
    assert f'href="{map_url.replace("&", "&amp;")}"' in html
    assert "secret statistique" not in html.lower()


def test_a_partner_limited_to_one_sector_sees_only_its_figures(data, as_user, settings):
    settings.DISCLOSURE_THRESHOLD = 1  # nothing masked: the figures themselves are compared
    partner = MembershipFactory(
        programme=data.programme,
        role=Role.PARTNER,
        organisation=OrganisationFactory(kind=OrganisationKind.ETAT),
        sectors=[data.sector_b],
    ).user
    context = as_user(partner).get(URL).context
    # Sector B: new_recent (open, not late), resolved_city and walk_resolved (handled by the city), walk_open.
    assert (context["open_total"].open, context["open_total"].late) == ("2", "0")
    assert [row.label for row in context["themes"]] == ["Propreté"]
    assert [(row.label, row.handled) for row in context["handling"]] == [("Ville de Lille", "2")]
    assert context["reported"] == "4"
    assert context["hotspots"] == []  # the hotspots are in sector A
    assert context["tfpb"]["rows"] == []  # the action is in sector A
    assert context["walks"]["held"] == "1"
    # Its quartier filter offers its own sectors only; another one is refused, its own figures stay.
    assert list(context["form"].fields["quartier"].queryset) == [data.sector_b]
    response = as_user(partner).get(URL, {"quartier": data.sector_a.pk})
    assert response.status_code == 200
    assert response.context["open_total"].open == "2"
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_partners_small_counts_are_masked(data, as_user):
    partner = MembershipFactory(
        programme=data.programme, role=Role.PARTNER, organisation=data.landlord, sectors=[data.sector_b]
    ).user
    response = as_user(partner).get(URL)
    context = response.context
    assert (context["open_total"].open, context["open_total"].late_share) == ("< 5", "—")
    assert context["handling_total"].median_days == "—"  # a median of a masked count is not published
    assert context["walks"]["participants"] == "20"  # above the threshold: shown
    assert context["theme_chart"] is None
    assert context["handler_chart"] is None
    assert "Secret statistique" in response.content.decode()


def test_a_mission_member_limited_to_a_sector_sees_its_figures_unmasked(data, as_user):
    context = as_user(data.users["mission_b"]).get(URL).context
    assert (context["open_total"].open, context["reported"]) == ("2", "4")


def test_the_period_and_the_quartier_filter_the_figures(data, as_user):
    client = as_user(data.users["mission"])
    since = (timezone.localdate() - datetime.timedelta(days=15)).isoformat()
    # Made in the last 15 days: new_old, new_recent, new_housing, sent_city, walk_resolved, walk_open.
    assert client.get(URL, {"du": since}).context["reported"] == "6"
    context = client.get(URL, {"quartier": data.sector_b.pk}).context
    assert (context["open_total"].open, context["reported"]) == ("2", "4")
    assert context["sector"] == data.sector_b


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"du": "2026-05-01", "au": "2026-01-01"}, "Du : La date doit précéder celle de « Au »."),
        ({"du": "1850-01-01"}, "Du : Choisissez une date postérieure à 2000."),
        ({"au": "2999-01-01"}, "Au : La date ne peut pas être dans le futur."),
        ({"du": "abc", "au": "9999-99-99", "quartier": "zzz"}, "Du : Saisissez une date valide."),
        ({"quartier": "-1", "du": "\x00"}, "Quartier : Sélectionnez un choix valide."),
    ],
)
def test_odd_filters_give_a_french_error_and_the_default_figures(data, as_user, query, error):
    response = as_user(data.users["mission"]).get(URL, query)
    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert response.context["open_total"].open == "6"


def test_empty_state(programme, as_user):
    user = MembershipFactory(programme=programme, role=Role.MISSION).user
    response = as_user(user).get(URL)
    assert response.status_code == 200
    assert response.context["empty"]
    assert "Aucun signalement, diagnostic en marchant ni action TFPB" in response.content.decode()


def test_the_number_of_queries_does_not_depend_on_the_data(world, as_user):
    client = as_user(world.users["mission"])

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    for index in range(30):
        report(world, f"more-{index}", status=(R.NEW, R.RESOLVED)[index % 2], reported_at=days_ago(index + 1))
    assert queries() == few


def test_the_menu_entry_and_the_first_tab_open_the_dashboard(world, as_user):
    from gusp.navigation import ENTRIES

    assert [entry.url_name for entry in ENTRIES] == ["gusp:dashboard"]
    html = as_user(world.users["mission"]).get(URL).content.decode()
    tabs = html[html.index('aria-label="Pages de la GUSP"') :]
    first = re.search(r'<a class="nav-link([^"]*)"[^>]*href="([^"]+)">([^<]+)</a>', tabs)
    assert first.groups() == (" active", URL, "Tableau de bord")

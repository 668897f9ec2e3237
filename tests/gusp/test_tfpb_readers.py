"""Who reads which landlord's TFPB actions and euros: the action plan's rule (a partner reads the TFPB
actions its own organisation carries, never another landlord's; a partner that is not a landlord reads
none; the programme's people read all of their perimeter) holds on the GUSP dashboard too, and a partners'
pack, read by every partner, gives the landlords' total without each one's line (docs/gusp.md)."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reporting.generator import build_sections
from reporting.models import PackKind
from tests.accounts.factories import MembershipFactory
from tests.gusp.test_action_pages import plan  # noqa: F401 (fixture: five actions, three of them TFPB)
from tests.gusp.test_pack import scope, section

DASHBOARD = reverse("gusp:dashboard")
ACTIONS = reverse("gusp:action_list")
TODAY = timezone.localdate()
# Both years of the plan's TFPB actions (this year's for Logis du Nord, last year's for Habitat Métropole).
PERIOD = {"du": datetime.date(TODAY.year - 1, 1, 1).isoformat(), "au": TODAY.isoformat()}
THIS_YEAR, LAST_YEAR = str(TODAY.year), str(TODAY.year - 1)
# Logis du Nord: 45,000 € to do in sector A and 10,000 € done programme-wide; Habitat Métropole: 30,000 €
# done in sector A, last year.
# No abatement recorded in this set: no abatement, no « taux de valorisation » (test_tfpb_abatements.py).
EVERY_LANDLORD = [
    ["Habitat Métropole", LAST_YEAR, "1", "1", "30\u202f000\u202f€", "30\u202f000\u202f€", "—", "—"],
    ["Logis du Nord", THIS_YEAR, "2", "1", "55\u202f000\u202f€", "10\u202f000\u202f€", "—", "—"],
]
OWN_LINE = [EVERY_LANDLORD[1]]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


class _Rows(HTMLParser):
    """The text of each cell of each row of the table with id `table_id`, per section (thead, tbody…)."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.part = table_id, False, ""
        self.rows: dict[str, list[list[str]]] = {}
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag in ("thead", "tbody", "tfoot"):
            self.part = tag
        elif self.inside and tag == "tr":
            self.rows.setdefault(self.part, []).append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("th", "td") and self.cell is not None:
            self.rows[self.part][-1].append(re.sub(r"[ \t\n]+", " ", "".join(self.cell)).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_id: str, part: str = "tbody") -> list[list[str]] | None:
    """The rows of that part of the table, None when the page has no such table."""
    parser = _Rows(table_id)
    parser.feed(html)
    return parser.rows.get(part) if parser.rows else None


def dashboard_rows(client) -> list[list[str]] | None:
    response = client.get(DASHBOARD, PERIOD)
    assert response.status_code == 200
    return table_rows(response.content.decode(), "tfpb")


def plan_landlords(client) -> list[str]:
    return [row["landlord"] for row in client.get(ACTIONS).context["tfpb_totals"]]


@pytest.mark.parametrize("account", ["mission", "direction", "gusp_referent"])
def test_the_team_reads_every_landlords_line(world, plan, as_user, account):  # noqa: F811
    client = as_user(world.users[account])
    assert dashboard_rows(client) == EVERY_LANDLORD
    html = client.get(DASHBOARD, PERIOD).content.decode()
    assert table_rows(html, "tfpb", "tfoot") == [
        ["Ensemble", "3", "2", "85\u202f000\u202f€", "40\u202f000\u202f€", "—", "—"]
    ]
    assert "un partenaire ne voit pas les actions TFPB" not in html


def test_a_landlord_reads_its_own_line_only(world, plan, as_user):  # noqa: F811
    client = as_user(world.users["handler"])  # a partner of Logis du Nord, over the whole programme
    assert dashboard_rows(client) == OWN_LINE
    html = client.get(DASHBOARD, PERIOD).content.decode()
    assert "Habitat Métropole" not in html
    assert table_rows(html, "tfpb", "tfoot") == [
        ["Ensemble", "2", "1", "55\u202f000\u202f€", "10\u202f000\u202f€", "—", "—"]
    ]
    assert (
        "Celles de votre organisation : un partenaire ne voit pas les actions TFPB des autres bailleurs."
        in html
    )


def test_a_landlord_limited_to_a_quartier_reads_its_own_actions_as_on_the_action_plan(world, plan, as_user):  # noqa: F811
    user = MembershipFactory(
        programme=world.programme, role=Role.PARTNER, organisation=world.landlord, sectors=[world.sector_b]
    ).user
    client = as_user(user)
    # Its organisation's actions of sector A and of the whole programme, as the action plan shows them.
    assert dashboard_rows(client) == OWN_LINE
    assert plan_landlords(client) == ["Logis du Nord"]


def test_a_partner_that_is_not_a_landlord_reads_no_tfpb_line(world, plan, as_user):  # noqa: F811
    client = as_user(world.users["partner"])  # State services, over the whole programme
    assert dashboard_rows(client) is None
    html = client.get(DASHBOARD, PERIOD).content.decode()
    assert "Logis du Nord" not in html.split('id="titre-tfpb"')[1]
    assert "Habitat Métropole" not in html
    assert "Aucune action TFPB de votre organisation pour les années de la période" in html
    assert plan_landlords(client) == []


@pytest.mark.parametrize("account", ["mission", "direction", "gusp_referent", "handler", "partner"])
def test_the_dashboard_and_the_action_plan_show_the_same_landlords(world, plan, as_user, account):  # noqa: F811
    client = as_user(world.users[account])
    assert [row[0] for row in dashboard_rows(client) or []] == plan_landlords(client)


def test_a_landlord_after_the_team_does_not_read_the_teams_cached_figures(world, plan, as_user):  # noqa: F811
    """The team and a landlord over the whole programme have the same perimeter, not the same TFPB lines."""
    assert dashboard_rows(as_user(world.users["mission"])) == EVERY_LANDLORD
    assert dashboard_rows(as_user(world.users["handler"])) == OWN_LINE
    assert dashboard_rows(as_user(world.users["partner"])) is None
    assert dashboard_rows(as_user(world.users["mission"])) == EVERY_LANDLORD


def test_a_partners_pack_gives_the_landlords_total_without_each_ones_line(world, plan):  # noqa: F811
    start = datetime.date(TODAY.year - 1, 1, 1)
    # The COPIL over both years; the revue over this calendar year (Logis du Nord's two actions).
    for kind, key, total in (
        (PackKind.COPIL, "gusp", ("3", "85\u202f000\u202f€")),
        (PackKind.REVUE, "gusp-synthese", ("2", "55\u202f000\u202f€")),
    ):
        tfpb = section(scope(world, kind=kind, start=start, partners=True), key)["tfpb"]
        assert tfpb["rows"] == []
        assert tfpb["any"]
        assert (tfpb["total"]["actions"], tfpb["total"]["amount"]) == total
    (built,) = build_sections(scope(world, start=start, partners=True), section_keys=["gusp"])
    assert "Logis du Nord" not in built.html.split("Abattement de TFPB")[1]
    assert "Habitat Métropole" not in built.html
    assert "Ensemble des bailleurs" in built.html
    assert "Sans le détail par bailleur" in built.html
    (built,) = build_sections(
        scope(world, kind=PackKind.REVUE, start=start, partners=True), section_keys=["gusp-synthese"]
    )
    assert "(1 réalisée, 10\u202f000\u202f€), sans le détail par bailleur." in built.html
    assert "Logis du Nord 2 actions" not in built.html
    assert "2 actions des bailleurs valorisées pour 55\u202f000\u202f€" in built.html


def test_the_teams_pack_keeps_each_landlords_line(world, plan):  # noqa: F811
    start = datetime.date(TODAY.year - 1, 1, 1)
    tfpb = section(scope(world, start=start), "gusp")["tfpb"]
    assert [(row["landlord"], row["year"], row["amount"]) for row in tfpb["rows"]] == [
        (row[0], row[1], row[4]) for row in EVERY_LANDLORD
    ]
    (built,) = build_sections(scope(world, kind=PackKind.REVUE, start=start), section_keys=["gusp-synthese"])
    assert "Logis du Nord 2 actions, 55\u202f000\u202f€." in built.html
    assert "sans le détail par bailleur" not in built.html

"""Insertion sections of the packs, on the hand-computed data set of test_indicators (its docstring gives
the markets and contracts): hours per MOA and per operation, the pack's scope and situation date, masking
for partners, the revue's year, and the PDF."""

import datetime
import subprocess
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Role
from core.audience import INTERNAL, PARTNERS
from core.formatting import NARROW_NBSP
from core.pdf import render_pdf
from insertion import reports
from reporting import services as packs
from reporting.kinds import SECTIONS_BY_KIND
from reporting.models import PackAudience, PackKind
from tests.accounts.factories import MembershipFactory
from tests.insertion.factories import MarketFactory, ParticipantFactory, WorkContractFactory
from tests.insertion.test_indicators import build_data_set
from tests.projects.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
N = NARROW_NBSP


def pct(value: int) -> str:
    return f"{value}{N}%"


def hours(text: str) -> str:
    return text.replace(" ", N)


@pytest.fixture
def data():
    return build_data_set()


def scope(data, *, kind=PackKind.COPIL, sector=None, end=datetime.date(2025, 6, 30), partners=False):
    pack = packs.pack_create(
        programme=data["programme"],
        kind=kind,
        sector=sector,
        period_start=end.replace(month=1, day=1),
        period_end=end,
        audience=PackAudience.PARTNERS if partners else PackAudience.INTERNAL,
    )
    return packs.pack_scope(pack)


def section_html(pack_scope, key: str) -> str:
    html = unescape(packs.pack_html(pack_scope))
    assert f'id="{key}"' in html, key
    return html.split(f'id="{key}"', 1)[1].split("</section>", 1)[0]


# --- COPIL and COTEC ---------------------------------------------------------------------------------------


def test_copil_section_has_target_and_achieved_hours_per_moa_and_operation(data):
    """At 30 June 2025 every contract has ended: the figures of the whole data set."""
    context = reports.insertion(scope(data))
    total = context["total"]
    assert total["anru"] == {"target": hours("1 000"), "achieved": "922", "rate": pct(92), "reached": False}
    assert total["other"] == {"target": "200", "achieved": "280", "rate": pct(140), "reached": True}
    assert total["rate"] == pct(100)  # 1,202 of 1,200 h
    moas = {row["label"]: row for row in context["moas"]}
    assert moas["MOA A"]["anru"]["rate"] == pct(112)  # 562 / 500: above 100 %
    assert moas["MOA A"]["other"]["achieved"] == "280"
    assert moas["MOA A"]["rate"] == pct(120)  # 842 / 700
    assert moas["MOA B"]["anru"] == {"target": "500", "achieved": "360", "rate": pct(72), "reached": False}
    assert moas["MOA B"]["other"]["target"] == "—"  # MOA B has no other market
    assert "2 l'atteignent" not in context["dispersion"]
    assert context["dispersion"] == (
        f"2 maîtres d'ouvrage ont un objectif : 1 l'atteint ou le dépasse, 1 reste en dessous ; "
        f"taux de {pct(72)} à {pct(120)}, médian {pct(96)}."
    )
    anru, other = context["operations"]
    assert [(row["label"], row["target"], row["achieved"]) for row in anru["rows"]] == [
        ("O1 — Démolition Verlaine", "500", "562"),
        ("O2 — Études urbaines", "500", "360"),
    ]
    assert anru["subtotal"]["achieved"] == "922"
    assert [row["label"] for row in other["rows"]] == ["Marchés à rattacher à une opération"]


def test_copil_section_has_the_participants_and_the_exits(data):
    context = reports.insertion(scope(data))
    people = context["people"]
    assert people["participants"] == "3"
    assert (people["qpv"]["count"], people["qpv"]["share"]) == ("2", pct(67))
    assert (people["women"]["count"], people["women"]["share"]) == ("2", pct(67))
    assert [(row["label"], row["count"]) for row in people["ages"]] == [
        ("moins de 26 ans", "1"),
        ("26 à 44 ans", "1"),
        ("45 à 49 ans", "0"),
        ("50 ans et plus", "1"),
    ]
    publics = {row["label"]: row["count"] for row in people["publics"]}
    assert publics["Bénéficiaire du RSA"] == "1"
    assert publics["Personne suivie par une SIAE"] == "0"
    # Six months before 30 June 2025: c1, c2, c4, c5 ended (c3 ended in January 2025); c1 and c4 were
    # followed by a durable job, c2's situation is unknown: 2 of 3 known.
    exits = context["exits"]
    assert (exits["ended"], exits["known"], exits["durable"], exits["durable_share"]) == (
        "4",
        "3",
        "2",
        pct(67),
    )
    assert context["contracts"] == "5"


def test_copil_section_reads_the_figures_at_the_situation_date(data):
    """On 20 January 2024 (hand-computed in test_indicators): c1 20 days of 100 → 80 h, c5 162 h; m3 not
    started yet; two participants."""
    context = reports.insertion(scope(data, end=datetime.date(2024, 1, 20)))
    assert context["total"]["anru"]["achieved"] == "242"
    assert context["total"]["other"]["target"] == "—"
    assert context["people"]["participants"] == "2"
    assert [row["label"] for group in context["operations"] for row in group["rows"]] == [
        "O1 — Démolition Verlaine",
        "O2 — Études urbaines",
    ]


def test_a_sector_copil_covers_its_sector_only(data):
    context = reports.insertion(scope(data, sector=data["s1"]))
    assert [row["label"] for row in context["moas"]] == ["MOA A"]
    assert context["moas"][0]["anru"]["achieved"] == "562"
    assert context["moas"][0]["other"]["achieved"] == "—"  # m3 is linked to no operation: no sector
    assert [row["label"] for group in context["operations"] for row in group["rows"]] == [
        "O1 — Démolition Verlaine"
    ]
    assert context["total"]["rate"] == pct(112)
    assert context["people"]["participants"] == "3"  # c1 p1, c2 p3, c5 p2 on m1
    html = section_html(scope(data, sector=data["s1"]), "insertion")
    assert "O1 — Démolition Verlaine" in html
    assert "Études urbaines" not in html
    assert "MOA B" not in html


def test_a_sector_without_markets_has_no_section(data):
    from tests.projects.factories import SectorFactory

    empty = SectorFactory(programme=data["programme"], name="Sans clause")
    assert reports.insertion(scope(data, sector=empty)) is None
    assert 'id="insertion"' not in packs.pack_html(scope(data, sector=empty))


def test_partner_pack_masks_the_small_counts_of_people_not_the_hours(data):
    pack_scope = scope(data, partners=True)
    context = reports.insertion(pack_scope)
    people = context["people"]
    assert people["participants"] == "< 5"
    assert people["qpv"] == {"label": "Habitants d'un QPV", "count": "< 5", "share": "—"}
    assert {row["count"] for row in people["ages"]} <= {"< 5", "0"}
    assert context["exits"]["durable_share"] == "—"
    assert context["contracts"] == "5"  # five is not below the threshold
    assert context["total"]["anru"]["achieved"] == "922"  # hours are not counts of people
    html = section_html(pack_scope, "insertion")
    assert "secret statistique" in html
    assert "data:image/svg+xml" in html  # the hours chart is no chart of people
    # never a bare mask in a key figure: the card says what is not published
    values = [part.split("</p>", 1)[0].strip() for part in html.split('<p class="kpi-value">')[1:]]
    assert values == ["1 202".replace(" ", N), pct(100), "—", "—"]
    assert "moins de 5 : non publié (secret statistique)" in html
    assert "secret statistique" not in section_html(scope(data), "insertion")


def test_a_lone_small_count_hides_its_complement_too():
    """Five QPV residents of six: the one outside a QPV is masked, and so is the five, or the total would
    give it back."""
    rows, total = reports.count_table([("QPV", 5), ("Hors QPV", 1)], 6, PARTNERS)
    assert [row["count"] for row in rows] == ["s", "< 5"]
    assert [row["share"] for row in rows] == ["—", "—"]
    assert total == "6"
    rows, _ = reports.count_table([("QPV", 5), ("Hors QPV", 1)], 6, INTERNAL)
    assert [(row["count"], row["share"]) for row in rows] == [("5", pct(83)), ("1", pct(17))]
    # Publics overlap (no total to recompute from): only the small counts are masked.
    rows, _ = reports.count_table([("RSA", 5), ("RQTH", 1)], 6, PARTNERS, adds_up=False)
    assert [row["count"] for row in rows] == ["5", "< 5"]


def test_partner_pack_shows_the_counts_that_are_large_enough():
    programme = ProgrammeFactory()
    market = MarketFactory(programme=programme)
    for index in range(7):
        participant = ParticipantFactory(programme=programme, sex="femme" if index < 6 else "homme")
        WorkContractFactory(programme=programme, market=market, participant=participant)
    pack = packs.pack_create(
        programme=programme,
        kind=PackKind.COPIL,
        sector=None,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
        audience=PackAudience.PARTNERS,
    )
    people = reports.insertion(packs.pack_scope(pack))["people"]
    assert people["participants"] == "7"
    assert people["qpv"]["count"] == "7"  # every one lives in a QPV (the factory's default)
    assert people["women"]["count"] == "s"  # 6 women, but 7 − 6 = the one man
    assert people["women"]["share"] == "—"


# --- Revue de projet ---------------------------------------------------------------------------------------


def test_revue_section_compares_the_year_with_31_december(data):
    """Revue of 2025: by 31 December 2024, c3 (1 h a day from 1 February 2024 to 25 January 2025) had
    worked 335 days → 335 h; every other contract had ended. ANRU: 562 + 335 = 897 h, then 922 h."""
    context = reports.insertion_summary(scope(data, kind=PackKind.REVUE, end=datetime.date(2025, 12, 31)))
    assert (context["year"], context["previous_year"]) == ("2025", "2024")
    total = context["total"]
    assert (total["target"], total["before"], total["year"], total["after"]) == (
        hours("1 200"),
        hours("1 177"),
        "25",
        hours("1 202"),
    )
    assert total["rate"] == pct(100)
    anru, other = context["kinds"]
    assert (anru["before"], anru["year"], anru["after"], anru["rate"]) == ("897", "25", "922", pct(92))
    assert (other["before"], other["year"], other["after"]) == ("280", "0", "280")
    sectors = {row["label"]: (row["before"], row["year"], row["after"]) for row in context["sectors"]}
    assert sectors == {
        "S1": ("562", "0", "562"),
        "S2": ("335", "25", "360"),
        "Échelle du programme ou marchés à rattacher": ("280", "0", "280"),
    }
    assert context["year_participants"] == "1"  # p2 alone worked in 2025 (c3)
    assert context["people"]["participants"] == "3"
    assert context["people"]["shares"] == f"{pct(67)} habitent un QPV, {pct(67)} de femmes"
    partners = reports.insertion_summary(
        scope(data, kind=PackKind.REVUE, end=datetime.date(2025, 12, 31), partners=True)
    )
    assert (partners["year_participants"], partners["year_participants_hidden"]) == ("< 5", True)
    assert partners["people"]["shares"] == ""  # shares of fewer than five people are not published
    assert partners["total"] == total  # hours are not masked
    assert context["dispersion"].startswith("2 maîtres d'ouvrage ont un objectif")


@pytest.mark.parametrize(
    ("kind", "key"),
    [(PackKind.COPIL, "insertion"), (PackKind.COTEC, "insertion"), (PackKind.REVUE, "insertion-synthese")],
)
def test_each_kind_of_pack_holds_the_section(data, kind, key):
    assert key in SECTIONS_BY_KIND[kind]
    assert SECTIONS_BY_KIND[kind].index(key) > SECTIONS_BY_KIND[kind].index(
        "relogement-synthese" if kind == PackKind.REVUE else "relogement"
    )
    html = section_html(scope(data, kind=kind, end=datetime.date(2025, 12, 31)), key)
    assert "Clauses d'insertion" in html
    assert "MOA A" in html or kind == PackKind.REVUE  # the revue gives the MOAs' spread, per sector
    assert "Ensemble" in html
    assert "data:image/svg+xml" in html  # the cumulative hours chart


def test_the_copil_draws_the_dashboards_hours_chart(data, client):
    """Same figures, same chart: the pack's cumulative hours at its situation date are the dashboard's
    at the same date (`?au=`), drawn by the same `insertion.charts.hours_chart`."""
    end = datetime.date(2025, 6, 30)
    client.force_login(MembershipFactory(programme=data["programme"], role=Role.MISSION).user)

    page = client.get(reverse("insertion:dashboard"), {"au": end.isoformat()})
    pack_chart = reports.insertion(scope(data, end=end))["hours_chart"]

    assert page.status_code == 200
    assert pack_chart.startswith("data:image/svg+xml")
    assert page.context["hours_chart"] == pack_chart


def test_the_pdf_shows_the_section_and_every_column(data, tmp_path, pdftotext):
    """The tables' last columns stand on the A4 page: pdftotext leaves out what a too wide table pushes
    past the page's edge."""
    path = tmp_path / "copil.pdf"
    path.write_bytes(render_pdf(packs.pack_html(scope(data))).content)
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    text = text.stdout.decode().replace(N, " ").replace("\u00a0", " ")
    assert "Clauses d'insertion" in text
    for expected in ("Taux d'ensemble", "MOA A", "O1 — Démolition Verlaine", "1 202", "Autre public validé"):
        assert expected in text, expected

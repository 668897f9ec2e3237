"""GUSP sections of the packs (gusp/reports.py): in each kind of pack, the dashboard's figures and charts
over the pack's scope and period, masked in a partners' pack, left out without any GUSP data."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from reporting import services as packs
from reporting.generator import build_sections
from reporting.kinds import SECTIONS_BY_KIND
from reporting.models import PackAudience, PackKind
from tests.accounts.factories import OrganisationFactory
from tests.gusp.conftest import days_ago, report
from tests.gusp.test_dashboard import data  # noqa: F401 (fixture: the dashboard's hand-built set)

URL = reverse("gusp:dashboard")
SHOWN = (
    "open_total",
    "themes",
    "handlers",
    "handling",
    "handling_total",
    "reported",
    "closed_share",
    "walks",
)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def scope(world, *, kind=PackKind.COPIL, sector=None, start=None, partners=False):
    end = timezone.localdate()
    pack = packs.pack_create(
        programme=world.programme,
        kind=kind,
        sector=sector,
        period_start=start or end - datetime.timedelta(days=364),
        period_end=end,
        audience=PackAudience.PARTNERS if partners else PackAudience.INTERNAL,
    )
    return packs.pack_scope(pack)


def section(scope_, key: str) -> dict:
    from gusp import reports

    return {"gusp": reports.gusp, "gusp-synthese": reports.gusp_summary}[key](scope_)


def without_links(rows: list[dict]) -> list[dict]:
    return [{key: value for key, value in row.items() if key != "map_url"} for row in rows]


@pytest.mark.parametrize(
    ("kind", "key", "after"),
    [
        (PackKind.COPIL, "gusp", "insertion"),
        (PackKind.COTEC, "gusp", "insertion"),
        (PackKind.REVUE, "gusp-synthese", "insertion-synthese"),
    ],
)
def test_each_kind_of_pack_holds_the_section_after_insertion(data, kind, key, after):  # noqa: F811
    keys = SECTIONS_BY_KIND[kind]
    assert keys.index(key) == keys.index(after) + 1
    (built,) = build_sections(scope(data, kind=kind), section_keys=[key])
    assert built.title == "Gestion urbaine de proximité"
    html = built.html
    for expected in ("Signalements ouverts par thème", "traitement dans le délai cible", "Logis du Nord"):
        assert expected in html
    # Open reports by theme and by handler; the revue's table per handler stands without its chart.
    assert html.count("data:image/svg+xml") == (1 if kind == PackKind.REVUE else 2)
    assert "Par organisation en charge : signalements ouverts, et traitement" in html


def test_the_section_shows_the_dashboards_figures_and_charts(data, as_user):  # noqa: F811
    """Same period (the pack's: the dashboard's `?du=` and `?au=`), same scope: the same strings and the
    same SVG."""
    client = as_user(data.users["mission"])
    for kind, key in ((PackKind.COPIL, "gusp"), (PackKind.COTEC, "gusp"), (PackKind.REVUE, "gusp-synthese")):
        pack_scope = scope(data, kind=kind)
        period = {"du": pack_scope.period_start.isoformat(), "au": pack_scope.period_end.isoformat()}
        page = client.get(URL, period).context
        context = section(pack_scope, key)
        for name in SHOWN:
            assert context[name] == page[name], (kind, name)
        assert context["tfpb"] == page["tfpb"]
        kept = len(context["hotspots"])  # the revue names the first one only
        assert without_links(context["hotspots"]) == without_links(page["hotspots"])[:kept]
        assert context["hotspots_count"] == len(page["hotspots"])
        assert context["theme_chart"] == page["theme_chart"]
        assert context["handler_chart"] == page["handler_chart"]
        assert context["theme_chart"].startswith("data:image/svg+xml")
    assert section(scope(data), "gusp")["open_total"].open == "6"


def test_a_sector_copil_covers_its_sector_only(data, as_user):  # noqa: F811
    context = section(scope(data, sector=data.sector_b), "gusp")
    page = as_user(data.users["mission"]).get(URL, {"quartier": data.sector_b.pk}).context
    assert (context["open_total"].open, context["reported"]) == ("2", "4")
    for name in SHOWN:
        assert context[name] == page[name], name
    assert context["hotspots"] == []  # the hotspots are in sector A
    assert context["tfpb"]["rows"] == []


def test_the_period_is_the_packs(data):  # noqa: F811
    since = timezone.localdate() - datetime.timedelta(days=15)
    context = section(scope(data, start=since), "gusp")
    assert context["reported"] == "6"  # made in the last 15 days (see test_dashboard)
    assert context["period_start"] == since


def test_a_partners_pack_masks_the_small_counts(data):  # noqa: F811
    context = section(scope(data, sector=data.sector_b, partners=True), "gusp")
    assert (context["open_total"].open, context["open_total"].late_share) == ("< 5", "—")
    assert context["theme_chart"] is None  # it would draw the masked counts
    (built,) = build_sections(scope(data, sector=data.sector_b, partners=True), section_keys=["gusp"])
    assert "secret statistique" in built.html


def test_no_gusp_data_no_section(programme):
    empty = SimpleNamespace(programme=programme)
    assert section(scope(empty), "gusp") is None
    assert section(scope(empty, kind=PackKind.REVUE), "gusp-synthese") is None


def test_the_table_per_handler_joins_open_and_handled_reports(data):  # noqa: F811
    summary = section(scope(data), "gusp")["handler_summary"]
    lines = [
        (row["label"], row["open"], row["late"], row["handled"], row["within_target"], row["median_days"])
        for row in [*summary["rows"], summary["total"]]
    ]
    assert lines == [
        ("Ville de Lille", "4", "2", "2", "2", "1,0\u202fj"),
        ("Logis du Nord", "2", "1", "1", "0", "20,0\u202fj"),
        ("Ensemble", "6", "3", "3", "2", "1,0\u202fj"),
    ]


def test_the_revue_groups_the_handlers_beyond_the_first_ones(data):  # noqa: F811
    from gusp import display, reports

    figures = reports.scope_figures(scope(data, kind=PackKind.REVUE))
    summary = display.handler_summary(figures, scope(data).audience, kept=1)
    assert summary["rows"] == [  # kept=1 with two handlers: nothing to group (one line for one line)
        *display.handler_summary(figures, scope(data).audience)["rows"]
    ]
    # Three handlers, one kept: the two others in one line, their medians unknown.
    other = OrganisationFactory(name="Métropole")
    report(data, "third", theme=data.cleanliness, handler=other, reported_at=days_ago(2))
    figures = reports.scope_figures(scope(data, kind=PackKind.REVUE))
    rows = display.handler_summary(figures, scope(data).audience, kept=1)["rows"]
    assert [(row["label"], row["open"], row["handled"], row["median_days"]) for row in rows] == [
        ("Ville de Lille", "4", "2", "1,0\u202fj"),
        ("Autres organisations (2)", "3", "1", "—"),
    ]


def test_the_walks_and_tfpb_tables_stand_full_width(data):  # noqa: F811
    """Seven columns of TFPB figures do not hold in half a page (the rate was cut at the page's edge): the
    walks' figures stand on one row and the TFPB table below them, neither inside a half-page column."""
    html = packs.pack_html(scope(data))
    gusp_part = html[html.index("Diagnostics en marchant de la période") - 400 :]
    walks_table = gusp_part[: gusp_part.index("Abattement de TFPB : actions des bailleurs")]
    assert 'class="column"' not in walks_table
    assert "Actions de suivi (réalisées)" in walks_table
    assert "Taux de valorisation" in gusp_part

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
    for expected in ("Signalements ouverts par thème", "Traitement dans le délai cible", "Logis du Nord"):
        assert expected in html
    assert html.count("data:image/svg+xml") == 2  # open reports by theme and by handler


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
        assert without_links(context["hotspots"]) == without_links(page["hotspots"])
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

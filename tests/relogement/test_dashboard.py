"""Relogement dashboard and pack section: aggregates only, masked for partners, same figures in both."""

import datetime
import subprocess
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from core.disclosure import mask_small_counts
from core.pdf import render_pdf
from relogement import selectors
from relogement.models import HouseholdStatus
from reporting import services as packs
from reporting.models import PackAudience, PackKind
from tests.projects.factories import OperationFactory, SectorFactory
from tests.relogement.factories import HouseholdFactory, RehousingFactory
from tests.relogement.test_indicators import build_data_set
from tests.utils import count_queries, svg_size

URL = "relogement:dashboard"
NNBSP = "\u202f"


@pytest.fixture
def data_set(programme, sector_a, sector_b):
    return build_data_set(programme, sector_a, sector_b)


def _many_households(programme, count: int):
    sectors = SectorFactory.create_batch(2, programme=programme)
    operations = [OperationFactory(programme=programme, sector=sector) for sector in sectors]
    statuses = [HouseholdStatus.REHOUSED, HouseholdStatus.SEARCHING, HouseholdStatus.LEFT]
    for index in range(count):
        status = statuses[index % 3]
        household = HouseholdFactory(
            programme=programme, origin_operation=operations[index % 2], status=status
        )
        if status == HouseholdStatus.REHOUSED:
            RehousingFactory(household=household, satisfaction=1 + index % 5)


def test_empty_state(mission_client):
    response = mission_client.get(reverse(URL))
    assert response.status_code == 200
    assert "Aucun ménage à reloger n'est encore enregistré" in response.content.decode()


def test_mission_sees_figures_tables_and_charts(mission_client, data_set):
    response = mission_client.get(reverse(URL))
    html = unescape(response.content.decode())
    total = response.context["total_row"]
    assert (total["households"], total["definitive"], total["temporary"]) == ("8", "4", "1")
    assert total["new_share"] == f"50{NNBSP}%"
    assert total["median_cost_change"] == f"80{NNBSP}€"
    for label in ("Moulins", "Concorde"):
        assert label in html
    assert "OA — Tour A" not in html  # the operations are one click away
    assert reverse("relogement:dashboard_operations") in html
    assert "objectif 42" in html
    assert html.count("data:image/svg+xml;base64,") == 2
    assert "M-" not in html  # never a household reference


def test_partner_sees_only_masked_aggregates_of_their_sectors(partner_client_a, data_set):
    response = partner_client_a.get(reverse(URL))
    html = unescape(response.content.decode())
    total = response.context["total_row"]
    # Sector A only: 6 households, 3 / 1 / 1 / 1 by situation, all below 5.
    assert [total[name] for name in ("definitive", "temporary", "in_progress", "left")] == ["< 5"] * 4
    assert total["households"] == "6"
    assert total["new_share"] == "—"
    assert total["median_cost_change"] == "—"
    assert "Concorde" not in html
    assert "OB — Barre B" not in html
    assert "data:image/svg+xml" not in html
    assert "secret statistique" in html


def test_operations_drill_down(mission_client, data_set, sector_a):
    url = reverse("relogement:dashboard_operations")
    html = unescape(mission_client.get(url).content.decode())
    assert "OA — Tour A" in html
    assert "OB — Barre B" in html
    response = mission_client.get(url, {"quartier": sector_a.pk})
    html = unescape(response.content.decode())
    assert "OA — Tour A" in html
    assert "OB — Barre B" not in html
    assert response.context["total_row"]["households"] == "6"  # the sector's total


def test_partner_drill_down_stays_in_their_sectors(partner_client_a, data_set, sector_b):
    url = reverse("relogement:dashboard_operations")
    html = unescape(partner_client_a.get(url).content.decode())
    # sector A's operations are all small: the page gives sector A's figures instead
    assert "Détail par opération non publié" in html
    assert "Détail par quartier non publié" in html  # its only sector is all small counts too
    assert "OB — Barre B" not in html
    assert "Concorde" not in html
    assert "secret statistique" in html
    html = unescape(partner_client_a.get(url, {"quartier": sector_b.pk}).content.decode())
    assert "OB — Barre B" not in html


def test_partners_get_no_single_sector_drill_down(partner_client_a, data_set, sector_a):
    """Recomputed alone, one sector's operations would unmask cells masked for the other sectors."""
    url = reverse("relogement:dashboard_operations")

    response = partner_client_a.get(url, {"quartier": sector_a.pk})

    assert response.context["sector"] is None
    assert "?quartier=" not in response.content.decode()


def test_each_level_table_has_the_total_masked_with_its_own_rows():
    tables = {"sector_rows": [], "operation_rows": [], "total_row": "sectors", "operation_total_row": "ops"}

    levels = selectors.level_tables(tables)

    assert [level["total_row"] for level in levels] == ["sectors", "ops"]


def test_figures_are_cached_per_perimeter_and_fresh_after_a_write(mission_client, data_set):
    url = reverse(URL)
    first = count_queries(mission_client, url)
    assert count_queries(mission_client, url) < first  # figures read from the cache
    operation_a, _ = data_set
    HouseholdFactory(programme=operation_a.programme, origin_operation=operation_a)
    response = mission_client.get(url)
    assert response.context["total_row"]["households"] == "9"


def test_query_count_is_the_same_for_10_and_300_households(mission_client, programme):
    url = reverse(URL)
    _many_households(programme, 10)
    with_10 = count_queries(mission_client, url)
    _many_households(programme, 290)
    with_300 = count_queries(mission_client, url)
    assert with_10 == with_300


def _pack(programme, **fields):
    return packs.pack_create(
        programme=programme,
        kind=fields.pop("kind", PackKind.COPIL),
        sector=fields.pop("sector", None),
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        audience=fields.pop("audience", PackAudience.INTERNAL),
    )


@pytest.mark.parametrize(
    ("kind", "key"),
    [(PackKind.COPIL, "relogement"), (PackKind.COTEC, "relogement"), (PackKind.REVUE, "relogement-synthese")],
)
def test_pack_section_has_the_dashboard_figures(mission_client, programme, data_set, kind, key):
    dashboard = mission_client.get(reverse(URL)).context["total_row"]
    html = unescape(packs.pack_html(packs.pack_scope(_pack(programme, kind=kind))))
    assert f'id="{key}"' in html
    section = html.split(f'id="{key}"', 1)[1].split("</section>", 1)[0]
    for name in ("households", "definitive", "new_share", "outside_qpv_share", "median_cost_change"):
        assert dashboard[name] in section
    # The revue de projet keeps the per-sector tables; the per-operation detail is the COPIL's.
    assert ("OA — Tour A" in section) is (kind != PackKind.REVUE)
    assert "Ensemble</th>" in section


def test_the_revue_draws_the_shares_chart_with_thinner_bars(mission_client, programme, data_set):
    """The COPIL's charts are the dashboard's SVG; the revue de projet (a dense document) draws the shares
    beside their targets with thinner bars: same width, lower."""
    from relogement import reports

    page = mission_client.get(reverse(URL)).context
    copil = reports.relogement(packs.pack_scope(_pack(programme)))
    revue = reports.relogement_summary(packs.pack_scope(_pack(programme, kind=PackKind.REVUE)))
    assert copil["shares_chart"] == page["shares_chart"]
    assert copil["situation_chart"] == revue["situation_chart"] == page["situation_chart"]
    (page_width, page_height), (width, height) = map(svg_size, (page["shares_chart"], revue["shares_chart"]))
    assert width == page_width
    assert height < page_height * 0.8, (height, page_height)


def test_sector_pack_covers_the_sector(programme, sector_a, data_set):
    html = unescape(packs.pack_html(packs.pack_scope(_pack(programme, sector=sector_a))))
    section = html.split('id="relogement"', 1)[1]
    assert "OA — Tour A" in section
    assert "OB — Barre B" not in section


def test_partner_pack_masks_small_counts(programme, sector_a, data_set):
    scope = packs.pack_scope(_pack(programme, sector=sector_a, audience=PackAudience.PARTNERS))
    section = unescape(packs.pack_html(scope)).split('id="relogement"', 1)[1]
    assert "< 5" in section
    assert "secret statistique" in section
    assert "data:image/svg+xml" not in section.split("</section>", 1)[0]


def test_pack_leaves_the_section_out_without_households(programme):
    html = packs.pack_html(packs.pack_scope(_pack(programme)))
    assert 'id="relogement"' not in html


def test_pack_tables_fit_the_page(programme, data_set, tmp_path, pdftotext):
    """Every column of the relogement tables stands on the A4 page: pdftotext leaves out what a too wide
    table pushes past the page's edge."""
    path = tmp_path / "copil.pdf"
    path.write_bytes(render_pdf(packs.pack_html(packs.pack_scope(_pack(programme)))).content)
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    words = set(text.stdout.decode().split())
    last_columns = {"temporairement", "reloger", "Satisfaits", "Refus", "Délai", "Propositions", "site"}
    assert last_columns <= words, last_columns - words


# Masking that would hide almost everything: the coarser level, never a bare "s" in a key figure


def _kpi_values(html: str) -> list[str]:
    return [part.split("</p>", 1)[0].strip() for part in html.split('<p class="kpi-value mb-0">')[1:]]


def test_key_figures_group_the_masked_situations_with_a_figure_the_row_already_gives():
    total = {
        "households": "40",
        "definitive": "30",
        "temporary": "< 5",
        "in_progress": "7",
        "left": "s",
        "figures": selectors.Figures(households=40, definitive=30, temporary=1, in_progress=7, left=2),
    }
    figures = selectors.key_figures(total, threshold=5)
    assert [f["value"] for f in figures["situations"]] == ["30", "7"]
    assert figures["grouped"]["label"] == "relogés temporairement ou partis sans relogement"
    assert figures["grouped"]["value"] == "< 5"  # 40 − 30 − 7 = 3, itself small
    total |= {
        "in_progress": "5",
        "figures": selectors.Figures(households=40, definitive=30, temporary=1, in_progress=5, left=4),
    }
    assert selectors.key_figures(total, threshold=5)["grouped"]["value"] == "5"
    assert selectors.key_figures(total | {"households": "< 5"}, threshold=5)["hidden"]


def test_partner_key_figures_never_show_a_bare_mask(partner_client_a, programme, sector_a):
    operation = OperationFactory(programme=programme, sector=sector_a)
    for status, count in (
        (HouseholdStatus.REHOUSED, 12),
        (HouseholdStatus.SEARCHING, 8),
        (HouseholdStatus.LEFT, 2),
    ):
        HouseholdFactory.create_batch(count, programme=programme, origin_operation=operation, status=status)
    html = unescape(partner_client_a.get(reverse(URL)).content.decode())
    values = _kpi_values(html)
    assert "s" not in values
    assert "< 5" not in values
    assert "12" in values  # relogés définitivement
    assert "partis sans relogement" in html
    assert html.count("« s » : valeur masquée") == 1  # the legend, once, above the tables


def test_partner_key_figures_say_when_no_situation_can_be_published(partner_client_a, data_set):
    html = unescape(partner_client_a.get(reverse(URL)).content.decode())
    assert "répartition par situation non publiée" in html
    assert "s" not in _kpi_values(html)


def test_partner_operations_page_shows_the_sectors_when_operations_are_mostly_masked(
    partner_client_a, mission_user, programme, sector_a
):
    from django.test import Client

    big = OperationFactory(programme=programme, sector=sector_a, label="Tour Grande")
    HouseholdFactory.create_batch(
        12, programme=programme, origin_operation=big, status=HouseholdStatus.REHOUSED
    )
    small = [OperationFactory(programme=programme, sector=sector_a, label=f"Petite {n}") for n in range(4)]
    for operation in small:
        HouseholdFactory(programme=programme, origin_operation=operation, status=HouseholdStatus.SEARCHING)
    url = reverse("relogement:dashboard_operations")
    response = partner_client_a.get(url)
    html = unescape(response.content.decode())
    # 4 small counts, then the 12 that the total row would give back
    assert response.context["coarser_for"]["masked_cells"] == 5
    assert "Détail par opération non publié : 5 des 5 effectifs seraient masqués" in html
    assert "Petite 0" not in html
    assert "{#" not in html  # no template comment leaks into the page
    assert [level["key"] for level in response.context["tables"]] == ["quartiers"]
    # the mission team, which sees every count, keeps the detail
    mission_client = Client()
    mission_client.force_login(mission_user)
    internal = unescape(mission_client.get(url).content.decode())
    assert "Petite 0" in internal
    assert "non publié" not in internal


def test_a_share_just_below_its_target_does_not_read_as_the_target():
    """11 of 37 is 29.7 %: next to "objectif 30 %" and "non atteint" it must not read "30 %"."""
    row = selectors.Figures(
        households=40, definitive=37, rehoused=37, new_or_recent=11, target_new_share=Decimal("0.3")
    )

    (display,) = selectors.display_rows([row], mask_small_counts, masked=False, threshold=5)

    assert display["new_share"] == f"29,7{NNBSP}%"
    assert display["target_new_share"] == f"30{NNBSP}%"
    assert display["new_met"] is False


def test_partner_pack_key_figures_never_show_a_bare_mask(programme, sector_a):
    operation = OperationFactory(programme=programme, sector=sector_a)
    for status, count in (
        (HouseholdStatus.REHOUSED, 12),
        (HouseholdStatus.SEARCHING, 8),
        (HouseholdStatus.LEFT, 2),
    ):
        HouseholdFactory.create_batch(count, programme=programme, origin_operation=operation, status=status)
    scope = packs.pack_scope(_pack(programme, sector=sector_a, audience=PackAudience.PARTNERS))

    section = unescape(packs.pack_html(scope)).split('id="relogement"', 1)[1]

    values = [part.split("</p>", 1)[0].strip() for part in section.split('<p class="kpi-value">')[1:]]
    assert "s" not in values
    assert "< 5" not in values
    assert "12" in values  # relogés définitivement
    assert "partis sans relogement" in section

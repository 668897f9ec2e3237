"""The concertation dashboard seen by partners: small counts of people masked, no chart of them."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.disclosure import LEGEND
from governance.models import PublicEventKind, Theme
from tests.governance.factories import FeedbackFactory, PublicEventFactory
from tests.utils import count_queries

URL = "governance:concertation_dashboard"


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def small_event(programme, sector_a, sector_b):
    """In sector A, an event with 3 residents; in sector B (not the partner's), a large one."""
    PublicEventFactory(programme=programme, sector=sector_b, residents=77, conseil_citoyen=12, partners=9)
    return PublicEventFactory(
        programme=programme, sector=sector_a, residents=3, conseil_citoyen=10, partners=8
    )


def _cells(html: str, part: str) -> list[str]:
    """Cells of the first <tfoot> (the attendance table's total row)."""
    section = html.split(part, 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="text-end">([^<]*)</td>', section)


def test_partner_sees_small_counts_masked(partner_client_a, small_event, sector_a, year):
    response = partner_client_a.get(reverse(URL), {"annee": year, "quartier": sector_a.pk})
    html = response.content.decode()
    total = response.context["attendance_total"]
    # Residents, conseil citoyen, partners, total: 3 is masked, and partners (8) with it, since
    # 21 − 10 − 8 would give the 3 back.
    assert total["cells"] == ["< 5", "10", "s", "21"]
    assert _cells(html, "<tfoot>") == ["1", "&lt; 5", "10", "s", "21"]
    assert '<p class="kpi-value mb-0">&lt; 5</p>' in html  # habitants présents
    assert '<p class="kpi-value mb-0">3</p>' not in html
    assert ">3<" not in html.replace(" ", "")
    assert escape(LEGEND.format(threshold=settings.DISCLOSURE_THRESHOLD)) in html


def test_partner_sees_no_chart_of_people(partner_client_a, small_event, programme, sector_a, year):
    FeedbackFactory(programme=programme, sector=sector_a, theme=Theme.HABITAT, answered=True)
    html = partner_client_a.get(reverse(URL), {"annee": year}).content.decode()
    assert "<img" not in html
    assert "data:image/svg+xml" not in html
    assert "Temps de concertation et participants par type et par public" in html  # the table stays
    # One remontée, one answer: both masked, and the share too (it would give them back).
    assert '<p class="kpi-value mb-0">—</p>' in html
    assert "&lt; 5 sur &lt; 5" in html


def test_internal_user_sees_the_counts_and_charts(mission_client, small_event, sector_a, year):
    html = mission_client.get(reverse(URL), {"annee": year, "quartier": sector_a.pk}).content.decode()
    assert '<p class="kpi-value mb-0">3</p>' in html
    assert '<td class="text-end">3</td>' in html
    assert "&lt; 5" not in html
    assert "data:image/svg+xml;base64," in html
    assert "secret statistique" not in html


def test_partner_dashboard_query_count_same_for_10_and_200_rows(
    partner_client_a, mission_client, programme, sector_a, sector_b
):
    url = reverse(URL)
    kinds, themes = list(PublicEventKind.values), list(Theme.values)

    def make(count):
        for index in range(count):
            sector = sector_a if index % 2 else sector_b
            PublicEventFactory(
                programme=programme, sector=sector, kind=kinds[index % 6], theme=themes[index % 10]
            )
            FeedbackFactory(
                programme=programme, sector=sector, theme=themes[index % 7], answered=index % 3 == 0
            )

    make(10)
    partner_client_a.get(url)  # warm the per-process caches (content types…)
    with_10 = count_queries(partner_client_a, url)
    make(190)
    assert count_queries(partner_client_a, url) == with_10

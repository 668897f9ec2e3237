"""Committed, paid and progress on the operations list; commitment and payment rates per funder on the
dashboard, chart and table in the same order (issue 9, section 1)."""

import re
from decimal import Decimal

from django.urls import reverse

from projects import selectors
from tests.accounts.factories import OrganisationFactory
from tests.projects.factories import FundingLineFactory, OperationFactory
from tests.utils import count_queries


def test_operation_list_shows_committed_paid_and_progress(mission_client, programme, sector_a):
    operation = OperationFactory(programme=programme, sector=sector_a, identifier="OP-1", progress=35)
    FundingLineFactory(
        operation=operation, planned=Decimal(500000), committed=Decimal(300000), paid=Decimal(120000)
    )
    FundingLineFactory(
        operation=operation,
        funder=OrganisationFactory(name="Ville"),
        planned=Decimal(100000),
        committed=Decimal(50000),
        paid=Decimal(10000),
    )
    html = mission_client.get(reverse("projects:operation_list")).content.decode()
    for header in ("Prévu (k€)", "Engagé (k€)", "Versé (k€)", "Avancement"):
        assert f">{header}</a>" in html or f">{header}</th>" in html
    row = re.search(r'<tr[^>]*>\s*<td[^>]*><a href="/operations/\d+/">OP-1</a>.*?</tr>', html, re.S).group(0)
    amounts = re.findall(r'<td class="text-end text-nowrap">([^<]*)</td>', row)
    assert amounts[1:] == ["600", "350", "130", "35\u202f%"]
    assert "35\u202f%" in row


def test_operation_list_sorts_by_paid_in_constant_queries(mission_client, programme, sector_a):
    url = reverse("projects:operation_list")
    for index, paid in enumerate((10, 30, 20)):
        FundingLineFactory(
            operation=OperationFactory(programme=programme, sector=sector_a, identifier=f"OP-{index}"),
            paid=Decimal(paid),
        )
    html = mission_client.get(url, {"sort": "-funding_paid"}).content.decode()
    assert re.findall(r">(OP-\d)</a>", html) == ["OP-1", "OP-2", "OP-0"]
    with_3 = count_queries(mission_client, url)
    for operation in OperationFactory.create_batch(20, programme=programme, sector=sector_a):
        FundingLineFactory(operation=operation)
    assert count_queries(mission_client, url) == with_3


def _lines(programme, sector_a):
    operation = OperationFactory(programme=programme, sector=sector_a)
    region, ville = OrganisationFactory(name="Région"), OrganisationFactory(name="Ville")
    FundingLineFactory(
        operation=operation, funder=region, kind="subvention", planned=100, committed=80, paid=20
    )
    FundingLineFactory(operation=operation, funder=region, kind="pret", planned=100, committed=20, paid=20)
    FundingLineFactory(
        operation=operation, funder=ville, kind="subvention", planned=300, committed=150, paid=150
    )
    return operation


def test_funder_rates_sum_the_natures_and_put_the_largest_amount_first(programme, sector_a):
    operation = _lines(programme, sector_a)
    funders = selectors.funding_by_funder(operations=type(operation).objects.filter(pk=operation.pk))
    rates, total = selectors.funder_rates(funders)
    assert [entry.funder for entry in rates] == ["Ville", "Région"]
    ville, region = rates
    assert (region.planned, region.committed, region.paid) == (200, 100, 40)
    assert region.committed_rate == Decimal("0.5")
    assert region.paid_rate == Decimal("0.4")
    assert ville.paid_rate == 1
    assert (total.planned, total.committed, total.paid) == (500, 250, 190)


def test_dashboard_shows_rates_per_funder_as_chart_and_table(mission_client, programme, sector_a):
    _lines(programme, sector_a)
    html = mission_client.get(reverse("projects:dashboard")).content.decode()
    section = html[html.index('id="titre-taux"') :]
    section = section[: section.index("</section>")]
    assert "data:image/svg+xml;base64," in section
    table = section[section.index('id="taux-financeurs"') :]
    assert re.findall(r'<th scope="row" class="text-wrap">([^<]+)</th>', table) == ["Ville", "Région"]
    region_row = table[table.index(">Région<") :]
    region_row = region_row[: region_row.index("</tr>")]
    assert re.findall(r"(\d+)\u202f%", region_row) == ["50", "40"]


def test_the_rates_chart_draws_every_funder_of_the_table(programme, sector_a):
    """Chart and table tell the same breakdown: no « Autres financeurs » bar that the table lacks."""
    import base64

    from projects import charts

    operation = OperationFactory(programme=programme, sector=sector_a)
    for index in range(12):
        FundingLineFactory(
            operation=operation,
            funder=OrganisationFactory(name=f"Financeur {index:02d}"),
            planned=Decimal(1000 - index),
            committed=Decimal(500),
            paid=Decimal(100),
        )
    funders = selectors.funding_by_funder(operations=type(operation).objects.filter(pk=operation.pk))
    rates, _ = selectors.funder_rates(funders)

    svg = base64.b64decode(charts.funder_rates_chart(rates).split(",", 1)[1]).decode()

    assert all(f"Financeur {index:02d}" in svg for index in range(12))
    assert "Autres financeurs" not in svg

"""Insertion charts: the hand-computed data set of test_indicators drawn, and nothing drawn from nothing."""

import base64
import datetime
from decimal import Decimal

import pytest

from core.formatting import NARROW_NBSP
from insertion import charts, selectors
from insertion.models import Market, WorkContract
from tests.insertion.test_indicators import TODAY, build_data_set
from tests.projects.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
D = Decimal
DASHED = 'stroke-dasharray="6,4"'


def svg_text(uri: str) -> str:
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    return base64.b64decode(uri.removeprefix(prefix)).decode()


@pytest.fixture
def figures(db):
    programme = build_data_set()["programme"]
    return selectors.insertion_figures(
        Market.objects.filter(programme=programme),
        WorkContract.objects.filter(programme=programme),
        today=TODAY,
    )


def test_hours_chart_draws_the_cumulative_hours_against_the_target_line(figures):
    svg = svg_text(charts.hours_chart(figures.months, target=figures.programme.total.target))
    assert charts.CUMULATIVE in svg
    assert charts.TARGET in svg  # the legend of the dashed target line
    assert "2024" in svg
    assert "2025" in svg
    assert DASHED in svg  # the target line
    assert "1 000" in svg.replace("\u00a0", " ")  # the axis reaches the hours (1,202 h) and the target


def test_hours_chart_without_target_draws_no_target_line(figures):
    svg = svg_text(charts.hours_chart(figures.months, target=D(0)))
    assert charts.CUMULATIVE in svg
    assert charts.TARGET not in svg
    assert DASHED not in svg


def test_hours_chart_without_months_is_none():
    assert charts.hours_chart([], target=D("1000")) is None


def test_moa_chart_writes_each_rate_even_above_100_percent(figures):
    rows = charts.moa_rows(figures.moas)
    assert [(row["moa"], row["kind"], row["hours"], row["rate"]) for row in rows] == [
        ("MOA A", charts.TARGET, 700.0, ""),
        ("MOA A", charts.ACHIEVED, 842.0, f"120{NARROW_NBSP}%"),  # 842 / 700
        ("MOA B", charts.TARGET, 500.0, ""),
        ("MOA B", charts.ACHIEVED, 360.0, f"72{NARROW_NBSP}%"),
    ]
    svg = svg_text(charts.moa_chart(figures.moas))
    assert "MOA A" in svg
    assert "MOA B" in svg
    assert f"120{NARROW_NBSP}%" in svg


def test_moa_chart_leaves_out_moas_with_nothing_and_says_when_there_is_no_target():
    empty = selectors.HoursRow(1, "MOA vide")
    untargeted = selectors.HoursRow(2, "MOA sans objectif", other=selectors.Hours(achieved=D("35.0")))
    rows = charts.moa_rows([empty, untargeted])
    assert [(row["moa"], row["rate"]) for row in rows] == [
        ("MOA sans objectif", ""),
        ("MOA sans objectif", charts.NO_TARGET),
    ]
    assert charts.moa_chart([empty]) is None


def test_people_and_contract_charts(figures):
    ages = svg_text(charts.age_chart(figures.people))
    assert "moins de 26 ans" in ages
    assert "45 à 49 ans" in ages
    publics = svg_text(charts.publics_chart(figures.people))
    assert "Bénéficiaire du RSA" in publics
    types = svg_text(charts.contract_types_chart(figures.contracts))
    assert "Contrat d'apprentissage" in types.replace("&apos;", "'").replace("&#39;", "'")
    modalities = svg_text(charts.modalities_chart(figures.contracts))
    assert "Embauche directe" in modalities


def test_people_and_contract_charts_of_nothing_are_none():
    programme = ProgrammeFactory()
    empty = selectors.insertion_figures(
        Market.objects.filter(programme=programme),
        WorkContract.objects.filter(programme=programme),
        today=TODAY,
    )
    assert charts.age_chart(empty.people) is None
    assert charts.publics_chart(empty.people) is None
    assert charts.contract_types_chart(empty.contracts) is None
    assert charts.modalities_chart(empty.contracts) is None
    assert charts.moa_chart(empty.moas) is None
    assert charts.hours_chart(empty.months, target=empty.programme.total.target) is None


def test_a_situation_date_draws_the_months_up_to_it(figures, db):
    programme = Market.objects.first().programme
    at = selectors.insertion_figures(
        Market.objects.filter(programme=programme),
        WorkContract.objects.filter(programme=programme),
        as_of=datetime.date(2024, 1, 20),
        today=TODAY,
    )
    svg = svg_text(charts.hours_chart(at.months, target=at.programme.total.target))
    assert "2025" not in svg  # the contracts running into 2025 stop at the situation date

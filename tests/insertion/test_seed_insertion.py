import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max, Min

from core.utils import months_before
from insertion import selectors
from insertion.models import Market, MarketKind, Participant, WorkContract
from projects.models import Programme
from tests.conftest import DEMO_TODAY

NUMBER = re.compile(r"^M-20\d{2}-\d{3}$")
FACILITATOR_ID = re.compile(r"^(MDE-\d{5}|ANON-\d+)$")


@pytest.fixture
def demo(seeded_demo):
    return Programme.objects.get(slug="npru-demo")


def snapshot(programme) -> list:
    return [
        *Market.objects.filter(programme=programme).order_by("pk").values_list(),
        *Participant.objects.filter(programme=programme).order_by("pk").values_list(),
        *WorkContract.objects.filter(programme=programme).order_by("pk").values_list(),
    ]


def test_markets_on_the_demo_operations_numbered_like_the_facilitators(demo):
    markets = Market.objects.filter(programme=demo)
    assert 30 <= markets.count() <= 120
    assert all(NUMBER.match(number) for number in markets.values_list("number", flat=True))
    assert markets.filter(operation__isnull=False).values("operation").distinct().count() >= 20
    unlinked = markets.filter(operation__isnull=True)
    assert unlinked.filter(kind=MarketKind.WORKS).count() == 2  # "to link"
    assert unlinked.filter(kind=MarketKind.URBAN_MANAGEMENT).count() == 2
    for market in markets.filter(kind=MarketKind.URBAN_MANAGEMENT):
        assert market.target_rate == Decimal("0.10")
        assert not market.anru_funded
    assert {m.target_rate for m in markets.exclude(kind=MarketKind.URBAN_MANAGEMENT)} == {Decimal("0.05")}
    for market in markets[::7]:
        market.full_clean()
        assert market.target_hours == market.computed_target_hours > 0


def test_a_few_thousand_contracts_over_four_years(demo):
    contracts = WorkContract.objects.filter(programme=demo)
    assert 2000 <= contracts.count() <= 3000
    span = contracts.aggregate(first=Min("starts_on"), last=Max("starts_on"))
    assert span["first"] >= DEMO_TODAY.replace(year=DEMO_TODAY.year - 4)
    assert span["last"] <= DEMO_TODAY
    assert contracts.filter(ends_on__isnull=True).exists()  # still running
    for contract in contracts.select_related("market", "participant")[::97]:
        contract.full_clean()
    participants = Participant.objects.filter(programme=demo)
    assert participants.count() < contracts.count()  # some came back for another contract
    assert all(
        FACILITATOR_ID.match(ref) for ref in participants.values_list("facilitator_reference", flat=True)
    )


def test_moas_above_and_below_their_target(demo):
    rows = selectors.hours_by(
        "moa",
        Market.objects.filter(programme=demo),
        WorkContract.objects.filter(programme=demo),
        today=DEMO_TODAY,
    )
    spread = selectors.dispersion(rows)
    assert spread.reached >= 2
    assert spread.below >= 2
    assert spread.highest > 1 > spread.lowest


def test_figures_look_like_a_facilitators(demo):
    figures = selectors.insertion_figures(
        Market.objects.filter(programme=demo), WorkContract.objects.filter(programme=demo), today=DEMO_TODAY
    )
    assert Decimal("0.70") <= figures.people.qpv_share <= Decimal("0.92")
    assert Decimal("0.05") <= figures.people.women_share <= Decimal("0.30")
    assert figures.programme.anru.achieved < figures.programme.anru.worked  # residents outside QPVs
    assert figures.exits.durable_share is not None
    assert len(figures.months) >= 40


def test_old_participants_are_anonymised(demo):
    cutoff = months_before(DEMO_TODAY, 24)
    anonymised = Participant.objects.filter(programme=demo, anonymised_at__isnull=False)
    assert anonymised.exists()
    for participant in anonymised[:20]:
        last = participant.contracts.aggregate(last=Max("ends_on"))["last"]
        assert last < cutoff
        assert participant.commune == ""


def test_seed_is_idempotent(demo):
    before = snapshot(demo)
    out = StringIO()
    call_command("seed_demo", today=DEMO_TODAY, stdout=out)
    assert snapshot(demo) == before
    assert "(0 lignes créées, 0 mises à jour" in out.getvalue()


def test_a_later_run_moves_contracts_forward_without_duplicates(demo):
    count = WorkContract.objects.filter(programme=demo).count()
    call_command("seed_demo", today=DEMO_TODAY + datetime.timedelta(days=30), stdout=StringIO())
    references = list(WorkContract.objects.filter(programme=demo).values_list("reference", flat=True))
    assert len(references) == len(set(references))
    assert abs(len(references) - count) <= count * 0.1

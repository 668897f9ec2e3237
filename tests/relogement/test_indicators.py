"""Each ANRU relogement indicator on a hand-computed data set (docs/relogement.md)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audience import INTERNAL, PARTNERS
from relogement import selectors
from relogement.models import Household, HouseholdStatus, OfferAnswer, RefusalReason, RehousingKind
from tests.projects.factories import OperationFactory, ProgrammeFactory
from tests.relogement.factories import (
    HouseholdFactory,
    OfferFactory,
    RehousingFactory,
    RelogementPlanFactory,
)

S = HouseholdStatus
DIAGNOSTIC = datetime.date(2025, 1, 1)


def _household(operation, status, **fields):
    return HouseholdFactory(
        programme=operation.programme, origin_operation=operation, status=status, **fields
    )


def _rehouse(household, *, rent, on, **fields):
    return RehousingFactory(household=household, rent=Decimal(rent), rehoused_on=on, **fields)


def _offers(household, *answers):
    for answer in answers:
        OfferFactory(
            household=household,
            answer=answer,
            refusal_reason=RefusalReason.LOCATION if answer == OfferAnswer.REFUSED else "",
        )


def build_data_set(programme, sector_a, sector_b):
    """Sector A: operation A (6 households); sector B: operation B (2 households).

    Reste à charge before: 400 + 100 − 200 = 300 € (factory); after: rent + 100 − 200.
    """
    operation_a = OperationFactory(programme=programme, sector=sector_a, identifier="OA", label="Tour A")
    operation_b = OperationFactory(programme=programme, sector=sector_b, identifier="OB", label="Barre B")
    RelogementPlanFactory(
        operation=operation_a,
        households_planned=8,
        target_new_share=Decimal("0.5"),
        target_outside_qpv_share=Decimal("0.6"),
        max_rent_increase=Decimal("50"),
    )
    RelogementPlanFactory(
        operation=operation_b,
        households_planned=4,
        target_new_share=Decimal("0.25"),
        max_rent_increase=Decimal("30"),
    )
    accepted, refused = OfferAnswer.ACCEPTED, OfferAnswer.REFUSED
    # h1: +100 €, 181 days, new, outside QPV, off site, satisfaction 5, 2 offers (1 refusal).
    h1 = _household(operation_a, S.REHOUSED)
    _rehouse(h1, rent="500", on=datetime.date(2025, 7, 1), new_or_recent=True, satisfaction=5)
    _offers(h1, refused, accepted)
    # h2: −50 €, 100 days, in QPV, on site, satisfaction 3, 1 offer.
    h2 = _household(operation_a, S.FOLLOW_UP)
    _rehouse(h2, rent="350", on=datetime.date(2025, 4, 11), in_qpv=True, same_site=True, satisfaction=3)
    _offers(h2, accepted)
    # h3: no origin rent, no diagnostic date; new, outside QPV, on site, satisfaction 4, 3 offers.
    h3 = _household(operation_a, S.CLOSED, origin_rent=None, diagnostic_on=None)
    _rehouse(h3, rent="450", on=datetime.date(2025, 5, 1), new_or_recent=True, same_site=True, satisfaction=4)
    _offers(h3, refused, refused, accepted)
    # h4: temporarily rehoused (not counted in the rehousing indicators), 1 refusal.
    h4 = _household(operation_a, S.TEMPORARY)
    _rehouse(h4, rent="100", on=datetime.date(2025, 2, 1), kind=RehousingKind.TEMPORARY, new_or_recent=True)
    _offers(h4, refused)
    _household(operation_a, S.SEARCHING)
    _household(operation_a, S.LEFT)
    # h7 (operation B): +80 €, 60 days, outside QPV, off site, no survey, 1 offer.
    h7 = _household(operation_b, S.REHOUSED)
    _rehouse(h7, rent="480", on=datetime.date(2025, 3, 2))
    _offers(h7, accepted)
    _household(operation_b, S.TO_SURVEY)
    # Another programme's household: never counted.
    other = OperationFactory(programme=ProgrammeFactory())
    _rehouse(_household(other, S.REHOUSED), rent="900", on=datetime.date(2025, 3, 2))
    return operation_a, operation_b


@pytest.fixture
def data_set(programme, sector_a, sector_b):
    return build_data_set(programme, sector_a, sector_b)


@pytest.fixture
def indicators(programme, data_set):
    return selectors.relogement_indicators(Household.objects.filter(programme=programme))


def test_programme_counts(indicators):
    total = indicators.total
    assert (total.households, total.definitive, total.temporary, total.in_progress, total.left) == (
        8,
        4,
        1,
        2,
        1,
    )
    assert total.planned == 12


def test_programme_rehousing_shares(indicators):
    total = indicators.total
    assert (total.rehoused, total.new_or_recent, total.outside_qpv, total.off_site) == (4, 2, 3, 2)


def test_programme_remaining_cost(indicators):
    total = indicators.total
    assert total.with_costs == 3
    assert total.median_cost_change == 80  # changes +100, −50, +80
    assert total.cost_increased == 2
    # Each household against its own plan's maximum: 100 > 50 and 80 > 30.
    assert total.above_max_increase == 2


def test_programme_offers_delay_and_satisfaction(indicators):
    total = indicators.total
    assert total.offers_to_rehoused == 7
    assert total.offers_per_rehoused == Decimal("1.75")
    assert (total.refusals, total.offered_households) == (4, 5)
    assert total.refusals_per_household == Decimal("0.80")
    assert total.with_delay == 3
    assert total.median_delay_days == 100  # 181, 100, 60 days
    assert total.median_delay_months == Decimal("3.3")
    assert total.surveyed == 3
    assert total.satisfaction_avg == 4  # 5, 3, 4
    assert total.satisfied == 2


def test_programme_targets_are_weighted_by_households_planned(indicators):
    total = indicators.total
    assert total.target_new_share == Decimal("0.417")  # (0.5 × 8 + 0.25 × 4) / 12
    assert total.target_outside_qpv_share == Decimal("0.600")  # only operation A sets it
    assert total.max_rent_increase == Decimal("30")  # the most demanding


def test_sector_figures(indicators):
    moulins, concorde = sorted(indicators.sectors, key=lambda f: f.label, reverse=True)
    assert moulins.label == "Moulins"
    assert (moulins.households, moulins.definitive, moulins.temporary, moulins.in_progress, moulins.left) == (
        6,
        3,
        1,
        1,
        1,
    )
    assert (moulins.rehoused, moulins.new_or_recent, moulins.outside_qpv, moulins.off_site) == (3, 2, 2, 1)
    assert moulins.median_cost_change == 25  # +100, −50
    assert (moulins.cost_increased, moulins.above_max_increase) == (1, 1)
    assert moulins.median_delay_days == 140.5
    assert moulins.median_delay_months == Decimal("4.6")
    assert moulins.offers_per_rehoused == Decimal("2.00")
    assert moulins.refusals_per_household == Decimal("1.00")
    assert (moulins.satisfaction_avg, moulins.satisfied, moulins.surveyed) == (4, 2, 3)
    assert (moulins.target_new_share, moulins.target_outside_qpv_share) == (
        Decimal("0.500"),
        Decimal("0.600"),
    )
    assert concorde.label == "Concorde"
    assert (concorde.households, concorde.definitive, concorde.in_progress) == (2, 1, 1)
    assert (concorde.new_or_recent, concorde.outside_qpv, concorde.off_site) == (0, 1, 1)
    assert concorde.median_cost_change == 80
    assert concorde.median_delay_months == Decimal("2.0")  # 60 days
    assert concorde.satisfaction_avg is None
    assert concorde.surveyed == 0
    assert concorde.refusals_per_household == Decimal("0.00")
    assert concorde.target_outside_qpv_share is None
    assert concorde.max_rent_increase == Decimal("30")


def test_operation_figures(indicators, data_set):
    operation_a, operation_b = data_set
    by_key = {figures.key: figures for figures in indicators.operations}
    assert by_key[operation_a.pk].label == "OA — Tour A"
    assert by_key[operation_a.pk].households == 6
    assert by_key[operation_a.pk].planned == 8
    assert by_key[operation_b.pk].median_delay_days == 60
    assert by_key[operation_b.pk].target_new_share == Decimal("0.250")


def test_display_of_internal_figures(indicators):
    tables = selectors.indicator_tables(indicators, INTERNAL.counts, masked=False, threshold=5)
    total = tables["total_row"]
    assert total["households"] == "8"
    assert total["new_share"] == "50\u202f%"
    assert total["target_new_share"] == "42\u202f%"
    assert total["new_met"] is True
    assert total["outside_qpv_share"] == "75\u202f%"
    assert total["off_site_share"] == "50\u202f%"
    assert total["median_cost_change"] == "80\u202f€"
    assert total["cost_increased_share"] == "67\u202f%"
    assert total["offers_per_rehoused"] == "1,8"
    assert total["refusals_per_household"] == "0,8"
    assert total["median_delay_months"] == "3,3"
    assert total["satisfaction_avg"] == "4,0"
    assert total["satisfied_share"] == "67\u202f%"


def test_display_masks_small_counts_and_their_shares(indicators):
    tables = selectors.indicator_tables(indicators, PARTNERS.counts, masked=True, threshold=5)
    moulins = next(row for row in tables["sector_rows"] if row["label"] == "Moulins")
    # 3, 1, 1, 1 are small; 6 would give back Concorde's 2 from the total of 8.
    assert [moulins[name] for name in selectors.COUNT_COLUMNS] == ["< 5", "< 5", "< 5", "< 5", "s"]
    assert moulins["new_share"] == "—"
    assert moulins["median_cost_change"] == "—"
    assert moulins["satisfaction_avg"] == "—"
    assert tables["total_row"]["households"] == "8"


def test_empty_scope(programme):
    indicators = selectors.relogement_indicators(Household.objects.filter(programme=programme))
    assert indicators.empty
    assert indicators.total.median_cost_change is None
    assert indicators.sectors == []


def test_query_count_does_not_depend_on_households(programme, data_set):
    with CaptureQueriesContext(connection) as small:
        selectors.relogement_indicators(Household.objects.filter(programme=programme))
    operation_a, _ = data_set
    for _index in range(20):
        _rehouse(_household(operation_a, S.REHOUSED), rent="300", on=datetime.date(2025, 9, 1))
    with CaptureQueriesContext(connection) as large:
        selectors.relogement_indicators(Household.objects.filter(programme=programme))
    # Three grouped passes (counts, rehousings, offers), the operations' labels, their plans.
    assert len(small.captured_queries) == len(large.captured_queries) == 5

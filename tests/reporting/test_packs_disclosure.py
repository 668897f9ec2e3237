"""Disclosure control: small counts and the cells that would reveal them never reach partners."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.audience import pack_audience
from core.disclosure import SECONDARY, is_masked, mask_small_counts
from core.pack_sections import PackScope

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (1, "< 5"), (4, "< 5"), (5, "5"), (12, "12"), (1234, f"1{NNBSP}234"), (None, "—")],
)
def test_one_value(value, expected):
    assert mask_small_counts(value, 5) == expected


def test_threshold_defaults_to_the_setting(settings):
    settings.DISCLOSURE_THRESHOLD = 11
    assert mask_small_counts(10) == "< 11"
    assert mask_small_counts(11) == "11"


def test_table_without_totals_masks_only_small_cells():
    assert mask_small_counts([[3, 40], [0, 7]], 5) == [["< 5", "40"], ["0", "7"]]


def test_row_total_reveals_a_lone_small_cell_so_another_cell_is_masked():
    # 3 + 20 + 30 = 53: hiding only the 3 would let anyone compute it from the total.
    assert mask_small_counts([[3, 20, 30, 53]], 5, row_totals=True) == [["< 5", SECONDARY, "30", "53"]]


def test_the_complement_is_the_smallest_other_non_zero_cell():
    assert mask_small_counts([[40, 2, 9, 0, 51]], 5, row_totals=True) == [["40", "< 5", SECONDARY, "0", "51"]]


def test_the_total_is_masked_when_no_other_cell_can_hide_the_small_one():
    assert mask_small_counts([[0, 3, 0, 3]], 5, row_totals=True) == [["0", "< 5", "0", "< 5"]]
    assert mask_small_counts([[0, 0, 3, 3]], 5, row_totals=True) == [["0", "0", "< 5", "< 5"]]


def test_two_small_cells_in_a_row_protect_each_other():
    assert mask_small_counts([[2, 3, 50, 55]], 5, row_totals=True) == [["< 5", "< 5", "50", "55"]]


def test_column_totals_propagate_masking_to_other_rows():
    rows = [
        [3, 20, 23],  # 3 is small → 20 masked in this row
        [10, 30, 40],  # column 1 then has a lone masked 20 → 30 masked; column 0 a lone 3 → 10 masked
        [13, 50, 63],  # totals row
    ]
    masked = mask_small_counts(rows, 5, row_totals=True, column_totals=True)
    assert masked[0] == ["< 5", SECONDARY, "23"]
    assert masked[1][:2] == [SECONDARY, SECONDARY]
    assert masked[2] == ["13", "50", "63"]


def _visible_lines(table, masked, *, row_totals, column_totals):
    lines = []
    if row_totals:
        lines += [[(r, c) for c in range(len(table[0]))] for r in range(len(table))]
    if column_totals:
        lines += [[(r, c) for r in range(len(table))] for c in range(len(table[0]))]
    return lines


@st.composite
def tables_with_totals(draw):
    width = draw(st.integers(min_value=1, max_value=5))
    height = draw(st.integers(min_value=1, max_value=5))
    body = [
        [draw(st.integers(min_value=0, max_value=60)) for _column in range(width)] for _row in range(height)
    ]
    with_totals = [[*row, sum(row)] for row in body]
    totals_row = [sum(row[c] for row in with_totals) for c in range(width + 1)]
    return [*with_totals, totals_row]


@settings(max_examples=300, deadline=None)
@given(table=tables_with_totals(), threshold=st.integers(min_value=2, max_value=11))
def test_no_masked_cell_can_be_recomputed_and_every_small_count_is_masked(table, threshold):
    masked = mask_small_counts(table, threshold, row_totals=True, column_totals=True)
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if 0 < value < threshold:
                assert is_masked(masked[r][c])
            if not is_masked(masked[r][c]):
                assert masked[r][c] == f"{value:,}".replace(",", NNBSP)
    for line in _visible_lines(table, masked, row_totals=True, column_totals=True):
        hidden = sum(is_masked(masked[r][c]) for r, c in line)
        assert hidden != 1, (table, masked, line)


def test_scope_masks_only_for_partners():
    internal = PackScope(None, None, "copil", "COPIL", None, None, pack_audience(partners=False, threshold=5))
    partners = PackScope(None, None, "copil", "COPIL", None, None, pack_audience(partners=True, threshold=5))
    assert internal.audience.count(3) == "3"
    assert partners.audience.count(3) == "< 5"
    assert internal.audience.counts([[3, 10, 13]], row_totals=True) == [["3", "10", "13"]]
    assert partners.audience.counts([[3, 10, 13]], row_totals=True) == [["< 5", SECONDARY, "13"]]
    assert "secret statistique" in partners.audience.legend
    assert internal.audience.legend == ""

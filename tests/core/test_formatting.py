from decimal import Decimal

import pytest

from core.formatting import format_euros, format_millions, format_percent

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567.8"), f"1{NNBSP}234{NNBSP}568{NNBSP}€"),
        (0, f"0{NNBSP}€"),
        (None, "—"),
        (Decimal("-1500"), f"−1{NNBSP}500{NNBSP}€"),
    ],
)
def test_euros(value, expected):
    assert format_euros(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2_500_000, f"2,5{NNBSP}M€"),
        (1_589_000_000, f"1{NNBSP}589,0{NNBSP}M€"),
        (-1_234_567, f"−1,2{NNBSP}M€"),
    ],
)
def test_millions(value, expected):
    assert format_millions(value) == expected


def test_percent():
    assert format_percent(1, 3) == f"33{NNBSP}%"
    assert format_percent(1, 0) == "—"


def test_a_share_next_to_its_target_never_reads_as_the_target_when_it_differs():
    from core.formatting import format_percent_against

    target = Decimal("0.3")
    assert format_percent_against(297, 1000, target) == "29,7\u202f%"  # not "30 %" beside "objectif 30 %"
    assert format_percent_against(304, 1000, target) == "30,4\u202f%"
    assert format_percent_against(2996, 10000, target) == "29,96\u202f%"
    assert format_percent_against(3, 10, target) == "30\u202f%"
    assert format_percent_against(25, 100, target) == "25\u202f%"
    assert format_percent_against(297, 1000, None) == "30\u202f%"
    assert format_percent_against(1, 0, target) == "—"

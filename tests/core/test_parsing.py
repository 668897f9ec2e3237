import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.parsing import (
    choice_parser,
    normalize_key,
    parse_amount,
    parse_date_fr,
    parse_decimal_fr,
    parse_int,
    parse_signed_amount,
    parse_text,
    parse_yes_no,
)
from projects.models import Family

PARSERS = [parse_decimal_fr, parse_amount, parse_int, parse_date_fr, parse_yes_no, parse_text]
no_db = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, database=None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 234 567,89", Decimal("1234567.89")),
        ("1.234,5", Decimal("1234.5")),
        ("1.234.567", Decimal("1234567")),
        ("1,234,567", Decimal("1234567")),
        ("1,234,567.25", Decimal("1234567.25")),
        ("12 000 €", Decimal("12000")),
        ("€ 12", Decimal("12")),
        ("12000 EUR", Decimal("12000")),
        ("1\u00a0234,5", Decimal("1234.5")),
        ("1\u202f234\u202f567", Decimal("1234567")),
        ("  42  ", Decimal("42")),
        ("-3,5", Decimal("-3.5")),
        ("−3,5", Decimal("-3.5")),
        ("+7", Decimal("7")),
        ("0.5", Decimal("0.5")),
        (",5", Decimal("0.5")),
        ("1E+06", Decimal("1000000")),
        (12, Decimal("12")),
        (12.5, Decimal("12.5")),
        (0.1 + 0.2, Decimal("0.30000000000000004")),
        (Decimal("3.14"), Decimal("3.14")),
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_parse_decimal_fr(raw, expected):
    assert parse_decimal_fr(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["abc", "1,2,3", "12 ans", "=1+1", "1.2.3,4,5", "1,234.5,6", ".", "-", "e5", float("nan"), "1e999"],
)
def test_parse_decimal_fr_refuses_with_the_value_in_the_message(raw):
    with pytest.raises(ValidationError) as error:
        parse_decimal_fr(raw)
    assert str(raw)[:10] in error.value.messages[0]


def test_parse_amount_rounds_to_the_cent_and_refuses_negative_and_huge():
    assert parse_amount("1 234,565") == Decimal("1234.57")
    assert parse_amount(0.1 + 0.2) == Decimal("0.30")
    with pytest.raises(ValidationError, match="négatif"):
        parse_amount("-5")
    with pytest.raises(ValidationError, match="trop grand"):
        parse_amount("1e15")


@pytest.mark.parametrize(("raw", "expected"), [("1 200", 1200), (12.0, 12), ("12,0", 12), ("-3", -3), (7, 7)])
def test_parse_int(raw, expected):
    assert parse_int(raw) == expected


def test_parse_signed_amount_keeps_the_sign_and_the_limits_of_an_amount():
    assert parse_signed_amount("-25 000,004") == Decimal("-25000.00")
    assert parse_signed_amount("1 234,565") == Decimal("1234.57")
    assert parse_signed_amount("") is None
    with pytest.raises(ValidationError, match="montant trop grand"):
        parse_signed_amount("-1 000 000 000 000")


def test_parse_int_refuses_decimals():
    with pytest.raises(ValidationError, match="« 12,5 » n'est pas un nombre entier"):
        parse_int("12,5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/2024", datetime.date(2024, 3, 5)),
        ("5/3/2024", datetime.date(2024, 3, 5)),
        ("05-03-2024", datetime.date(2024, 3, 5)),
        ("05.03.2024", datetime.date(2024, 3, 5)),
        ("05/03/24", datetime.date(2024, 3, 5)),
        ("01/01/29", datetime.date(2029, 1, 1)),
        ("01/01/30", datetime.date(1930, 1, 1)),
        ("2024-03-05", datetime.date(2024, 3, 5)),
        ("2024-03-05 00:00:00", datetime.date(2024, 3, 5)),
        (datetime.datetime(2024, 3, 5, 14, 30), datetime.date(2024, 3, 5)),  # noqa: DTZ001 (cells are naive)
        (datetime.date(2024, 3, 5), datetime.date(2024, 3, 5)),
        (45356, datetime.date(2024, 3, 5)),
        ("", None),
    ],
)
def test_parse_date_fr(raw, expected):
    assert parse_date_fr(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2024", "bonjour", "2024/13/01", "32/01/2024", -5, 10**9, True])
def test_parse_date_fr_refuses(raw):
    with pytest.raises(ValidationError, match="date"):
        parse_date_fr(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("O", True),
        ("oui", True),
        ("OUI ", True),
        ("x", True),
        ("X", True),
        ("1", True),
        (1, True),
        ("Vrai", True),
        (True, True),
        ("N", False),
        ("Non", False),
        ("0", False),
        (0, False),
        ("faux", False),
        (False, False),
        ("", None),
    ],
)
def test_parse_yes_no(raw, expected):
    assert parse_yes_no(raw) is expected


@pytest.mark.parametrize(
    ("parser", "raw", "message"),
    [
        (parse_date_fr, True, "« VRAI » n'est pas une date"),
        (parse_amount, datetime.date(2026, 2, 28), "« 28/02/2026 » n'est pas un nombre"),
        (parse_amount, False, "« FAUX » n'est pas un nombre"),
    ],
)
def test_errors_show_a_cell_as_the_spreadsheet_does(parser, raw, message):
    with pytest.raises(ValidationError, match=message):
        parser(raw)


def test_parse_yes_no_refuses():
    with pytest.raises(ValidationError, match="« peut-être » : répondez par Oui ou Non"):
        parse_yes_no("peut-être")


@pytest.mark.parametrize(
    "formula", ['=HYPERLINK("http://exemple.fr","clic")', "+33 rue de la Paix", "-Démolition", "@SUM(A1:A3)"]
)
def test_parse_text_keeps_formula_like_text_verbatim(formula):
    assert parse_text(formula) == formula


def test_parse_text_cleans_spaces_and_control_characters():
    assert parse_text("  Îlot\nSaint-Sauveur \x00 ") == "Îlot Saint-Sauveur"
    assert parse_text(12.0) == "12"
    assert parse_text(datetime.date(2024, 3, 5)) == "05/03/2024"
    assert parse_text(None) == ""
    with pytest.raises(ValidationError, match="trop long"):
        parse_text("x" * 11, max_length=10)


def test_normalize_key():
    assert normalize_key("  Maître d’ouvrage ") == "maitre d ouvrage"
    assert normalize_key("ÉQUIPEMENT public_de-proximité") == "equipement public de proximite"
    assert normalize_key("Cœur de ville") == "coeur de ville"


def test_choice_parser_accepts_labels_codes_and_synonyms_and_lists_accepted_values():
    parse = choice_parser(Family.choices, synonyms={"Démolition": Family.DEMOLITION}, what="Famille")
    assert parse("equipement public de proximite") == Family.EQUIPEMENT
    assert parse("DEMOLITION") == Family.DEMOLITION
    assert parse("démolition de logements sociaux") == Family.DEMOLITION
    assert parse("") is None
    with pytest.raises(ValidationError) as error:
        parse("Voirie")
    message = error.value.messages[0]
    assert "« Voirie »" in message
    assert "Famille" in message
    assert "Équipement public de proximité" in message


# Hypothesis ---------------------------------------------------------------------------------------------

cells = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789 ,.-+€e\u00a0\u202f/:"),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


@no_db
@given(value=cells)
def test_parsers_raise_nothing_but_validation_error(value):
    messages = []
    for parser in PARSERS:
        try:
            parser(value)
        except ValidationError as error:
            messages.append(error.messages[0])
    assert all(messages)


def french(amount: Decimal, *, space: str) -> str:
    sign = "-" if amount < 0 else ""
    integer, _, decimals = f"{abs(amount):f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", space)
    return f"{sign}{grouped},{decimals}" if decimals else f"{sign}{grouped}"


amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@no_db
@given(amount=amounts, space=st.sampled_from([" ", "\u00a0", "\u202f", "."]))
def test_decimal_round_trip_french_format(amount, space):
    assert parse_decimal_fr(french(amount, space=space)) == amount
    assert parse_decimal_fr(f"{french(amount, space=space)} €") == amount


@no_db
@given(amount=amounts)
def test_decimal_round_trip_plain_and_numeric_cells(amount):
    assert parse_decimal_fr(str(amount)) == amount
    assert parse_decimal_fr(float(amount)) == Decimal(repr(float(amount)))


@no_db
@given(number=st.integers(min_value=-(10**15), max_value=10**15))
def test_int_round_trip(number):
    assert parse_int(f"{number:,}".replace(",", "\u202f")) == number
    assert parse_int(number) == number
    assert parse_int(float(number)) == int(float(number))


@no_db
@given(day=st.dates(min_value=datetime.date(1000, 1, 1)))
def test_date_round_trip(day):
    assert parse_date_fr(day.strftime("%d/%m/%Y").replace(" ", "0")) == day
    assert parse_date_fr(day.isoformat()) == day

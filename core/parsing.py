"""Parsers for values typed in French spreadsheets: amounts, integers, dates, yes/no, text, choices.

Every parser takes a raw cell (str, int, float, Decimal, date, datetime, bool or None) and returns a
Python value, or raises django's ValidationError with a French message naming the bad value. Blank input
gives None ("" for text). Nothing here is ever evaluated: a cell starting with "=" is plain text.
"""

import datetime
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

MAX_SHOWN_CHARS = 60
# Spaces a French number may be grouped with: space, no-break, narrow no-break, thin, figure spaces.
_GROUPING_SPACES = " \u00a0\u202f\u2009\u2007\u2008\u200a'’"
_CURRENCY = re.compile(r"^€|(€|eur(os?)?)$", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d{1,3})?$", re.IGNORECASE)
_GROUPED = {",": re.compile(r"^\d{1,3}(,\d{3})+$"), ".": re.compile(r"^\d{1,3}(\.\d{3})+$")}
_MAX_EXPONENT = 20  # numbers beyond 10**20 are typos or overflow, never data
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_FR = re.compile(r"^(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{2}|\d{4})$")
_DATE_ISO = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$"
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2_958_465  # 31/12/9999
_YES = {"o", "oui", "y", "yes", "x", "1", "vrai", "true", "v", "ok"}
_NO = {"n", "non", "no", "0", "faux", "false", "f"}
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # fits DecimalField(max_digits=14, decimal_places=2)


def shown(value: Any) -> str:
    """The value as the user sees it in the cell, shortened for an error message: a boolean cell reads
    VRAI / FAUX (as in a French spreadsheet), a date cell 05/03/2024, never Python's True or 2024-03-05
    00:00:00."""
    text = ("VRAI" if value else "FAUX") if isinstance(value, bool) else parse_text(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def invalid(message: str, value: Any) -> ValidationError:
    return ValidationError(message % {"value": shown(value)}, code="invalid")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalize_key(text: Any) -> str:
    """Comparable form of a header or a label: no accents, no case, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", str(text).replace("œ", "oe").replace("Œ", "oe"))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())


def parse_text(value: Any, *, max_length: int | None = None) -> str:
    """Text as typed, trimmed, with runs of spaces and line breaks made single spaces.

    Control characters (PostgreSQL refuses NUL) become spaces. A formula-like text ("=1+1", "@x") is kept
    verbatim: nothing is evaluated.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "Oui" if value else "Non"
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime.datetime):
        text = value.strftime("%d/%m/%Y %H:%M") if value.time() != datetime.time() else f"{value:%d/%m/%Y}"
    elif isinstance(value, datetime.date):
        text = f"{value:%d/%m/%Y}"
    else:
        text = str(value)
    text = " ".join(_CONTROL.sub(" ", text).split())
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            f"Texte trop long ({len(text)} caractères, {max_length} au plus) : « {shown(text)} ».",
            code="max_length",
        )
    return text


def _finite(value: int | float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _number_from_cell(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        raise invalid("« %(value)s » n'est pas un nombre.", value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise invalid("« %(value)s » n'est pas un nombre.", value)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise invalid("« %(value)s » n'est pas un nombre.", value)
        return value
    return None


def _standard_notation(text: str) -> str | None:
    """ "1 234,5" → "1234.5"; None when the text is not a French or plain number."""
    cleaned = text.strip().replace("−", "-").replace("\u2013", "-")
    cleaned = _CURRENCY.sub("", cleaned.strip()).strip()
    for space in _GROUPING_SPACES:
        cleaned = cleaned.replace(space, "")
    cleaned = "".join(cleaned.split())
    sign = ""
    if cleaned and cleaned[0] in "+-":
        sign, cleaned = cleaned[0], cleaned[1:]
    mantissa, exponent = cleaned, ""
    match = re.search(r"[eE][+-]?\d+$", cleaned)
    if match and cleaned[: match.start()]:
        mantissa, exponent = cleaned[: match.start()], match.group()
    integer, decimals = _split_decimal(mantissa)
    if integer is None:
        return None
    candidate = f"{sign}{integer}{'.' + decimals if decimals is not None else ''}{exponent}"
    return candidate if _PLAIN_NUMBER.match(candidate) else None


def _split_decimal(mantissa: str) -> tuple[str | None, str | None]:
    """Tell the decimal separator from thousands separators ("1.234,5", "1,234,567", "12,5", "0.5")."""
    commas, dots = mantissa.count(","), mantissa.count(".")
    if commas and dots:
        decimal_sep = "," if mantissa.rfind(",") > mantissa.rfind(".") else "."
        thousands_sep = "." if decimal_sep == "," else ","
        integer, _sep, decimals = mantissa.rpartition(decimal_sep)
        if thousands_sep in decimals or not _GROUPED[thousands_sep].match(integer):
            return None, None
        return integer.replace(thousands_sep, ""), decimals
    for sep, count in ((",", commas), (".", dots)):
        if count > 1:
            return (mantissa.replace(sep, ""), None) if _GROUPED[sep].match(mantissa) else (None, None)
        if count == 1:
            integer, _sep, decimals = mantissa.partition(sep)
            if not integer and not decimals:
                return None, None
            return integer or "0", decimals
    return mantissa, None


def parse_decimal_fr(value: Any) -> Decimal | None:
    """A number typed the French way: "1 234 567,89", "1.234,5", "12 000 €", "-3,5", or a numeric cell.

    A single dot is a decimal point ("0.5"); dots only group thousands when there are several of them or
    when a comma follows ("1.234.567", "1.234,5").
    """
    if is_blank(value):
        return None
    number = _number_from_cell(value)
    if number is None:
        text = str(value)
        notation = _standard_notation(text) if len(text) <= 100 else None
        if notation is None:
            raise invalid("« %(value)s » n'est pas un nombre (ex. « 1 234,56 »).", value)
        number = Decimal(notation)
    if number.is_zero():
        return Decimal(0)
    if number.adjusted() > _MAX_EXPONENT:
        raise invalid("« %(value)s » est un nombre trop grand.", value)
    if number.adjusted() < -_MAX_EXPONENT:
        return Decimal(0)
    return number


def parse_amount(value: Any) -> Decimal | None:
    """Euros: a French number, not negative, rounded to the cent."""
    number = parse_decimal_fr(value)
    if number is not None and number < 0:
        raise invalid("« %(value)s » : un montant ne peut pas être négatif.", value)
    return _cents(number, value)


def parse_signed_amount(value: Any) -> Decimal | None:
    """Euros rounded to the cent, negative allowed (a cancelled payment, « annulation de titre »)."""
    return _cents(parse_decimal_fr(value), value)


def _cents(number: Decimal | None, value: Any) -> Decimal | None:
    if number is None:
        return None
    try:
        amount = number.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise invalid("« %(value)s » est un montant trop grand.", value) from None
    if abs(amount) > MAX_AMOUNT:
        raise invalid("« %(value)s » est un montant trop grand.", value)
    return amount


def parse_int(value: Any) -> int | None:
    """A whole number ("12", "1 200", 12.0); "12,5" is refused."""
    number = parse_decimal_fr(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise invalid("« %(value)s » n'est pas un nombre entier.", value)
    return int(number)


def _excel_serial_date(value: Decimal | float | int) -> datetime.date:
    serial = int(value)
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise invalid("« %(value)s » n'est pas une date (ex. « 31/12/2024 »).", value)
    return _EXCEL_EPOCH + datetime.timedelta(days=serial)


def _full_year(year: str) -> int:
    """Two-digit years the way Excel reads them: 00–29 → 2000s, 30–99 → 1900s."""
    number = int(year)
    if len(year) == 2:
        number += 2000 if number < 30 else 1900
    return number


def parse_date_fr(value: Any) -> datetime.date | None:
    """dd/mm/yyyy, dd/mm/yy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, an Excel date cell or serial number."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if not _finite(value):
            raise invalid("« %(value)s » n'est pas une date (ex. « 31/12/2024 »).", value)
        return _excel_serial_date(value)
    text = " ".join(str(value).split())
    match = _DATE_FR.match(text) or _DATE_ISO.match(text)
    if match is None:
        raise invalid("« %(value)s » n'est pas une date (ex. « 31/12/2024 »).", value)
    try:
        return datetime.date(_full_year(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise invalid("« %(value)s » n'est pas une date valide.", value) from None


def parse_yes_no(value: Any) -> bool | None:
    """O/N, Oui/Non, X (ticked), 1/0, vrai/faux, a boolean cell."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and _finite(value) and value in (0, 1):
        return bool(value)
    key = normalize_key(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise invalid("« %(value)s » : répondez par Oui ou Non (O/N, X, 1/0).", value)


def choice_parser(
    choices: Iterable[tuple[str, str]],
    *,
    synonyms: Mapping[str, str] | None = None,
    what: str,
) -> Callable[[Any], str | None]:
    """A parser that maps a label, its code or a synonym (accents and case ignored) to a choice value.

    `choices` are (value, label) pairs, as TextChoices.choices gives them; `what` names the thing in the
    error message ("famille", "statut"), which lists the accepted labels.
    """
    choices = [(value, label) for value, label in choices if value]
    table = {normalize_key(value): value for value, _label in choices}
    table.update({normalize_key(label): value for value, label in choices})
    table.update({normalize_key(word): value for word, value in (synonyms or {}).items()})
    labels = [label for _value, label in choices]

    def parse(value: Any) -> str | None:
        if is_blank(value):
            return None
        found = table.get(normalize_key(value))
        if found is None:
            raise ValidationError(
                (
                    "« {value} » n'est pas une valeur reconnue pour « {what} ». "
                    "Valeurs acceptées : {accepted}."
                ).format(
                    value=shown(value),
                    what=what,
                    accepted=", ".join(str(label) for label in labels),
                ),
                code="invalid_choice",
            )
        return found

    return parse


def bounded(
    parser: Callable[[Any], Any], *, minimum: Any = None, maximum: Any = None, message: str
) -> Callable[[Any], Any]:
    """`parser`, with its result checked within [minimum, maximum]; `message` names the cell as %(value)s."""

    def parse(value: Any) -> Any:
        result = parser(value)
        if result is not None and (
            (minimum is not None and result < minimum) or (maximum is not None and result > maximum)
        ):
            raise invalid(message, value)
        return result

    return parse


def text_of(max_length: int) -> Callable[[Any], str]:
    """Text of at most `max_length` characters (see parse_text)."""

    def parse(value: Any) -> str:
        return parse_text(value, max_length=max_length)

    return parse


_LIST_SEPARATORS = re.compile(r"[;,|/\n]")


def parse_list(value: Any) -> list[str]:
    """Several values in a cell, joined by "; " (or ",", "|", "/", a line break)."""
    return [item for item in (parse_text(part) for part in _LIST_SEPARATORS.split(parse_text(value))) if item]

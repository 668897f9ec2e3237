"""French number, money and percentage formatting, shared by pages, exports and PDFs."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import dateformat, timezone

NARROW_NBSP = "\u202f"


def group_thousands(value: int) -> str:
    return f"{value:,}".replace(",", NARROW_NBSP)


def format_euros(value, *, precision: int = 0) -> str:
    """1234567.8 → "1 234 568 €" (narrow no-break spaces, as the fr locale writes them)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    integer, _, decimals = f"{abs(amount):f}".partition(".")
    text = group_thousands(int(integer))
    if precision:
        text += "," + decimals
    return f"{sign}{text}{NARROW_NBSP}€"


def format_millions(value) -> str:
    """12_345_678 → "12,3 M€"."""
    if value is None:
        return "—"
    millions = (Decimal(value) / Decimal(1_000_000)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    integer, _, decimal = f"{abs(millions):f}".partition(".")
    sign = "−" if millions < 0 else ""
    return f"{sign}{group_thousands(int(integer))},{decimal}{NARROW_NBSP}M€"


def format_percent(part, whole, *, precision: int = 0) -> str:
    if not whole:
        return "—"
    ratio = (Decimal(part or 0) * 100 / Decimal(whole)).quantize(
        Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP
    )
    return f"{str(ratio).replace('.', ',')}{NARROW_NBSP}%"


_DAY = re.compile(r"(?<!\\)j")


def format_date(value, fmt: str = "j F Y") -> str:
    """Django's date format, with the first of the month written "1er" as French does ("1er janvier 2027").

    Datetimes are shown in the current time zone, as the `date` template filter shows them.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if value.day == 1:
        fmt = _DAY.sub(r"j\\e\\r", fmt)
    return dateformat.format(value, fmt)


def format_percent_against(part, whole, target) -> str:
    """A share shown next to its target (a fraction, e.g. Decimal("0.3")): decimals when the whole
    percent would read the same as the target while the share differs ("29,7 %", not "30 %" next to an
    unmet "objectif 30 %"). The comparison itself is the caller's, on unrounded values."""
    if not whole:
        return "—"
    if target is None or Decimal(part or 0) / Decimal(whole) == Decimal(target):
        return format_percent(part, whole)
    precision = 0
    # 29.96 % reads "30,0 %" with one decimal: add decimals (up to three) until it reads differently
    while precision < 3 and format_percent(part, whole, precision=precision) == format_percent(
        target, 1, precision=precision
    ):
        precision += 1
    return format_percent(part, whole, precision=precision)

"""Calendar helpers: day counts, working days, French public holidays."""

import datetime
import functools


def days(count: float) -> datetime.timedelta:
    return datetime.timedelta(days=round(count))


def months(count: float) -> datetime.timedelta:
    """About `count` months, as a number of days (for dates drawn around a reference day)."""
    return days(count * 30.44)


def working_day(day: datetime.date, *, backward: bool = False) -> datetime.date:
    """The same day, or for a weekend day the next Monday (the previous Friday when backward)."""
    if day.weekday() < 5:
        return day
    shift = day.weekday() - 4 if backward else 7 - day.weekday()
    return day + datetime.timedelta(days=-shift if backward else shift)


def easter(year: int) -> datetime.date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    golden, century, rest = year % 19, year // 100, year % 100
    leap_century, century_rest = divmod(century, 4)
    correction = (century - (century + 8) // 25 + 1) // 3
    epact = (19 * golden + century - leap_century - correction + 15) % 30
    leap_year, year_rest = divmod(rest, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_year - epact - year_rest) % 7
    shift = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * shift + 114, 31)
    return datetime.date(year, month, day + 1)


FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))


@functools.cache
def public_holidays(year: int) -> frozenset[datetime.date]:
    """French public holidays: fixed ones, Easter Monday, Ascension and Whit Monday."""
    sunday = easter(year)
    movable = {sunday + datetime.timedelta(days=days) for days in (1, 39, 50)}
    return frozenset({datetime.date(year, month, day) for month, day in FIXED_HOLIDAYS} | movable)


def open_day(day: datetime.date, *, saturday: bool = True) -> datetime.date:
    """The day itself, or the next one that is not a Sunday (nor a Saturday) nor a public holiday."""
    while day.weekday() == 6 or (day.weekday() == 5 and not saturday) or day in public_holidays(day.year):
        day += datetime.timedelta(days=1)
    return day


def months_between(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    """(year, month) of every month from start's to end's, both included."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [(index // 12, index % 12 + 1) for index in range(first, last + 1)]

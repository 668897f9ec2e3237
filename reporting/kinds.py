"""What each kind of pack is: its sections in order, the scope it may cover, its default period.

A section (registered by an app's `reports.py`, see `core/pack_sections.py`) is in a kind of pack when,
and where, the kind lists its key; a key left out of a kind's list is not in that kind. A new app adds
its section keys to the lists of the kinds that should show them.
"""

import datetime

from core import pack_sections
from reporting.models import PackKind

SECTIONS_BY_KIND: dict[str, list[str]] = {
    PackKind.COPIL: [
        "chiffres-cles",
        "operations",
        "calendrier",
        "risques",
        "financements",
        "gouvernance",
        "concertation",
        "relogement",
        "insertion",
        "gusp",
    ],
    # A COTEC is about the whole programme's progress: no detailed calendar.
    PackKind.COTEC: [
        "chiffres-cles",
        "operations",
        "risques",
        "financements",
        "gouvernance",
        "concertation",
        "relogement",
        "insertion",
        "gusp",
    ],
    # A revue de projet is the year against the convention: progress and calendar per operation, money
    # against the maquette year over year, then the thematic sections (later domains add theirs here).
    PackKind.REVUE: [
        "chiffres-cles",
        "revue-avancement",
        "revue-calendrier",
        "revue-financements",
        "risques",
        "relogement-synthese",
        "insertion-synthese",
        "gusp-synthese",
        "concertation-synthese",
    ],
}

# Kinds that always cover the whole programme (a COPIL may cover one sector).
PROGRAMME_ONLY_KINDS = (PackKind.COTEC, PackKind.REVUE)
# Default period before the situation date, in months (a revue de projet covers its calendar year).
DEFAULT_PERIOD_MONTHS = {PackKind.COPIL: 6, PackKind.COTEC: 3}


def section_keys(kind: str) -> list[str]:
    return list(SECTIONS_BY_KIND[kind])


def sections_for(kind: str) -> list[pack_sections.Section]:
    """The sections of this kind of pack, in the kind's order."""
    return pack_sections.sections(SECTIONS_BY_KIND[kind])


def period_for(kind: str, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period a pack covers: a revue de projet covers its situation's calendar year whatever start was
    asked (it compares the situation date with 31 December of the previous year)."""
    if kind == PackKind.REVUE:
        return datetime.date(end.year, 1, 1), end
    return start, end


def default_period(kind: str, situation: datetime.date) -> tuple[datetime.date, datetime.date]:
    if kind == PackKind.REVUE:
        return datetime.date(situation.year, 1, 1), situation
    months = DEFAULT_PERIOD_MONTHS[kind]
    month_index = situation.month - 1 - months
    year, month = situation.year + month_index // 12, month_index % 12 + 1
    start = datetime.date(year, month, min(situation.day, 28)) + datetime.timedelta(days=1)
    return start, situation

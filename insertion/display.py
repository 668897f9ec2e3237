"""The insertion figures (`insertion.selectors.Figures`) as display strings for one audience.

Hours are the charte's compliance figures: shown to every audience. Counts of people (participants,
their profile, contracts, exits six months after) leave the mission team masked below the disclosure
threshold (`core.audience.Audience.counts`, with the secondary suppression of the cells that would give a
masked one back through a total); a share whose part or base is masked is not published ("—"), and the
hours of a masked number of contracts neither. The pages, the dashboard export and the MOA page read
these, so that a figure masked on one is masked on all.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.audience import Audience
from core.disclosure import is_masked, is_small
from core.formatting import format_percent, group_thousands
from insertion.models import AgeBand, ContractType, Modality, Public, Qualification, Situation
from insertion.selectors import Breakdown, Contracts, Exits, Hours, HoursRow, People

NOT_GIVEN = "Non renseigné"


def hours_text(value: Decimal | None) -> str:
    """Hours rounded to the unit, grouped: "12 345"."""
    if value is None:
        return "—"
    return group_thousands(int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def rate_text(hours: Hours) -> str:
    """Achieved ÷ target, "112 %" (may exceed 100 %); "—" without a target."""
    return format_percent(hours.achieved, hours.target) if hours.target else "—"


def hours_cells(hours: Hours) -> dict:
    """Target, achieved, worked and rate; "—" throughout for a group with no market and no hour (a MOA
    with no ANRU-funded market, say)."""
    if not hours.markets and not hours.target and not hours.achieved and not hours.worked:
        return {
            "target": "—",
            "achieved": "—",
            "worked": "—",
            "rate": "—",
            "reached": None,
            "markets": 0,
            "hours": hours,
        }
    return {
        "target": hours_text(hours.target),
        "achieved": hours_text(hours.achieved),
        "worked": hours_text(hours.worked),
        "rate": rate_text(hours),
        "reached": hours.reached,
        "markets": hours.markets,
        "hours": hours,
    }


def hours_rows(rows: Sequence[HoursRow]) -> list[dict]:
    """Each row's target / achieved / rate for the ANRU-funded markets, the others and both."""
    return [
        {
            "key": row.key,
            "label": row.label,
            "anru": hours_cells(row.anru),
            "other": hours_cells(row.other),
            "total": hours_cells(row.total),
        }
        for row in rows
    ]


# --- Counts of people ------------------------------------------------------------------------------------


@dataclass
class CountRow:
    label: str
    value: int  # the raw count (never shown to partners when `count` is masked)
    count: str  # its display
    share: str = "—"
    hours: str = ""  # hours worked, for contract breakdowns

    @property
    def masked(self) -> bool:
        return is_masked(self.count)


def _share(part: str, whole: str, value: int, total: int) -> str:
    if is_masked(part) or is_masked(whole) or not total:
        return "—"
    return format_percent(value, total)


def count_rows(
    audience: Audience, items: Sequence[tuple[str, int]], total: int | None, *, total_label: str = ""
) -> list[CountRow]:
    """Rows of counts that sum to `total` (masked with their total: a masked cell cannot be recomputed),
    with their share of the total; the total row last when `total_label` is given. `total=None`: counts
    that do not sum (a person in several publics), each masked on its own."""
    values = [value for _label, value in items]
    if total is None:
        cells = [audience.count(value) for value in values]
        return [CountRow(label, value, cell) for (label, value), cell in zip(items, cells, strict=True)]
    *cells, total_cell = audience.counts([[*values, total]], row_totals=True)[0]
    rows = [
        CountRow(label, value, cell, _share(cell, total_cell, value, total))
        for (label, value), cell in zip(items, cells, strict=True)
    ]
    if total_label:
        rows.append(CountRow(total_label, total, total_cell, format_percent(total, total) if total else "—"))
    return rows


@dataclass
class PeopleDisplay:
    participants: str
    hidden: bool  # fewer participants than the threshold: nothing about them is published
    women_share: str
    qpv_share: str
    sexes: list[CountRow]
    residence: list[CountRow]
    age_bands: list[CountRow]
    qualifications: list[CountRow]
    publics: list[CountRow]


def people_display(people: People, audience: Audience) -> PeopleDisplay:
    total = people.participants
    sexes = count_rows(
        audience, [("Femmes", people.women), ("Hommes", total - people.women)], total, total_label="Ensemble"
    )
    residence = count_rows(
        audience,
        [("Habitants d'un QPV", people.qpv_residents), ("Hors QPV", total - people.qpv_residents)],
        total,
        total_label="Ensemble",
    )
    bands = [(label, people.age_bands.get(value, 0)) for value, label in AgeBand.choices]
    qualifications = [(label, people.qualifications.get(value, 0)) for value, label in Qualification.choices]
    unknown = total - sum(value for _label, value in qualifications)
    if unknown:
        qualifications.append((NOT_GIVEN, unknown))
    publics = [(label, people.publics.get(value, 0)) for value, label in Public.choices]
    public_rows = count_rows(audience, publics, None)
    for row in public_rows:
        row.share = (
            "—" if row.masked or is_small_hidden(audience, total) else format_percent(row.value, total)
        )
    return PeopleDisplay(
        participants=audience.count(total),
        hidden=is_small_hidden(audience, total),
        women_share=sexes[0].share,
        qpv_share=residence[0].share,
        sexes=sexes,
        residence=residence,
        age_bands=count_rows(audience, bands, total, total_label="Ensemble"),
        qualifications=count_rows(audience, qualifications, total, total_label="Ensemble"),
        publics=public_rows,
    )


def is_small_hidden(audience: Audience, count: int) -> bool:
    """A total too small to publish anything about (outside the mission team)."""
    return audience.masks_counts and is_small(count, audience.threshold)


def _breakdown_rows(
    audience: Audience, items: Sequence[tuple[str, Breakdown]], total: int, total_worked: Decimal
) -> list[CountRow]:
    rows = count_rows(
        audience, [(label, item.contracts) for label, item in items], total, total_label="Ensemble"
    )
    for row, (_label, item) in zip(rows, items, strict=False):
        row.hours = "—" if row.masked else hours_text(item.worked)
    rows[-1].hours = "—" if rows[-1].masked else hours_text(total_worked)
    return rows


@dataclass
class ContractsDisplay:
    total: str
    by_type: list[CountRow]
    by_modality: list[CountRow]


def contracts_display(contracts: Contracts, audience: Audience) -> ContractsDisplay:
    types = [(label, contracts.by_type.get(value, Breakdown())) for value, label in ContractType.choices]
    modalities = [(label, contracts.by_modality.get(value, Breakdown())) for value, label in Modality.choices]
    worked = sum((item.worked for _label, item in types), Decimal(0))
    return ContractsDisplay(
        total=audience.count(contracts.total),
        by_type=_breakdown_rows(audience, types, contracts.total, worked),
        by_modality=_breakdown_rows(audience, modalities, contracts.total, worked),
    )


@dataclass
class ExitsDisplay:
    ended: str
    durable_share: str
    situations: list[CountRow]


def exits_display(exits: Exits, audience: Audience) -> ExitsDisplay:
    items = [(label, exits.situations.get(value, 0)) for value, label in Situation.choices]
    rows = count_rows(audience, items, exits.ended, total_label="Contrats terminés depuis six mois")
    durable, unknown = rows[0], rows[len(Situation.choices) - 1]
    hidden = durable.masked or unknown.masked or rows[-1].masked or exits.durable_share is None
    return ExitsDisplay(
        ended=rows[-1].count,
        durable_share="—" if hidden else format_percent(durable.value, exits.known),
        situations=rows,
    )

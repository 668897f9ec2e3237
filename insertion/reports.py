"""Insertion sections of the PDF packs: « Clauses d'insertion » of the COPIL and the COTEC, and its
synthesis in the revue de projet.

The figures come from `insertion.selectors` (the same as the insertion dashboard) at the pack's situation
date (`as_of` = the pack's last day), over the pack's scope: the whole programme, or for a sector's COPIL
the markets of the sector's operations (the markets not yet linked to an operation belong to no sector).
The hours chart is the dashboard's (`insertion.charts`). Hours are not counts of people and are shown to
every audience; counts of participants and of contracts are masked for partners with the audience's
helpers (`scope.audience.counts`, as the relogement section does), the cells that would give a small
count back included, and a share whose part or base is masked is not shown.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Q, QuerySet

from core.disclosure import is_masked
from core.formatting import format_percent, group_thousands
from core.pack_sections import PackScope, section
from insertion import charts, selectors
from insertion.display import hours_text
from insertion.models import AgeBand, Market, Public, Situation, WorkContract

NONE = "—"
# Situations six months after a contract, as written inside a sentence.
SITUATIONS = {
    Situation.DURABLE_JOB: "emploi durable",
    Situation.TRANSITION_JOB: "emploi de transition",
    Situation.TRAINING: "formation qualifiante",
    Situation.NONE: "sans emploi ni formation",
    Situation.UNKNOWN: "situation inconnue",
}
# Beyond this many operations (a programme-wide pack of a large programme) the per-operation table, pages
# long, gives way to the per-sector one; a sector's COPIL details its operations.
OPERATIONS_DETAIL_MAX = 60


def scope_markets(scope: PackScope) -> QuerySet[Market]:
    markets = Market.objects.filter(programme=scope.programme)
    if scope.sector is not None:
        markets = markets.filter(operation__sector=scope.sector)
    return markets


def scope_contracts(scope: PackScope) -> QuerySet[WorkContract]:
    contracts = WorkContract.objects.filter(programme=scope.programme)
    if scope.sector is not None:
        contracts = contracts.filter(market__operation__sector=scope.sector)
    return contracts


# --- Display -----------------------------------------------------------------------------------------------


def hours_cells(hours: selectors.Hours) -> dict:
    """Target, achieved and rate of some markets ("—" where the group has no market and no hour)."""
    if not hours.markets and not hours.target and not hours.achieved:
        return {"target": NONE, "achieved": NONE, "rate": NONE, "reached": None}
    return {
        "target": hours_text(hours.target),
        "achieved": hours_text(hours.achieved),
        "rate": format_percent(hours.achieved, hours.target),
        "reached": hours.reached,
    }


def hours_row(row: selectors.HoursRow) -> dict:
    total = row.total
    return {
        "label": row.label,
        "anru": hours_cells(row.anru),
        "other": hours_cells(row.other),
        "rate": format_percent(total.achieved, total.target),
        "reached": total.reached,
    }


KINDS = (("anru", "Marchés financés par l'ANRU"), ("other", "Autres marchés"))


def kind_groups(rows: list[selectors.HoursRow], total: selectors.HoursRow) -> list[dict]:
    """The rows of a level (operations, sectors) in two groups, ANRU-funded markets then the others: each
    group with its subtotal and the rows that have such markets or hours."""
    groups = []
    for name, label in KINDS:
        members = [
            {"label": row.label, **hours_cells(getattr(row, name))}
            for row in rows
            if hours_cells(getattr(row, name))["target"] != NONE
        ]
        if members:
            groups.append({"label": label, "subtotal": hours_cells(getattr(total, name)), "rows": members})
    return groups


def dispersion_text(spread: selectors.Dispersion) -> str:
    """The MOAs' spread in one sentence ("" when no MOA has a target)."""
    if not spread.moas:
        return ""

    def rate(value: Decimal | None) -> str:
        return format_percent(value, 1)

    moas = "maître d'ouvrage a" if spread.moas == 1 else "maîtres d'ouvrage ont"
    reached = "l'atteint ou le dépasse" if spread.reached == 1 else "l'atteignent ou le dépassent"
    below = "reste en dessous" if spread.below == 1 else "restent en dessous"
    text = f"{spread.moas} {moas} un objectif : {spread.reached} {reached}, {spread.below} {below}"
    if spread.moas > 1:
        text += f" ; taux de {rate(spread.lowest)} à {rate(spread.highest)}, médian {rate(spread.median)}"
    return text + "."


def share_text(part: str, whole: str, part_value: int, whole_value: int) -> str:
    """A share of participants, not shown when its part or its base is masked."""
    if is_masked(part) or is_masked(whole):
        return NONE
    return format_percent(part_value, whole_value)


def count_table(
    counts: Sequence[tuple[str, int]], total: int, audience, *, adds_up: bool = True
) -> tuple[list[dict], str]:
    """Display rows (label, count, share of `total`) of counts of people, and the total's display: masked
    for partners. When the counts add up to `total` (`adds_up`), a lone small count's complement is
    masked too (the total minus the others would give it back)."""
    values = [[value] for _label, value in counts]
    if adds_up:
        *cells, (total_cell,) = audience.counts([*values, [total]], column_totals=True)
    else:
        cells, total_cell = audience.counts(values), audience.count(total)
    rows = [
        {"label": label, "count": cell, "share": share_text(cell, total_cell, value, total)}
        for (label, value), (cell,) in zip(counts, cells, strict=True)
    ]
    return rows, total_cell


def people_context(people: selectors.People, audience) -> dict:
    """Participants, QPV residents, women, age bands and publics, masked for partners."""
    total = people.participants
    (qpv, _), participants = count_table(
        [("Habitants d'un QPV", people.qpv_residents), ("Hors QPV", total - people.qpv_residents)],
        total,
        audience,
    )
    (women, _), _ = count_table([("Femmes", people.women), ("Hommes", total - people.women)], total, audience)
    ages, _ = count_table(
        [(label, people.age_bands.get(key, 0)) for key, label in AgeBand.choices], total, audience
    )
    publics, _ = count_table(
        [(label, people.publics.get(key, 0)) for key, label in Public.choices], total, audience, adds_up=False
    )
    shares = [
        f"{qpv['share']} habitent un QPV" if qpv["share"] != NONE else "",
        f"{women['share']} de femmes" if women["share"] != NONE else "",
    ]
    return {
        "participants": participants,
        "hidden": is_masked(participants),
        "shares": ", ".join(share for share in shares if share),  # the shares that may be published
        "qpv": qpv,
        "women": women,
        "ages": ages,
        "publics": publics,
    }


def exits_context(exits: selectors.Exits, audience) -> dict:
    """Situation six months after the end of the contracts ended at least six months before, masked; the
    share of durable jobs among the known situations is not shown when a count it needs is masked."""
    rows, ended = count_table(
        [(SITUATIONS[Situation(key)], exits.situations.get(key, 0)) for key in Situation.values],
        exits.ended,
        audience,
    )
    cells = {key: row["count"] for key, row in zip(Situation.values, rows, strict=True)}
    durable, unknown = cells[Situation.DURABLE_JOB], cells[Situation.UNKNOWN]
    hidden = any(is_masked(cell) for cell in (durable, unknown, ended))
    return {
        "hidden": hidden,
        "ended": ended,
        "known": NONE if hidden else group_thousands(exits.known),
        "durable": durable,
        "durable_share": NONE
        if hidden
        else format_percent(exits.situations.get(Situation.DURABLE_JOB, 0), exits.known),
        "rows": rows,
    }


# --- COPIL and COTEC ---------------------------------------------------------------------------------------


@section(key="insertion", title="Clauses d'insertion", template="insertion/pack/insertion.html")
def insertion(scope: PackScope) -> dict | None:
    """Target vs achieved hours (ANRU and other markets apart) per MOA and per operation, their spread,
    the cumulative hours against the target, and who the participants are, at the situation date."""
    markets, contracts = scope_markets(scope), scope_contracts(scope)
    if not markets.exists():
        return None  # no market with a clause in the scope: the section is left out
    figures = selectors.insertion_figures(markets, contracts, as_of=scope.period_end)
    audience = scope.audience
    programme, operations = figures.programme, figures.operations
    detailed = len(operations) <= OPERATIONS_DETAIL_MAX
    return {
        "situation": scope.period_end,
        "total": hours_row(programme),
        "total_hours": hours_cells(programme.total),
        "moas": [hours_row(row) for row in figures.moas],
        "operations": kind_groups(operations, programme) if detailed else [],
        "sectors": [] if detailed else kind_groups(figures.sectors, programme),
        "operations_count": len(operations),
        "dispersion": dispersion_text(figures.dispersion),
        "hours_chart": charts.hours_chart(figures.months, target=programme.total.target),
        "people": people_context(figures.people, audience),
        "exits": exits_context(figures.exits, audience),
        "contracts": audience.count(figures.contracts.total),
        "threshold": audience.threshold,
    }


# --- Revue de projet ---------------------------------------------------------------------------------------


def year_hours_row(label: str, before: selectors.Hours, after: selectors.Hours) -> dict:
    """Hours achieved by 31 December of the previous year, in the year, and by the situation date."""
    return {
        "label": label,
        "target": hours_text(after.target),
        "before": hours_text(before.achieved),
        "year": hours_text(after.achieved - before.achieved),
        "after": hours_text(after.achieved),
        "rate": format_percent(after.achieved, after.target),
        "reached": after.reached,
    }


def active_between(
    contracts: QuerySet[WorkContract], start: datetime.date, end: datetime.date
) -> QuerySet[WorkContract]:
    """The contracts that ran some day of the period."""
    return contracts.filter(starts_on__lte=end).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))


@section(
    key="insertion-synthese", title="Clauses d'insertion", template="insertion/pack/insertion_revue.html"
)
def insertion_summary(scope: PackScope) -> dict | None:
    """The revue de projet's insertion: the year's hours (at the situation date against 31 December of the
    previous year) and the cumulative hours against the target, per kind of market and per sector; the
    year's participants; the MOAs' spread in a sentence (the tables per MOA and per operation, pages long
    on a large programme, are the COPIL's detail)."""
    markets, contracts = scope_markets(scope), scope_contracts(scope)
    if not markets.exists():
        return None
    previous_year_end = scope.period_start - datetime.timedelta(days=1)
    situation = scope.period_end

    def by(level: str, as_of: datetime.date) -> list[selectors.HoursRow]:
        return selectors.hours_by(level, markets, contracts, as_of=as_of)

    before_total = next(iter(by("programme", previous_year_end)), selectors.HoursRow(None, ""))
    after_total = next(iter(by("programme", situation)), selectors.HoursRow(None, ""))
    kinds = [
        year_hours_row("Marchés financés par l'ANRU", before_total.anru, after_total.anru),
        year_hours_row("Autres marchés", before_total.other, after_total.other),
    ]
    before_sectors = {row.key: row.total for row in by("sector", previous_year_end)}
    audience = scope.audience
    year_people = selectors.people(active_between(contracts, scope.period_start, situation), as_of=situation)
    figures_people = selectors.people(contracts, as_of=situation)
    return {
        "year": str(situation.year),  # text: a number would be printed "2 026"
        "previous_year": str(previous_year_end.year),
        "previous_year_end": previous_year_end,
        "situation": situation,
        "total": year_hours_row("Ensemble", before_total.total, after_total.total),
        "kinds": kinds,
        "sectors": [
            year_hours_row(row.label, before_sectors.get(row.key, selectors.Hours()), row.total)
            for row in by("sector", situation)
        ],
        "dispersion": dispersion_text(selectors.dispersion(by("moa", situation))),
        "hours_chart": charts.hours_chart(
            selectors.hours_by_month(contracts, as_of=situation), target=after_total.total.target
        ),
        "year_participants": audience.count(year_people.participants),
        "year_participants_hidden": is_masked(audience.count(year_people.participants)),
        "threshold": audience.threshold,
        "people": people_context(figures_people, audience),
        "exits": exits_context(selectors.exits(contracts, as_of=situation), audience),
    }

"""ANRU relogement indicators, aggregated in SQL (docs/relogement.md gives each definition).

The querysets of households passed in are already scoped (by `Household.objects.aggregable_by(user)`
for pages, by the pack's scope for PDF packs). Every level (operation, sector, programme) is computed
by its own grouped queries, so medians are true medians and the number of queries does not depend on
the number of households. Nothing here returns a household one by one.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from core import cache
from core.disclosure import is_masked
from core.formatting import format_euros, format_percent, format_percent_against, group_thousands
from projects.models import Operation
from relogement.models import (
    DEFINITIVELY_REHOUSED,
    Household,
    HouseholdStatus,
    OfferAnswer,
    RehousingKind,
    RelogementPlan,
)

PROGRAMME_WIDE = "Échelle du programme"
TOTAL_LABEL = "Ensemble"
DAYS_PER_MONTH = Decimal("30.4375")
MONEY: DecimalField = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)
SATISFIED_FROM = 4

# Levels: the key of a row in the households' table, and the same key seen from a rehousing or offer.
OPERATION = "origin_operation_id"
SECTOR = "origin_operation__sector_id"
PROGRAMME = None


class Median(Aggregate):
    """PostgreSQL median (continuous percentile 0.5) of a numeric expression."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


class DaysBetween(Func):
    """`end - start` for two dates: a number of days in PostgreSQL."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def _remaining_cost_before(prefix: str = ""):
    return (
        F(f"{prefix}origin_rent")
        + Coalesce(F(f"{prefix}origin_charges"), ZERO)
        - Coalesce(F(f"{prefix}origin_aid"), ZERO)
    )


# Seen from a household joined to its rehousings.
REMAINING_AFTER = F("rehousings__rent") + F("rehousings__charges") - F("rehousings__aid")
COST_CHANGE = REMAINING_AFTER - _remaining_cost_before()


@dataclass
class Figures:
    """Indicators of one operation, one sector or the whole programme (counts are of households)."""

    key: int | None = None
    label: str = TOTAL_LABEL
    households: int = 0
    definitive: int = 0
    temporary: int = 0
    in_progress: int = 0
    left: int = 0
    planned: int = 0
    # Definitive rehousings of the definitively rehoused households.
    rehoused: int = 0
    new_or_recent: int = 0
    outside_qpv: int = 0
    off_site: int = 0
    with_costs: int = 0
    median_cost_change: float | None = None
    cost_increased: int = 0
    above_max_increase: int = 0
    with_delay: int = 0
    median_delay_days: float | None = None
    surveyed: int = 0
    satisfaction_avg: float | None = None
    satisfied: int = 0
    # Offers.
    offers_to_rehoused: int = 0
    offered_households: int = 0
    refusals: int = 0
    # Targets of the plans (None when no plan of the scope sets them).
    target_new_share: Decimal | None = None
    target_outside_qpv_share: Decimal | None = None
    max_rent_increase: Decimal | None = None
    children: list["Figures"] = field(default_factory=list)

    @property
    def offers_per_rehoused(self) -> Decimal | None:
        return _ratio(self.offers_to_rehoused, self.definitive)

    @property
    def refusals_per_household(self) -> Decimal | None:
        return _ratio(self.refusals, self.offered_households)

    @property
    def median_delay_months(self) -> Decimal | None:
        if self.median_delay_days is None:
            return None
        return (Decimal(str(self.median_delay_days)) / DAYS_PER_MONTH).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# The keys of the three levels in the households' table, and their names in a grouped row.
LEVEL_COLUMNS = {"operation": OPERATION, "sector": SECTOR}


def _grouping_sets(queryset: QuerySet, **aggregates) -> dict[str, dict[int | None, dict]]:
    """{"operation" | "sector" | "programme": {key: aggregates}} in one query over `queryset` (rows of
    households, possibly joined to their offers or rehousings): `GROUP BY GROUPING SETS ((operation),
    (sector), ())`. `GROUPING()` tells a sector row of operations with no sector (key None) from the
    programme row. Django has no grouping sets: the grouped query it writes is rewritten, its two
    grouped columns checked."""
    rows = queryset.values(**{name: F(path) for name, path in LEVEL_COLUMNS.items()}).annotate(**aggregates)
    query = rows.order_by().query
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    select, separator, grouped = sql.rpartition(" GROUP BY ")
    columns = [compiler.compile(query.annotations[name])[0] for name in LEVEL_COLUMNS]
    # PostgreSQL's backend groups by position ("1, 2": the two keys come first in the SELECT).
    if not separator or grouped not in (", ".join(columns), "1, 2"):
        raise ValueError(f"unexpected grouping: {grouped!r}")  # pragma: no cover - Django's SQL changed
    operation, sector = columns
    sql = (
        f"SELECT GROUPING({operation}, {sector}) AS level, {select.removeprefix('SELECT ')}"
        f" GROUP BY GROUPING SETS (({operation}), ({sector}), ())"
    )
    converters = {
        name: [
            *connection.ops.get_db_converters(query.annotations[name]),
            *query.annotations[name].get_db_converters(connection),
        ]
        for name in aggregates
    }
    levels: dict[str, dict[int | None, dict]] = {"operation": {}, "sector": {}, "programme": {}}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            level = {1: "operation", 2: "sector", 3: "programme"}[row.pop("level")]
            key = None if level == "programme" else row[level]
            for name in LEVEL_COLUMNS:
                row.pop(name)
            for name, functions in converters.items():
                for function in functions:
                    row[name] = function(row[name], query.annotations[name], connection)
            levels[level][key] = row
    return levels


def household_counts(households: QuerySet[Household]) -> dict[str, dict[int | None, dict]]:
    S = HouseholdStatus
    return _grouping_sets(
        households,
        households=Count("pk"),
        definitive=Count("pk", filter=Q(status__in=DEFINITIVELY_REHOUSED)),
        temporary=Count("pk", filter=Q(status=S.TEMPORARY)),
        in_progress=Count("pk", filter=Q(status__in=[S.TO_SURVEY, S.SURVEYED, S.SEARCHING, S.OFFER])),
        left=Count("pk", filter=Q(status=S.LEFT)),
    )


def rehousing_figures(households: QuerySet[Household]) -> dict[str, dict[int | None, dict]]:
    """The definitive rehousings of the definitively rehoused households: the households joined to
    their rehousings (one filter() call, so that the aggregates count the joined rows it keeps)."""
    has_costs = Q(origin_rent__isnull=False)
    max_increase = F("origin_operation__relogement_plan__max_rent_increase")
    delay = DaysBetween(F("rehousings__rehoused_on"), F("diagnostic_on"))
    rehoused = households.filter(
        status__in=DEFINITIVELY_REHOUSED, rehousings__kind=RehousingKind.DEFINITIVE
    ).annotate(cost_change=COST_CHANGE)
    return _grouping_sets(
        rehoused,
        rehoused=Count("rehousings"),
        new_or_recent=Count("rehousings", filter=Q(rehousings__new_or_recent=True)),
        outside_qpv=Count("rehousings", filter=Q(rehousings__in_qpv=False)),
        off_site=Count("rehousings", filter=Q(rehousings__same_site=False)),
        with_costs=Count("rehousings", filter=has_costs),
        median_cost_change=Median("cost_change", filter=has_costs),
        cost_increased=Count("rehousings", filter=has_costs & Q(cost_change__gt=0)),
        above_max_increase=Count("rehousings", filter=has_costs & Q(cost_change__gt=max_increase)),
        with_delay=Count("rehousings", filter=Q(diagnostic_on__isnull=False)),
        median_delay_days=Median(delay, filter=Q(diagnostic_on__isnull=False)),
        surveyed=Count("rehousings", filter=Q(rehousings__satisfaction__isnull=False)),
        satisfaction_avg=Avg("rehousings__satisfaction"),
        satisfied=Count("rehousings", filter=Q(rehousings__satisfaction__gte=SATISFIED_FROM)),
    )


def offer_figures(households: QuerySet[Household]) -> dict[str, dict[int | None, dict]]:
    """The households joined to their offers (households with no offer are left out)."""
    return _grouping_sets(
        households.filter(offers__isnull=False),
        offers_to_rehoused=Count("offers", filter=Q(status__in=DEFINITIVELY_REHOUSED)),
        offered_households=Count("pk", distinct=True),
        refusals=Count("offers", filter=Q(offers__answer=OfferAnswer.REFUSED)),
    )


@dataclass
class Indicators:
    total: Figures
    sectors: list[Figures]
    operations: list[Figures]

    @property
    def empty(self) -> bool:
        return not self.total.households


def _targets(plans: Sequence[Mapping[str, Any]]) -> dict:
    """Targets of a group of plans: one plan's own, else averages weighted by the households planned
    (the plain average when no plan gives a number); the smallest maximum increase of rent."""

    def weighted(name: str) -> Decimal | None:
        with_target = [plan for plan in plans if plan[name] is not None]
        if not with_target:
            return None
        weights = [plan["households_planned"] for plan in with_target]
        if not sum(weights):
            weights = [1] * len(with_target)
        total = sum(plan[name] * weight for plan, weight in zip(with_target, weights, strict=True))
        return (total / sum(weights)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)

    increases = [plan["max_rent_increase"] for plan in plans if plan["max_rent_increase"] is not None]
    return {
        "planned": sum(plan["households_planned"] for plan in plans),
        "target_new_share": weighted("target_new_share"),
        "target_outside_qpv_share": weighted("target_outside_qpv_share"),
        "max_rent_increase": min(increases) if increases else None,
    }


def relogement_indicators(households: QuerySet[Household]) -> Indicators:
    """Indicators for the programme (or the scope), each sector and each operation of the households.

    Three passes over the households (counts; joined to their rehousings; joined to their offers),
    each grouping the three levels at once; then the labels and plans of the operations found."""
    levels: dict[str, dict[int | None, Figures]] = {"operation": {}, "sector": {}, "programme": {}}
    for source in (household_counts, rehousing_figures, offer_figures):
        for level, groups in source(households).items():
            for value, row in groups.items():
                entry = levels[level].setdefault(value, Figures(key=value))
                for name, number in row.items():
                    setattr(entry, name, number)
    by_operation, by_sector = levels["operation"], levels["sector"]
    total = levels["programme"].get(None, Figures())
    operation_ids = [key for key in by_operation if key is not None]
    labels = list(
        Operation.objects.filter(pk__in=operation_ids)
        .values("pk", "identifier", "label", "sector_id", "sector__name")
        .order_by()
    )
    plans = list(
        RelogementPlan.objects.filter(operation_id__in=operation_ids)
        .values(
            "operation_id",
            "operation__sector_id",
            "households_planned",
            "target_new_share",
            "target_outside_qpv_share",
            "max_rent_increase",
        )
        .order_by()
    )
    for name, value in _targets(plans).items():
        setattr(total, name, value)
    sector_names = {row["sector_id"]: row["sector__name"] for row in labels}
    for sector_id, figures in by_sector.items():
        figures.label = sector_names.get(sector_id) or PROGRAMME_WIDE
        for name, value in _targets([p for p in plans if p["operation__sector_id"] == sector_id]).items():
            setattr(figures, name, value)
    operation_sectors = {}
    for row in labels:
        figures = by_operation[row["pk"]]
        figures.label = f"{row['identifier']} — {row['label']}"
        operation_sectors[row["pk"]] = row["sector_id"]
        for name, value in _targets([p for p in plans if p["operation_id"] == row["pk"]]).items():
            setattr(figures, name, value)
    sectors = sorted(by_sector.values(), key=lambda f: (f.key is None, f.label))
    for sector in sectors:
        sector.children = sorted(
            (f for f in by_operation.values() if operation_sectors.get(f.key) == sector.key),
            key=lambda f: f.label,
        )
    operations = [operation for sector in sectors for operation in sector.children]
    return Indicators(total=total, sectors=sectors, operations=operations)


DASHBOARD_CACHE = "relogement-dashboard"


def dashboard_indicators(households: QuerySet[Household], *, programme_id: int, scope: str) -> Indicators:
    """`relogement_indicators` of a programme seen by one perimeter (`accounts.selectors.scope_cache_key`),
    kept a few minutes; every relogement write makes it stale (`dashboard_cache_bump`)."""
    return cache.cached(DASHBOARD_CACHE, f"{programme_id}:{scope}", lambda: relogement_indicators(households))


def dashboard_cache_bump() -> None:
    """Called by every write of households, offers, rehousings or plans (signals, bulk services)."""
    cache.bump(DASHBOARD_CACHE)


# --- Display -------------------------------------------------------------------------------------------

CountsFn = Callable[..., list[list[str]]]
COUNT_COLUMNS = ("definitive", "temporary", "in_progress", "left", "households")


def _number(value, places: int = 1) -> str:
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP):f}".replace(".", ",")
    return text.replace("-", "−")


def _share_text(share: Decimal | None) -> str:
    return "—" if share is None else format_percent(share, 1)


def display_rows(rows: list[Figures], counts: CountsFn, *, masked: bool, threshold: int) -> list[dict]:
    """Display strings of the indicators of each row (the last row is the total of the others).

    `counts` turns the table of counts of households into strings (masked for partners). When masked,
    a share, median or average whose base is a small count (or a masked cell) is shown as "—".
    """
    table = [[getattr(row, name) for name in COUNT_COLUMNS] for row in rows]
    cells = counts(table, row_totals=True, column_totals=True)
    return [
        _display_row(row, dict(zip(COUNT_COLUMNS, cells[index], strict=True)), masked, threshold)
        for index, row in enumerate(rows)
    ]


def _display_row(row: Figures, count_cells: dict[str, str], masked: bool, threshold: int) -> dict:
    hidden_base = masked and any(is_masked(count_cells[name]) for name in ("definitive", "households"))

    def hidden(*bases: int) -> bool:
        return hidden_base or (masked and any(0 < base < threshold for base in bases))

    def share(part: int, whole: int, target: Decimal | None = None) -> str:
        return "—" if hidden(part, whole) else format_percent_against(part, whole, target)

    def met(part: int, whole: int, target) -> bool | None:
        if target is None or not whole or hidden(part, whole):
            return None
        return Decimal(part) / Decimal(whole) >= target

    above_max = "—"
    if row.max_rent_increase is not None and not hidden(row.with_costs, row.above_max_increase):
        above_max = group_thousands(row.above_max_increase)
    offers_hidden = hidden(row.offered_households, row.refusals, row.offers_to_rehoused)
    return {
        "label": row.label,
        "figures": row,
        **count_cells,
        "planned": group_thousands(row.planned) if row.planned else "—",
        "new_share": share(row.new_or_recent, row.rehoused, row.target_new_share),
        "target_new_share": _share_text(row.target_new_share),
        "new_met": met(row.new_or_recent, row.rehoused, row.target_new_share),
        "outside_qpv_share": share(row.outside_qpv, row.rehoused, row.target_outside_qpv_share),
        "target_outside_qpv_share": _share_text(row.target_outside_qpv_share),
        "outside_qpv_met": met(row.outside_qpv, row.rehoused, row.target_outside_qpv_share),
        "off_site_share": share(row.off_site, row.rehoused),
        "median_cost_change": "—" if hidden(row.with_costs) else format_euros(row.median_cost_change),
        "cost_increased_share": share(row.cost_increased, row.with_costs),
        "max_rent_increase": format_euros(row.max_rent_increase),
        "above_max_increase": above_max,
        "offers_per_rehoused": "—" if offers_hidden else _number(row.offers_per_rehoused),
        "refusals_per_household": "—" if offers_hidden else _number(row.refusals_per_household),
        "median_delay_months": "—" if hidden(row.with_delay) else _number(row.median_delay_months),
        "satisfaction_avg": "—" if hidden(row.surveyed) else _number(row.satisfaction_avg),
        "satisfied_share": share(row.satisfied, row.surveyed),
    }


def indicator_tables(indicators: Indicators, counts: CountsFn, *, masked: bool, threshold: int) -> dict:
    """The dashboard's and the pack's tables: per sector and per operation, the total row last."""
    sectors = display_rows(
        [*indicators.sectors, indicators.total], counts, masked=masked, threshold=threshold
    )
    operations = display_rows(
        [*indicators.operations, indicators.total], counts, masked=masked, threshold=threshold
    )
    return {
        "sector_rows": sectors[:-1],
        "operation_rows": operations[:-1],
        "total_row": sectors[-1],
        # Each table's total is masked with that table's rows: the sector table's total under the
        # operation rows would give back the cells masked among the operations.
        "operation_total_row": operations[-1],
    }


# A level whose masking hides more than this share of its non-zero counts (almost all of them) is not
# detailed (partners): 47 masked cells out of 48 say nothing a total would not.
MOSTLY_MASKED = Fraction(3, 4)
SITUATION_COLUMNS = COUNT_COLUMNS[:-1]  # the situations; the last column is their total


def masked_counts(rows: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    """(masked, shown) among the non-zero situation counts of display rows: "0" and "—" hide nobody."""
    masked = shown = 0
    for row in rows:
        for name in SITUATION_COLUMNS:
            cell = row[name]
            if cell in ("0", "—"):
                continue
            shown += 1
            masked += is_masked(cell)
    return masked, shown


def _level(key: str, title: str, heading: str, rows: list[dict], total_row: dict) -> dict:
    masked, shown = masked_counts(rows)
    mostly = shown > 0 and masked > shown * MOSTLY_MASKED
    return {
        "key": key,
        "title": title,
        "heading": heading,
        "rows": rows,
        "total_row": total_row,
        "masked_cells": masked,
        "count_cells": shown,
        # too masked to be worth detailing (only masked figures can be): the level's total only
        "mostly_masked": mostly,
        "detail_rows": [] if mostly else rows,
    }


def level_tables(tables: dict, *, with_sectors: bool = True, with_operations: bool = True) -> list[dict]:
    """The tables of `indicator_tables` as a list for templates: per sector, per operation (if wanted).

    Each level says how many of its non-zero counts are masked (`masked_cells` of `count_cells`) and
    whether masking hides most of them (`mostly_masked`): then the pages show the coarser level instead
    (the sectors for the operations, the programme's totals for the sectors)."""
    levels = []
    if with_sectors:
        levels.append(
            _level("quartiers", "par quartier", "Quartier", tables["sector_rows"], tables["total_row"])
        )
    if with_operations:
        levels.append(
            _level(
                "operations",
                "par opération",
                "Opération",
                tables["operation_rows"],
                tables["operation_total_row"],
            )
        )
    return levels


def key_figures(total: Mapping[str, Any], *, threshold: int) -> dict:
    """The dashboard's key figures from a total row, never a bare "s" or "< 5" in a card.

    The masked situations (a small count, and the cell masked so that it cannot be recomputed) are
    shown as one group whose count is the total minus the situations shown — a figure anyone can
    already compute from the row, so it unmasks nothing. `hidden`: the total itself is masked (too few
    households in the perimeter to publish anything)."""
    labels = {
        "definitive": "relogés définitivement",
        "temporary": "relogés temporairement",
        "in_progress": "en cours",
        "left": "partis sans relogement",
    }
    if is_masked(total["households"]):
        return {"hidden": True, "situations": [], "grouped": None, "note": ""}
    figures: Figures = total["figures"]
    shown = [name for name in SITUATION_COLUMNS if not is_masked(total[name])]
    hidden = [name for name in SITUATION_COLUMNS if is_masked(total[name])]
    if not shown:
        note = f"répartition par situation non publiée : chacune compte moins de {threshold} ménages"
        return {"hidden": False, "situations": [], "grouped": None, "note": note}
    grouped = None
    if hidden:
        rest = figures.households - sum(getattr(figures, name) for name in shown)
        grouped = {
            "label": " ou ".join(labels[name] for name in hidden),
            "value": f"< {threshold}" if 0 < rest < threshold else group_thousands(rest),
            "detail": (
                "regroupés (secret statistique) : publiés à part, ils feraient retrouver un petit effectif"
            ),
        }
    return {
        "hidden": False,
        "situations": [{"label": labels[name], "value": total[name]} for name in shown],
        "grouped": grouped,
        "note": "",
    }

"""Insertion figures (charte nationale d'insertion), aggregated in SQL: docs/insertion.md defines each one.

The querysets passed in are already scoped (`Market.objects.aggregable_by(user)` and
`WorkContract.objects.aggregable_by(user)` for pages, the pack's scope for packs). Every figure is a grouped
aggregate: the number of queries does not depend on the number of markets, participants or contracts.
Nothing here returns a participant one by one; masking small counts is the audience's job.

Hours that count towards a clause (`COUNTED_HOURS`): the hours worked, plus the training hours of the
contracts whose training is part of the work contract (apprenticeship, professionalisation, GEIQ); on an
ANRU-funded market only the hours of QPV residents count. A situation at a date (`as_of`, the facilitator's
traditional "au 30 juin") keeps the contracts started by then, with their hours pro rata of the days
worked by then, and the markets started by then.
"""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import cache
from core.utils import months_before
from insertion.models import (
    TARGET_HOURS,
    TRAINING_COUNTS,
    AgeBand,
    ContractType,
    Market,
    Modality,
    Participant,
    Public,
    Qualification,
    Sex,
    Situation,
    WorkContract,
)

FIGURES_CACHE = "insertion-figures"
TOTAL_LABEL = "Ensemble"
TO_LINK_LABEL = "Marchés à rattacher à une opération"
NO_SECTOR_LABEL = "Échelle du programme ou marchés à rattacher"
HOURS_FIELD: DecimalField = DecimalField(max_digits=14, decimal_places=4)
ZERO = Decimal(0)
TENTH = Decimal("0.1")
SITUATION_DELAY_MONTHS = 6

# The levels hours are grouped by: (key path, label paths) from a market.
LEVELS = {
    "market": ("pk", ("number", "title")),
    "moa": ("moa_id", ("moa__name",)),
    "operation": ("operation_id", ("operation__identifier", "operation__label")),
    "sector": ("operation__sector_id", ("operation__sector__name",)),
    "programme": (None, ()),
}


def figures_cache_bump() -> None:
    """Called by every write of markets, participants or contracts (signals, bulk services)."""
    cache.bump(FIGURES_CACHE)


def tenths(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(TENTH, rounding=ROUND_HALF_UP)


def _ratio(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    """part / whole to four places (0.1234 = 12.34 %), None without a whole."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# --- Hours that count --------------------------------------------------------------------------------------


class ShareUntil(Func):
    """The share of a contract's days worked by `as_of` (1 without a cut-off, or once the contract ended):
    days from its start to `as_of` over days from its start to its end (to `today` while it runs)."""

    output_field = HOURS_FIELD

    def __init__(self, *, as_of: datetime.date, today: datetime.date):
        super().__init__(F("starts_on"), F("ends_on"))
        self.as_of, self.today = as_of, today

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        as_of, today = (f"DATE '{day.isoformat()}'" for day in (self.as_of, self.today))
        last = f"COALESCE({end}, GREATEST({today}, {as_of}))"
        sql = (
            f"CASE WHEN {start} > {as_of} THEN 0 WHEN {last} <= {as_of} THEN 1 "
            f"ELSE ({as_of} - {start} + 1)::numeric / GREATEST({last} - {start} + 1, 1) END"
        )
        return sql, [*start_params, *end_params, *start_params, *end_params, *start_params]


def _worked_hours() -> ExpressionWrapper:
    """Hours worked, plus the training hours that are part of the work contract."""
    training = Case(When(TRAINING_COUNTS, then=F("training_hours")), default=Value(ZERO))
    return ExpressionWrapper(F("hours_worked") + training, output_field=HOURS_FIELD)


# The rule of the charte: on an ANRU-funded market, only QPV residents' hours count.
COUNTS_FOR_CLAUSE = Q(market__anru_funded=False) | Q(participant__qpv_resident=True)


def counted_hours(*, as_of: datetime.date | None = None, today: datetime.date | None = None):
    """A contract's hours that count towards its market's clause (by `as_of` when given)."""
    hours = _worked_hours()
    if as_of is not None:
        hours = ExpressionWrapper(
            hours * ShareUntil(as_of=as_of, today=today or timezone.localdate()), output_field=HOURS_FIELD
        )
    return Case(When(COUNTS_FOR_CLAUSE, then=hours), default=Value(ZERO), output_field=HOURS_FIELD)


def all_hours(*, as_of: datetime.date | None = None, today: datetime.date | None = None):
    """Every hour worked under the clauses (whoever worked them), by `as_of` when given."""
    hours = _worked_hours()
    if as_of is not None:
        hours = ExpressionWrapper(
            hours * ShareUntil(as_of=as_of, today=today or timezone.localdate()), output_field=HOURS_FIELD
        )
    return hours


def markets_at(markets: QuerySet[Market], as_of: datetime.date | None) -> QuerySet[Market]:
    """The markets started by `as_of` (or with no start date)."""
    if as_of is None:
        return markets
    return markets.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=as_of))


def contracts_at(contracts: QuerySet[WorkContract], as_of: datetime.date | None) -> QuerySet[WorkContract]:
    """The contracts started by `as_of`."""
    return contracts if as_of is None else contracts.filter(starts_on__lte=as_of)


# --- Target vs achieved hours ------------------------------------------------------------------------------


@dataclass
class Hours:
    """Target and achieved hours of some markets; the rate may exceed 1 (100 %)."""

    target: Decimal = ZERO
    achieved: Decimal = ZERO
    worked: Decimal = ZERO  # every hour worked, QPV residents or not
    markets: int = 0

    @property
    def rate(self) -> Decimal | None:
        return _ratio(self.achieved, self.target)

    @property
    def reached(self) -> bool | None:
        return None if not self.target else self.achieved >= self.target

    def __add__(self, other: "Hours") -> "Hours":
        return Hours(
            self.target + other.target,
            self.achieved + other.achieved,
            self.worked + other.worked,
            self.markets + other.markets,
        )


@dataclass
class HoursRow:
    """One market, MOA, operation, sector or the programme: ANRU-funded and other markets apart."""

    key: int | None
    label: str
    anru: Hours = field(default_factory=Hours)
    other: Hours = field(default_factory=Hours)

    @property
    def total(self) -> Hours:
        return self.anru + self.other


def _label(row: dict, paths: tuple[str, ...], level: str) -> str:
    values = [row[f"label_{index}"] for index in range(len(paths))]
    if level == "programme":
        return TOTAL_LABEL
    if values and values[0] is None:
        return TO_LINK_LABEL if level == "operation" else NO_SECTOR_LABEL
    return " — ".join(str(value) for value in values if value)


def hours_by(
    level: str,
    markets: QuerySet[Market],
    contracts: QuerySet[WorkContract],
    *,
    as_of: datetime.date | None = None,
    today: datetime.date | None = None,
) -> list[HoursRow]:
    """Target vs achieved hours grouped by `level` (market, moa, operation, sector, programme), ANRU and
    other markets apart; two queries (markets' targets, contracts' hours), rows sorted by label."""
    key_path, label_paths = LEVELS[level]
    paths = {"anru": "anru_funded"}
    if key_path:
        paths["key"] = key_path
    paths |= {f"label_{index}": path for index, path in enumerate(label_paths)}
    group = {name: F(path) for name, path in paths.items()}
    contract_group = {name: F(f"market__{path}") for name, path in paths.items()}
    rows: dict[int | None, HoursRow] = {}

    def row_of(values: dict) -> HoursRow:
        key = values.get("key")
        if key not in rows:
            rows[key] = HoursRow(key, _label(values, label_paths, level))
        return rows[key]

    targets = (
        markets_at(markets, as_of)
        .values(**group)
        .annotate(
            target=Coalesce(Sum(TARGET_HOURS), Value(ZERO), output_field=HOURS_FIELD), count=Count("pk")
        )
        .order_by()
    )
    for values in targets:
        hours = row_of(values).anru if values["anru"] else row_of(values).other
        hours.target, hours.markets = tenths(values["target"]), values["count"]
    achieved = (
        contracts_at(contracts, as_of)
        .values(**contract_group)
        .annotate(
            achieved=Sum(counted_hours(as_of=as_of, today=today)),
            worked=Sum(all_hours(as_of=as_of, today=today)),
        )
        .order_by()
    )
    for values in achieved:
        hours = row_of(values).anru if values["anru"] else row_of(values).other
        hours.achieved, hours.worked = tenths(values["achieved"]), tenths(values["worked"])
    return sorted(rows.values(), key=lambda row: (row.key is None, row.label))


@dataclass
class Dispersion:
    """How far apart the MOAs are: achievement rates of the MOAs that have a target."""

    moas: int = 0
    reached: int = 0  # at or above their target
    below: int = 0
    lowest: Decimal | None = None
    median: Decimal | None = None
    highest: Decimal | None = None


def dispersion(rows: Iterable[HoursRow]) -> Dispersion:
    """From `hours_by("moa", …)`: no query."""
    rates = [row.total.rate for row in rows if row.total.rate is not None]
    if not rates:
        return Dispersion()
    return Dispersion(
        moas=len(rates),
        reached=sum(1 for rate in rates if rate >= 1),
        below=sum(1 for rate in rates if rate < 1),
        lowest=min(rates),
        median=Decimal(statistics.median(rates)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        highest=max(rates),
    )


# --- Hours by month ----------------------------------------------------------------------------------------


@dataclass
class Month:
    month: datetime.date  # its first day
    hours: Decimal
    cumulative: Decimal


def hours_by_month(
    contracts: QuerySet[WorkContract],
    *,
    as_of: datetime.date | None = None,
    today: datetime.date | None = None,
) -> list[Month]:
    """Counted hours spread over the months of each contract in proportion to its days (a contract still
    running runs to `today`), up to `as_of`; one query. The target line is `hours_by("programme", …)`."""
    today = today or timezone.localdate()
    last_day = as_of or today
    inner = (
        contracts_at(contracts, as_of)
        .annotate(counted=counted_hours())
        .values("starts_on", "ends_on", "counted")
    )
    try:
        inner_sql, params = inner.order_by().query.sql_with_params()
    except EmptyResultSet:  # an empty queryset (`.none()`, `pk__in=[]`) compiles to no SQL at all
        return []
    sql = f"""
        WITH c AS (
            SELECT starts_on AS s, COALESCE(ends_on, GREATEST(%s::date, starts_on)) AS e, counted
            FROM ({inner_sql}) AS contracts
        )
        SELECT m::date AS month,
               SUM(c.counted * (LEAST(c.e, (m + interval '1 month' - interval '1 day')::date, %s::date)
                                - GREATEST(c.s, m::date) + 1)::numeric / (c.e - c.s + 1)) AS hours
        FROM c, generate_series(date_trunc('month', c.s::timestamp),
                                date_trunc('month', LEAST(c.e, %s::date)::timestamp), interval '1 month') AS m
        GROUP BY m ORDER BY m
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [today, *params, last_day, last_day])
        found = dict(cursor.fetchall())
    if not found:
        return []
    months, cumulative = [], ZERO
    month = min(found)
    while month <= max(found):
        hours = found.get(month) or ZERO
        cumulative += hours
        months.append(Month(month, tenths(hours), tenths(cumulative)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


# --- People ------------------------------------------------------------------------------------------------


@dataclass
class People:
    """Distinct participants of the contracts in scope."""

    participants: int = 0
    women: int = 0
    qpv_residents: int = 0
    age_bands: dict[str, int] = field(default_factory=dict)
    publics: dict[str, int] = field(default_factory=dict)
    qualifications: dict[str, int] = field(default_factory=dict)

    @property
    def women_share(self) -> Decimal | None:
        return _ratio(self.women, self.participants)

    @property
    def qpv_share(self) -> Decimal | None:
        return _ratio(self.qpv_residents, self.participants)


def people(contracts: QuerySet[WorkContract], *, as_of: datetime.date | None = None) -> People:
    """One query over the participants of the contracts (started by `as_of`)."""
    participants = Participant.objects.filter(pk__in=contracts_at(contracts, as_of).values("participant_id"))
    counts = {
        "participants": Count("pk"),
        "women": Count("pk", filter=Q(sex=Sex.WOMAN)),
        "qpv_residents": Count("pk", filter=Q(qpv_resident=True)),
    }
    counts |= {f"age:{band}": Count("pk", filter=Q(age_band=band)) for band in AgeBand.values}
    counts |= {
        f"public:{public}": Count("pk", filter=Q(publics__contains=[public])) for public in Public.values
    }
    counts |= {f"qual:{level}": Count("pk", filter=Q(qualification=level)) for level in Qualification.values}
    row = participants.aggregate(**counts)
    return People(
        participants=row["participants"],
        women=row["women"],
        qpv_residents=row["qpv_residents"],
        age_bands={band: row[f"age:{band}"] for band in AgeBand.values},
        publics={public: row[f"public:{public}"] for public in Public.values},
        qualifications={level: row[f"qual:{level}"] for level in Qualification.values},
    )


# --- Contracts ---------------------------------------------------------------------------------------------


@dataclass
class Breakdown:
    contracts: int = 0
    worked: Decimal = ZERO  # every hour worked (and the training hours that count)


@dataclass
class Contracts:
    total: int = 0
    by_type: dict[str, Breakdown] = field(default_factory=dict)
    by_modality: dict[str, Breakdown] = field(default_factory=dict)


def contract_kinds(
    contracts: QuerySet[WorkContract],
    *,
    as_of: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Contracts:
    """Contracts and hours by contract type and by modality; one query."""
    result = Contracts(
        by_type={kind: Breakdown() for kind in ContractType.values},
        by_modality={modality: Breakdown() for modality in Modality.values},
    )
    rows = (
        contracts_at(contracts, as_of)
        .values("contract_type", "modality")
        .annotate(count=Count("pk"), worked=Sum(all_hours(as_of=as_of, today=today)))
        .order_by()
    )
    for row in rows:
        result.total += row["count"]
        for item in (result.by_type[row["contract_type"]], result.by_modality[row["modality"]]):
            item.contracts += row["count"]
            item.worked += row["worked"] or ZERO
    for item in (*result.by_type.values(), *result.by_modality.values()):
        item.worked = tenths(item.worked)
    return result


@dataclass
class Exits:
    """Situation six months after the end of the contracts ended at least six months before the date."""

    ended: int = 0
    situations: dict[str, int] = field(default_factory=dict)

    @property
    def known(self) -> int:
        return self.ended - self.situations.get(Situation.UNKNOWN, 0)

    @property
    def durable_share(self) -> Decimal | None:
        """Durable jobs among the contracts whose situation is known."""
        return _ratio(self.situations.get(Situation.DURABLE_JOB, 0), self.known)


def exits(
    contracts: QuerySet[WorkContract],
    *,
    as_of: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Exits:
    """One query: the contracts ended six months or more before `as_of` (today without it), by situation."""
    cutoff = months_before(as_of or today or timezone.localdate(), SITUATION_DELAY_MONTHS)
    rows = (
        contracts.filter(ends_on__lte=cutoff)
        .values("situation_6_months")
        .annotate(count=Count("pk"))
        .order_by()
    )
    result = Exits(situations=dict.fromkeys(Situation.values, 0))
    for row in rows:
        result.situations[row["situation_6_months"]] = row["count"]
        result.ended += row["count"]
    return result


# --- Everything at once ------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The insertion figures of a scope (what a dashboard, a pack section or the indicators read)."""

    as_of: datetime.date | None
    programme: HoursRow
    markets: list[HoursRow]
    moas: list[HoursRow]
    operations: list[HoursRow]
    sectors: list[HoursRow]
    dispersion: Dispersion
    months: list[Month]
    people: People
    contracts: Contracts
    exits: Exits


def insertion_figures(
    markets: QuerySet[Market],
    contracts: QuerySet[WorkContract],
    *,
    as_of: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Figures:
    """Every figure of the scope (a fixed number of queries)."""
    today = today or timezone.localdate()
    by = {
        level: hours_by(level, markets, contracts, as_of=as_of, today=today)
        for level in ("market", "moa", "operation", "sector", "programme")
    }
    return Figures(
        as_of=as_of,
        programme=by["programme"][0] if by["programme"] else HoursRow(None, TOTAL_LABEL),
        markets=by["market"],
        moas=by["moa"],
        operations=by["operation"],
        sectors=by["sector"],
        dispersion=dispersion(by["moa"]),
        months=hours_by_month(contracts, as_of=as_of, today=today),
        people=people(contracts, as_of=as_of),
        contracts=contract_kinds(contracts, as_of=as_of, today=today),
        exits=exits(contracts, as_of=as_of, today=today),
    )


def cached_figures(
    markets: QuerySet[Market],
    contracts: QuerySet[WorkContract],
    *,
    programme_id: int,
    scope: str,
    as_of: datetime.date | None = None,
) -> Figures:
    """`insertion_figures` of a programme seen by one perimeter (`accounts.selectors.scope_cache_key`), kept
    a few minutes; every insertion write makes it stale (`figures_cache_bump`)."""
    key = f"{programme_id}:{scope}:{as_of.isoformat() if as_of else '-'}:{timezone.localdate().isoformat()}"
    return cache.cached(FIGURES_CACHE, key, lambda: insertion_figures(markets, contracts, as_of=as_of))

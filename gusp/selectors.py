"""GUSP figures, aggregated in SQL: docs/gusp.md defines each one.

The querysets passed in are already scoped (`Report.objects.aggregable_by(user)` for pages, the pack's
scope for packs). Every figure is a grouped aggregate: the number of queries does not depend on the number
of reports, walks or actions. A period is a pair of dates, both included (`Period`); figures about
handling read the reports closed in the period, the others the reports made in it.

- handled: closed as « Résolu » or « Clos non résolu » (a report « Hors compétence » or « Doublon » was
  settled at triage, not handled by its organisation);
- handling time: from `reported_at` to `closed_at`, in days; acknowledgement time: from `reported_at` to
  `acknowledged_at`, in hours; medians (percentile_cont 0.5);
- within target: handled, and closed (local date) on or before `due_on`;
- late: open (Nouveau, Transmis, En cours) and `due_on` before today;
- hotspot: at least `HOTSPOT_MIN` reports of one theme at one place (coordinates rounded to 3 decimals,
  about 110 m × 70 m here; the address when there is no point) in the period.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Lower, Round
from django.utils import timezone

from core import cache
from gusp.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ROUTED_OPEN_STATUSES,
    ActionStatus,
    GuspAction,
    Report,
    ReportStatus,
    TfpbAbatement,
    WalkAudit,
)

FIGURES_CACHE = "gusp-figures"
HOTSPOT_MIN = 3
HOTSPOTS_KEPT = 20
PLACE_DECIMALS = 3
MAP_POINTS_LIMIT = 50_000
HANDLED = (ReportStatus.RESOLVED, ReportStatus.CLOSED_UNRESOLVED)
NO_HANDLER = "Sans organisation en charge"
R = ReportStatus


def figures_cache_bump() -> None:
    """Called by every write of reports, themes, walk audits or actions (signals, bulk services)."""
    cache.bump(FIGURES_CACHE)


@dataclass(frozen=True)
class Period:
    """Two dates, both included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year_before(cls, today: datetime.date) -> "Period":
        """The 12 months up to `today`."""
        return cls(today - datetime.timedelta(days=364), today)

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}:{self.end.isoformat()}"


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


def _seconds_between(later: str, earlier: str) -> Func:
    return Func(
        F(later),
        F(earlier),
        template="EXTRACT(EPOCH FROM (%(expressions)s))",
        arg_joiner=" - ",
        output_field=FloatField(),
    )


HANDLING_DAYS = _seconds_between("closed_at", "reported_at") / 86400.0
ACK_HOURS = _seconds_between("acknowledged_at", "reported_at") / 3600.0


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _tenths(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _within(field: str, period: Period) -> Q:
    """The local dates of the period, as a range of the column itself (from the first day's local
    midnight to the next day's after the last): the same rows as `<field>__date` between the two dates,
    but the planner reads the column's statistics and indexes instead of a time-zone conversion per row."""
    return Q(
        **{
            f"{field}__gte": _local_midnight(period.start),
            f"{field}__lt": _local_midnight(period.end + datetime.timedelta(days=1)),
        }
    )


def reported_in(reports: QuerySet[Report], period: Period) -> QuerySet[Report]:
    return reports.filter(_within("reported_at", period))


def closed_in(reports: QuerySet[Report], period: Period) -> QuerySet[Report]:
    return reports.filter(_within("closed_at", period))


# --- Open reports by theme and handler ---------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRow:
    theme: str
    handler: str
    open: int
    late: int


@dataclass
class OpenFigures:
    rows: list[OpenRow]
    by_theme: dict[str, tuple[int, int]] = field(default_factory=dict)  # theme → (open, late)
    by_handler: dict[str, tuple[int, int]] = field(default_factory=dict)
    total: tuple[int, int] = (0, 0)


def open_reports(reports: QuerySet[Report], *, today: datetime.date) -> OpenFigures:
    """Open and late reports by (theme, handler), with the totals by theme, by handler and overall (one
    grouped query; the totals are sums of its few rows)."""
    values = (
        reports.filter(status__in=OPEN_STATUSES)
        .values("theme__name", "theme__order", "handler__name")
        .annotate(open=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("theme__order", "theme__name", "handler__name")
    )
    rows = [OpenRow(v["theme__name"], v["handler__name"] or NO_HANDLER, v["open"], v["late"]) for v in values]
    figures = OpenFigures(rows)
    for row in rows:
        for table, key in ((figures.by_theme, row.theme), (figures.by_handler, row.handler)):
            open_count, late = table.get(key, (0, 0))
            table[key] = (open_count + row.open, late + row.late)
    figures.by_handler = dict(sorted(figures.by_handler.items(), key=lambda item: (-item[1][0], item[0])))
    figures.total = (sum(row.open for row in rows), sum(row.late for row in rows))
    return figures


# --- Handling: times and share within the target delay -----------------------------------------------------


@dataclass(frozen=True)
class HandlingRow:
    handler: str
    handled: int
    within_target: int
    median_days: Decimal | None
    median_ack_hours: Decimal | None

    @property
    def within_share(self) -> Decimal | None:
        return _ratio(self.within_target, self.handled)


HANDLING_AGGREGATES = {
    "handled": Count("pk"),
    "within_target": Count("pk", filter=Q(closed_at__date__lte=F("due_on"))),
    "median_days": Median(HANDLING_DAYS),
    "median_ack_hours": Median(ACK_HOURS, filter=Q(acknowledged_at__isnull=False)),
}


def _handling_row(name: str, values: dict) -> HandlingRow:
    return HandlingRow(
        name,
        values["handled"],
        values["within_target"],
        _tenths(values["median_days"]),
        _tenths(values["median_ack_hours"]),
    )


def handling(reports: QuerySet[Report], *, period: Period) -> tuple[list[HandlingRow], HandlingRow]:
    """Per handler and overall, the reports handled (closed in the period as resolved or closed not
    resolved): how many, how many within the target delay, median handling and acknowledgement times."""
    handled = closed_in(reports, period).filter(status__in=HANDLED)
    rows = [
        _handling_row(values["handler__name"] or NO_HANDLER, values)
        for values in handled.values("handler__name")
        .annotate(**HANDLING_AGGREGATES)
        .order_by("handler__name")
    ]
    total = _handling_row("Ensemble", handled.aggregate(**HANDLING_AGGREGATES))
    return rows, total


# --- Counts by status, theme and month ----------------------------------------------------------------------


@dataclass(frozen=True)
class Volume:
    reported: int
    closed: int
    by_status: dict[str, int]

    @property
    def closed_share(self) -> Decimal | None:
        return _ratio(self.closed, self.reported)


def volume(reports: QuerySet[Report], *, period: Period) -> Volume:
    """The reports made in the period, by status (one grouped query)."""
    counts = dict(
        reported_in(reports, period).values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    by_status = {status: counts.get(status, 0) for status in R.values}
    reported = sum(by_status.values())
    closed = sum(by_status[status] for status in CLOSED_STATUSES)
    return Volume(reported, closed, by_status)


# --- Recurring hotspots -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hotspot:
    sector: str
    theme: str
    latitude: Decimal | None
    longitude: Decimal | None
    address: str
    reports: int
    open: int
    last: datetime.datetime


def hotspots(
    reports: QuerySet[Report], *, period: Period, minimum: int = HOTSPOT_MIN, kept: int = HOTSPOTS_KEPT
) -> list[Hotspot]:
    """The places where one theme is reported again and again (at least `minimum` times in the period),
    the most reported first."""
    place_address = Case(
        When(latitude__isnull=True, then=Lower("address")), default=Value(""), output_field=CharField()
    )
    values = (
        reported_in(reports, period)
        .annotate(
            lat=Round("latitude", PLACE_DECIMALS),
            lon=Round("longitude", PLACE_DECIMALS),
            place=place_address,
        )
        .exclude(latitude__isnull=True, address="")
        .values("sector__name", "theme__name", "lat", "lon", "place")
        .annotate(
            reports=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            last=Max("reported_at"),
            shown_address=Min("address"),
        )
        .filter(reports__gte=minimum)
        .order_by("-reports", "-last", "sector__name", "theme__name")[:kept]
    )
    return [
        Hotspot(
            v["sector__name"],
            v["theme__name"],
            v["lat"],
            v["lon"],
            v["shown_address"],
            v["reports"],
            v["open"],
            v["last"],
        )
        for v in values
    ]


# --- Walk audits --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WalkFigures:
    held: int
    participants: int
    residents: int
    observations: int
    resolved: int
    open: int
    follow_ups: int = 0
    follow_ups_done: int = 0

    @property
    def resolved_share(self) -> Decimal | None:
        return _ratio(self.resolved, self.observations)


def walk_audits(
    walks: QuerySet[WalkAudit],
    reports: QuerySet[Report],
    actions: QuerySet[GuspAction] | None = None,
    *,
    period: Period,
) -> WalkFigures:
    """The walk audits held in the period, their participants, what became of their observations, and
    their follow-up actions (those of `actions`, the reader's: how many, how many done)."""
    held = walks.filter(held_on__gte=period.start, held_on__lte=period.end)
    totals = held.aggregate(
        held=Count("pk"),
        residents=Sum("residents"),
        others=Sum(F("citizen_council") + F("elected_officials") + F("professionals")),
    )
    observed = reports.filter(walk_audit__in=held.values("pk")).aggregate(
        observations=Count("pk"),
        resolved=Count("pk", filter=Q(status=R.RESOLVED)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )
    follow_ups = {"follow_ups": 0, "done": 0}
    if actions is not None:
        follow_ups = actions.filter(walk_audit__in=held.values("pk")).aggregate(
            follow_ups=Count("pk"), done=Count("pk", filter=Q(status=ActionStatus.DONE))
        )
    residents = totals["residents"] or 0
    return WalkFigures(
        held=totals["held"],
        participants=residents + (totals["others"] or 0),
        residents=residents,
        observations=observed["observations"],
        resolved=observed["resolved"],
        open=observed["open"],
        follow_ups=follow_ups["follow_ups"],
        follow_ups_done=follow_ups["done"],
    )


# --- TFPB ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TfpbRow:
    landlord: str
    year: int
    actions: int
    done: int
    amount: Decimal
    done_amount: Decimal
    abatement: Decimal | None = None  # the landlord's abatement of the year, None when none is recorded

    @property
    def valuation_rate(self) -> Decimal | None:
        """« Taux de valorisation »: the valued actions' euros over the abatement (None without an
        abatement, or with a zero one)."""
        if not self.abatement:
            return None
        return self.amount / self.abatement


@dataclass(frozen=True)
class TfpbTotal:
    """The lines of `tfpb_by_landlord` added up. The abatement and the euros valued against it count only
    the lines that have an abatement: a landlord without a recorded abatement does not raise the rate."""

    actions: int
    done: int
    amount: Decimal
    done_amount: Decimal
    abatement: Decimal | None  # None when no line has one
    valued_against_abatement: Decimal

    @classmethod
    def of(cls, rows: list[TfpbRow]) -> "TfpbTotal":
        with_abatement = [row for row in rows if row.abatement is not None]
        return cls(
            actions=sum(row.actions for row in rows),
            done=sum(row.done for row in rows),
            amount=sum((row.amount for row in rows), Decimal(0)),
            done_amount=sum((row.done_amount for row in rows), Decimal(0)),
            abatement=sum((row.abatement or Decimal(0) for row in with_abatement), Decimal(0))
            if with_abatement
            else None,
            valued_against_abatement=sum((row.amount for row in with_abatement), Decimal(0)),
        )

    @property
    def valuation_rate(self) -> Decimal | None:
        if not self.abatement:
            return None
        return self.valued_against_abatement / self.abatement


def tfpb_by_landlord(
    actions: QuerySet[GuspAction],
    *,
    years: tuple[int, ...] | None = None,
    abatements: QuerySet[TfpbAbatement] | None = None,
) -> list[TfpbRow]:
    """The landlords' actions valued against their TFPB abatement, per landlord and year: how many, how
    many done, and their euros (all, and done); with `abatements`, the abatement recorded for the landlord
    and year next to them (summed over its quartiers), and a line for a landlord's year with an abatement
    but no valued action. Two queries at most, whatever the number of actions."""
    tfpb = actions.tfpb()  # type: ignore[attr-defined]
    if years:
        tfpb = tfpb.filter(tfpb_year__in=years)
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
    values = (
        tfpb.values("owner__name", "tfpb_year")
        .annotate(
            actions=Count("pk"),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            amount=Sum("tfpb_amount", default=zero),
            done_amount=Sum("tfpb_amount", filter=Q(status=ActionStatus.DONE), default=zero),
        )
        .order_by()
    )
    rows = {
        (v["owner__name"], v["tfpb_year"]): TfpbRow(
            v["owner__name"], v["tfpb_year"], v["actions"], v["done"], v["amount"], v["done_amount"]
        )
        for v in values
    }
    if abatements is not None:
        if years:
            abatements = abatements.filter(year__in=years)
        for v in abatements.values("landlord__name", "year").annotate(total=Sum("amount")).order_by():
            key = (v["landlord__name"], v["year"])
            row = rows.get(key) or TfpbRow(key[0], key[1], 0, 0, Decimal(0), Decimal(0))
            rows[key] = replace(row, abatement=v["total"])
    return [rows[key] for key in sorted(rows, key=_landlord_year_key)]


def _landlord_year_key(key: tuple[str, int]) -> tuple:
    """Landlords in alphabetical order, accents and case aside (« Érable » before « Habitat »), then years."""
    name, year = key
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return (plain.casefold(), name, year)


# --- Map ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapFilters:
    themes: tuple[int, ...] = ()
    handlers: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    period: Period | None = None


def map_points(
    reports: QuerySet[Report], filters: MapFilters = MapFilters(), *, limit: int = MAP_POINTS_LIMIT
):
    """A light list of the reports' points for the map, one tuple each (pk, latitude, longitude, status,
    theme id, late): no object, no join; the newest first, at most `limit`."""
    today = timezone.localdate()
    points = reports.filter(latitude__isnull=False)
    if filters.themes:
        points = points.filter(theme_id__in=filters.themes)
    if filters.handlers:
        points = points.filter(handler_id__in=filters.handlers)
    if filters.statuses:
        points = points.filter(status__in=filters.statuses)
    if filters.period:
        points = reported_in(points, filters.period)
    late = Case(
        When(status__in=OPEN_STATUSES, due_on__lt=today, then=Value(True)),
        default=Value(False),
    )
    return list(
        points.annotate(overdue=late)
        .order_by("-reported_at", "-pk")
        .values_list("pk", "latitude", "longitude", "status", "theme_id", "overdue")[:limit]
    )


# --- Everything a dashboard shows ------------------------------------------------------------------------


@dataclass
class GuspFigures:
    today: datetime.date
    period: Period
    volume: Volume
    open: OpenFigures
    handling: list[HandlingRow]
    handling_total: HandlingRow
    hotspots: list[Hotspot]
    walks: WalkFigures
    tfpb: list[TfpbRow]


def gusp_figures(
    reports: QuerySet[Report],
    walks: QuerySet[WalkAudit],
    actions: QuerySet[GuspAction],
    *,
    today: datetime.date | None = None,
    period: Period | None = None,
    abatements: QuerySet[TfpbAbatement] | None = None,
) -> GuspFigures:
    """Every figure of the scope, in a fixed number of queries (the landlords' abatements next to their
    valued actions when `abatements` is given)."""
    today = today or timezone.localdate()
    period = period or Period.year_before(today)
    handling_rows, handling_total = handling(reports, period=period)
    return GuspFigures(
        today=today,
        period=period,
        volume=volume(reports, period=period),
        open=open_reports(reports, today=today),
        handling=handling_rows,
        handling_total=handling_total,
        hotspots=hotspots(reports, period=period),
        walks=walk_audits(walks, reports, actions, period=period),
        tfpb=tfpb_by_landlord(
            actions, years=tuple(range(period.start.year, period.end.year + 1)), abatements=abatements
        ),
    )


def cached_figures(
    reports: QuerySet[Report],
    walks: QuerySet[WalkAudit],
    actions: QuerySet[GuspAction],
    *,
    programme_id: int,
    scope: str,
    period: Period | None = None,
    abatements: QuerySet[TfpbAbatement] | None = None,
) -> GuspFigures:
    """`gusp_figures` of a programme seen by one perimeter (`accounts.selectors.scope_cache_key`), kept a
    few minutes; every GUSP write makes it stale (`figures_cache_bump`)."""
    today = timezone.localdate()
    key = f"{programme_id}:{scope}:{period.key if period else '-'}:{today.isoformat()}"
    return cache.cached(
        FIGURES_CACHE,
        key,
        lambda: gusp_figures(reports, walks, actions, today=today, period=period, abatements=abatements),
    )


# --- Weekly digest ----------------------------------------------------------------------------------------

DIGEST_LATE_SHOWN = 30


@dataclass(frozen=True)
class DigestContent:
    open: int
    late: int
    by_theme: list[tuple[str, int, int]]  # theme, open, late
    late_reports: list[Report]  # the oldest due first, at most DIGEST_LATE_SHOWN


def digest_content(reports: QuerySet[Report], *, today: datetime.date) -> DigestContent:
    """What a handler organisation's weekly digest says of its reports (two queries): the open ones routed
    to it (« Transmis », « En cours »; a « Nouveau » one is not yet routed) and the late ones among them."""
    open_reports = reports.filter(status__in=ROUTED_OPEN_STATUSES)
    rows = list(
        open_reports.values("theme__name", "theme__order")
        .annotate(open=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("theme__order", "theme__name")
    )
    late = list(
        open_reports.filter(due_on__lt=today)
        .select_related("theme", "sector")
        .order_by("due_on", "reference", "pk")[:DIGEST_LATE_SHOWN]
    )
    return DigestContent(
        open=sum(row["open"] for row in rows),
        late=sum(row["late"] for row in rows),
        by_theme=[(row["theme__name"], row["open"], row["late"]) for row in rows],
        late_reports=late,
    )


def digest_recipients(*, programme_id: int, organisation_id: int) -> list[str]:
    """The e-mail addresses of the organisation's active members in the programme."""
    from accounts.models import Membership

    return sorted(
        set(
            Membership.objects.active()
            .filter(programme_id=programme_id, organisation_id=organisation_id, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )

"""Reads that aggregate: dashboard figures, sector finance, timelines. One SQL aggregate per figure."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.models import (
    Amendment,
    Convention,
    Family,
    FundingKind,
    FundingLine,
    Milestone,
    Operation,
    OperationStatus,
    Programme,
    Sector,
)
from projects.semesters import semester_index, semester_of

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
STATUS_ORDER = list(OperationStatus.values)


def visible_operations(*, user, programme: Programme) -> QuerySet[Operation]:
    return Operation.objects.visible_to(user).filter(programme=programme)


def visible_sectors(*, user, programme: Programme) -> QuerySet[Sector]:
    return Sector.objects.visible_to(user).filter(programme=programme)


@dataclass
class SectorSummary:
    sector_id: int | None
    name: str
    slug: str
    status_counts: dict[str, int] = field(default_factory=dict)
    cost: Decimal = Decimal(0)
    planned: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    at_risk: int = 0

    @property
    def operations(self) -> int:
        return sum(self.status_counts.values())

    @property
    def statuses(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.status_counts.get(value, 0)) for value, label in OperationStatus.choices]


PROGRAMME_WIDE = "Échelle du programme"


def sector_summaries(*, operations: QuerySet[Operation], sectors: QuerySet[Sector]) -> list[SectorSummary]:
    """Per sector (and programme-wide operations): counts by status, cost, funding, risks."""
    summaries: dict[int | None, SectorSummary] = {
        sector.pk: SectorSummary(sector.pk, sector.name, sector.slug)
        for sector in sectors.only("name", "slug")
    }
    for row in operations.values("sector_id", "status").annotate(n=Count("pk")).order_by():
        summary = summaries.setdefault(row["sector_id"], SectorSummary(row["sector_id"], PROGRAMME_WIDE, ""))
        summary.status_counts[row["status"]] = row["n"]
    money = operations.values("sector_id").annotate(
        cost=Coalesce(Sum("cost_excl_tax"), ZERO), at_risk=Count("pk", filter=Q(at_risk=True))
    )
    for row in money.order_by():
        summaries[row["sector_id"]].cost = row["cost"]
        summaries[row["sector_id"]].at_risk = row["at_risk"]
    funding = (
        FundingLine.objects.filter(operation__in=operations)
        .values("operation__sector_id")
        .annotate(planned=Sum("planned"), committed=Sum("committed"), paid=Sum("paid"))
        .order_by()
    )
    for row in funding:
        summary = summaries[row["operation__sector_id"]]
        summary.planned, summary.committed, summary.paid = row["planned"], row["committed"], row["paid"]
    return sorted(summaries.values(), key=lambda s: (s.sector_id is None, s.name))


def programme_totals(*, operations: QuerySet[Operation]) -> dict:
    totals = operations.aggregate(
        operations=Count("pk"),
        cost=Coalesce(Sum("cost_excl_tax"), ZERO),
        eligible=Coalesce(Sum("eligible_base"), ZERO),
        at_risk=Count("pk", filter=Q(at_risk=True)),
        delivered=Count("pk", filter=Q(status__in=[OperationStatus.LIVREE, OperationStatus.SOLDEE])),
        demolished=Coalesce(Sum("housing_demolished"), 0),
        rebuilt=Coalesce(Sum("housing_rebuilt"), 0),
        rehabilitated=Coalesce(Sum("housing_rehabilitated"), 0),
    )
    totals.update(
        FundingLine.objects.filter(operation__in=operations).aggregate(
            planned=Coalesce(Sum("planned"), ZERO),
            committed=Coalesce(Sum("committed"), ZERO),
            paid=Coalesce(Sum("paid"), ZERO),
        )
    )
    return totals


def funding_by_funder(*, operations: QuerySet[Operation]) -> list[dict]:
    """Planned / committed / paid per funder and nature, largest planned first."""
    rows = (
        FundingLine.objects.filter(operation__in=operations)
        .values("funder__name", "kind")
        .annotate(planned=Sum("planned"), committed=Sum("committed"), paid=Sum("paid"))
        .order_by("-planned", "funder__name", "kind")
    )
    kinds = dict(FundingKind.choices)
    return [
        {
            "funder": row["funder__name"],
            "kind": kinds[row["kind"]],
            "planned": row["planned"],
            "committed": row["committed"],
            "paid": row["paid"],
        }
        for row in rows
    ]


def operations_at_risk(*, operations: QuerySet[Operation], limit: int = 10) -> QuerySet[Operation]:
    return (
        operations.filter(at_risk=True)
        .select_related("sector", "moa")
        .order_by("planned_end", "identifier", "pk")[:limit]
    )


def upcoming_milestones(
    *, operations: QuerySet[Operation], days: int = 90, limit: int = 10, today: datetime.date | None = None
) -> QuerySet[Milestone]:
    today = today or timezone.localdate()
    return (
        Milestone.objects.filter(
            operation__in=operations, done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=days)
        )
        .select_related("operation", "operation__sector")
        .order_by("due_on", "pk")[:limit]
    )


def status_chart_rows(summaries: list[SectorSummary]) -> list[dict]:
    labels = dict(OperationStatus.choices)
    return [
        {
            "sector": summary.name,
            "status": labels[status],
            "count": count,
            "order": STATUS_ORDER.index(status),
        }
        for summary in summaries
        for status, count in summary.status_counts.items()
        if count
    ]


def funding_chart_rows(funders: list[dict]) -> list[dict]:
    by_funder: dict[str, dict] = {}
    for row in funders:
        entry = by_funder.setdefault(row["funder"], {"planned": 0, "committed": 0, "paid": 0})
        for key in ("planned", "committed", "paid"):
            entry[key] += row[key]
    labels = {"planned": "Prévu", "committed": "Engagé", "paid": "Versé"}
    return [
        {"funder": funder, "stage": labels[key], "amount": float(amounts[key])}
        for funder, amounts in by_funder.items()
        for key in ("planned", "committed", "paid")
    ]


def sector_timeline(*, operations: QuerySet[Operation]) -> list[Operation]:
    return list(
        operations.exclude(planned_start="")
        .select_related("moa")
        .order_by("planned_start", "planned_end", "identifier", "pk")
    )


def programme_conventions(*, user, programme: Programme) -> QuerySet[Convention]:
    """Contracts of the programme with their avenants, oldest first."""
    return (
        Convention.objects.visible_to(user)
        .filter(programme=programme)
        .prefetch_related(models.Prefetch("amendments", Amendment.objects.order_by("number")))
        .order_by("signed_on", "pk")
    )


def operation_funding(operation: Operation) -> tuple[list[dict], dict]:
    """Funding plan rows of one operation (its prefetched lines) and their totals."""
    rows = [
        {
            "pk": line.pk,
            "funder": line.funder.name,
            "kind": line.get_kind_display(),
            "planned": line.planned,
            "committed": line.committed,
            "paid": line.paid,
        }
        for line in operation.funding_lines.all()
    ]
    totals = {key: sum((row[key] for row in rows), Decimal(0)) for key in ("planned", "committed", "paid")}
    return rows, totals


@dataclass
class FunderRates:
    """One funder's amounts over all natures, with its commitment and payment rates (None: no base)."""

    funder: str
    planned: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)

    @property
    def committed_rate(self) -> Decimal | None:
        return self.committed / self.planned if self.planned else None

    @property
    def paid_rate(self) -> Decimal | None:
        return self.paid / self.committed if self.committed else None


def funder_rates(funders: list[dict]) -> tuple[list[FunderRates], FunderRates]:
    """Per funder (the rows of `funding_by_funder`, all natures summed), largest amount planned first;
    and the total of all funders."""
    by_funder: dict[str, FunderRates] = {}
    total = FunderRates("Total")
    for row in funders:
        entry = by_funder.setdefault(row["funder"], FunderRates(row["funder"]))
        for target in (entry, total):
            target.planned += row["planned"] or 0
            target.committed += row["committed"] or 0
            target.paid += row["paid"] or 0
    rows = sorted(by_funder.values(), key=lambda rates: (-rates.planned, -rates.committed, rates.funder))
    return rows, total


# --- Revue de projet: the year against the convention, read from the history (django-pghistory) --------
#
# A revue compares the situation at 31 December of the previous year with the situation at its own date.
# Both are read from the trigger-written history (`OperationEvent`, `FundingLineEvent`): an object's state
# at a moment is its last event before that moment. An object whose history starts with its creation
# ("insert") did not exist before it; an object created before the history was installed (its first
# event is an update, or it has none) counts as of its creation, with the oldest state known. The history
# records no deletion: only objects that still exist are read.


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant of a day in the programme's time zone (moments are compared with `<`)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _state_at(events: list[dict], moment: datetime.datetime, current: dict) -> dict | None:
    before = [event for event in events if event["pgh_created_at"] < moment]
    if before:
        return before[-1]
    if events and events[0]["pgh_label"] == "insert":
        return None  # created after this moment
    return events[0] if events else current


def _events_by_object(model_name: str, ids: list[int], fields: list[str]) -> dict[int, list[dict]]:
    event_model = apps.get_model("projects", model_name)
    grouped: dict[int, list[dict]] = {pk: [] for pk in ids}
    rows = (
        event_model.objects.filter(pgh_obj_id__in=ids)
        .order_by("pgh_obj_id", "pgh_created_at", "pgh_id")
        .values("pgh_obj_id", "pgh_created_at", "pgh_label", *fields)
    )
    for row in rows:
        grouped[row["pgh_obj_id"]].append(row)
    return grouped


@dataclass
class FundingYear:
    """Planned / committed / paid of a group of funding lines at the two dates of a revue."""

    name: str
    before: dict = field(
        default_factory=lambda: {"planned": Decimal(0), "committed": Decimal(0), "paid": Decimal(0)}
    )
    after: dict = field(
        default_factory=lambda: {"planned": Decimal(0), "committed": Decimal(0), "paid": Decimal(0)}
    )

    def add(self, before: dict | None, after: dict | None) -> None:
        for state, totals in ((before, self.before), (after, self.after)):
            if state is not None:
                for key in totals:
                    totals[key] += state[key]

    @property
    def committed_in_year(self) -> Decimal:
        return self.after["committed"] - self.before["committed"]

    @property
    def paid_in_year(self) -> Decimal:
        return self.after["paid"] - self.before["paid"]


@dataclass
class FundingYearOverYear:
    funders: list[FundingYear]
    families: list[FundingYear]
    total: FundingYear
    history_start: datetime.datetime | None  # the oldest event of these lines (None: no history at all)


def funding_year_over_year(
    *, operations: QuerySet[Operation], before: datetime.datetime, after: datetime.datetime
) -> FundingYearOverYear:
    """Planned / committed / paid per funder and per operation family at two moments (see above).

    Three queries whatever the number of lines."""
    amounts = ["planned", "committed", "paid"]
    lines = list(
        FundingLine.objects.filter(operation__in=operations).values(
            "pk", "funder__name", "operation__family", *amounts
        )
    )
    events = _events_by_object("FundingLineEvent", [line["pk"] for line in lines], amounts)
    by_funder: dict[str, FundingYear] = {}
    by_family = {key: FundingYear(label) for key, label in Family.choices}
    total = FundingYear("Total")
    for line in lines:
        states = (_state_at(events[line["pk"]], before, line), _state_at(events[line["pk"]], after, line))
        by_funder.setdefault(line["funder__name"], FundingYear(line["funder__name"])).add(*states)
        by_family[line["operation__family"]].add(*states)
        total.add(*states)
    starts = [object_events[0]["pgh_created_at"] for object_events in events.values() if object_events]
    funders = sorted(by_funder.values(), key=lambda row: (-row.after["planned"], row.name))
    return FundingYearOverYear(
        funders=funders,
        families=[row for row in by_family.values() if any(row.before.values()) or any(row.after.values())],
        total=total,
        history_start=min(starts) if starts else None,
    )


@dataclass
class StatusChange:
    on: datetime.datetime
    before: str
    after: str


@dataclass
class ConventionProgress:
    """One operation of a revue: its convention semesters against the actual or forecast ones."""

    operation: Operation
    status_before: str | None  # status value at the start of the year (None: not yet recorded)
    status_after: str | None  # at the situation date
    changes: list[StatusChange]
    start: str  # actual start, or forecast (see `convention_progress`)
    end: str
    start_is_forecast: bool
    end_is_forecast: bool
    at_least: bool  # late and not finished: the end is at least the current semester
    slippage: int | None  # in semesters, end against the convention's planned end


FINISHED_STATUSES = (OperationStatus.LIVREE, OperationStatus.SOLDEE)


def _forecast(planned: str, actual: str, current: str) -> tuple[str, bool, bool]:
    """(semester, is_forecast, at_least): the actual one when known; else the planned one, moved to the
    current semester when it is already past."""
    if actual:
        return actual, False, False
    if planned and semester_index(planned) < semester_index(current):
        return current, True, True
    return planned, True, False


# What a revue reads of an operation at its situation date (from the history): its status and actual
# semesters. The planned semesters are the convention's as it stands.
AT_SITUATION = ("status", "actual_start", "actual_end")


def convention_progress(
    *, operations: QuerySet[Operation], year_start: datetime.date, situation: datetime.date
) -> list[ConventionProgress]:
    """Each operation's progress against the convention at the situation date, by family then identifier.

    Start and end are the actual semesters recorded at the situation date; otherwise the planned ones, or
    the situation's semester when the planned one is past (the slippage is then "at least"). Status
    changes are those of the history between the year's start and the situation date (two queries)."""
    current = semester_of(situation)
    family_order = {key: index for index, key in enumerate(Family.values)}
    rows = sorted(
        operations.select_related("sector", "moa"),
        key=lambda op: (family_order.get(op.family, len(family_order)), op.identifier, op.pk),
    )
    events = _events_by_object("OperationEvent", [op.pk for op in rows], list(AT_SITUATION))
    labels = dict(OperationStatus.choices)
    moment_before, moment_after = (
        start_of_day(year_start),
        start_of_day(situation + datetime.timedelta(days=1)),
    )
    progress = []
    for op in rows:
        object_events = events[op.pk]
        today = {name: getattr(op, name) for name in AT_SITUATION}
        state_before = _state_at(object_events, moment_before, today)
        state_after = _state_at(object_events, moment_after, today)
        progress.append(
            ConventionProgress(
                operation=op,
                status_before=state_before["status"] if state_before else None,
                status_after=state_after["status"] if state_after else None,
                changes=_status_changes(object_events, moment_before, moment_after, labels),
                **_semesters_against_convention(op, state_after or today, current),
            )
        )
    return progress


def _status_changes(object_events: list[dict], since, until, labels: dict) -> list[StatusChange]:
    """The status changes of one object's history recorded in [since, until)."""
    return [
        StatusChange(
            on=later["pgh_created_at"], before=labels[earlier["status"]], after=labels[later["status"]]
        )
        for earlier, later in zip(object_events, object_events[1:], strict=False)
        if earlier["status"] != later["status"] and since <= later["pgh_created_at"] < until
    ]


def _semesters_against_convention(op: Operation, state: dict, current: str) -> dict:
    """Start and end, actual or forecast, and the slippage of the end in semesters (None: abandoned or
    no planned end). `state` is the operation's status and actual semesters at the situation date (a
    delivery recorded after it is still a forecast there); the planned ones are the convention's."""
    if state["status"] == OperationStatus.ABANDONNEE:
        return {
            "start": state["actual_start"],
            "end": "",
            "start_is_forecast": False,
            "end_is_forecast": False,
            "at_least": False,
            "slippage": None,
        }
    start, start_forecast, _ = _forecast(op.planned_start, state["actual_start"], current)
    finished_without_date = state["status"] in FINISHED_STATUSES and not state["actual_end"]
    end, end_forecast, at_least = (
        (op.planned_end, False, False)
        if finished_without_date
        else _forecast(op.planned_end, state["actual_end"], current)
    )
    return {
        "start": start,
        "end": end,
        "start_is_forecast": start_forecast,
        "end_is_forecast": end_forecast,
        "at_least": at_least,
        "slippage": semester_index(end) - semester_index(op.planned_end) if end and op.planned_end else None,
    }

"""Reads that aggregate: dashboard figures, sector finance, timelines. One SQL aggregate per figure."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.models import (
    Amendment,
    Convention,
    FundingKind,
    FundingLine,
    Milestone,
    Operation,
    OperationStatus,
    Programme,
    Sector,
)

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

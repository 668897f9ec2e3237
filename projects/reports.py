"""Sections of the PDF packs about operations and their financing.

The figures come from the same selectors and the charts from the same specs as the dashboard and
the sector page, so a pack and the screen agree for the same date.
"""

from django.db.models import QuerySet

from core.pack_sections import PackScope, section
from projects import charts, selectors
from projects.models import Operation, OperationStatus, Sector

AT_RISK_LIMIT = 60
MILESTONE_DAYS = 90
MILESTONE_LIMIT = 30


def scope_operations(scope: PackScope) -> QuerySet[Operation]:
    """Operations of the pack: the whole programme (all its sectors) or one sector."""
    operations = Operation.objects.filter(programme=scope.programme)
    return operations.filter(sector=scope.sector) if scope.sector is not None else operations


def scope_sectors(scope: PackScope) -> QuerySet[Sector]:
    sectors = Sector.objects.filter(programme=scope.programme)
    return sectors.filter(pk=scope.sector.pk) if scope.sector is not None else sectors


@section(key="chiffres-cles", title="Chiffres clés", template="projects/pack/key_figures.html")
def key_figures(scope: PackScope) -> dict:
    operations = scope_operations(scope)
    return {
        "totals": selectors.programme_totals(operations=operations),
        "summaries": selectors.sector_summaries(operations=operations, sectors=scope_sectors(scope))
        if scope.sector is None
        else [],
    }


@section(key="operations", title="Avancement des opérations", template="projects/pack/operations.html")
def operations_progress(scope: PackScope) -> dict:
    summaries = selectors.sector_summaries(operations=scope_operations(scope), sectors=scope_sectors(scope))
    return {
        "summaries": summaries,
        "status_choices": OperationStatus.choices,
        "status_chart": charts.status_chart(summaries),
    }


@section(key="calendrier", title="Calendrier des opérations", template="projects/pack/calendar.html")
def calendar(scope: PackScope) -> dict:
    """One timeline per sector (the sector page's chart and table); programme-wide operations last."""
    timeline = selectors.sector_timeline(operations=scope_operations(scope))
    names = dict(scope_sectors(scope).values_list("pk", "name"))
    groups: dict[int | None, list[Operation]] = {pk: [] for pk in names}
    for operation in timeline:
        groups.setdefault(operation.sector_id, []).append(operation)
    return {
        "groups": [
            {
                "name": names.get(sector_id, selectors.PROGRAMME_WIDE),
                "timeline": operations,
                "chart": charts.timeline_chart(operations),
            }
            for sector_id, operations in sorted(groups.items(), key=lambda item: item[0] is None)
            if operations
        ],
    }


@section(key="risques", title="Opérations à risque et jalons", template="projects/pack/risks.html")
def risks(scope: PackScope) -> dict:
    operations = scope_operations(scope)
    return {
        "totals": selectors.programme_totals(operations=operations),
        "at_risk": selectors.operations_at_risk(operations=operations, limit=AT_RISK_LIMIT),
        "milestones": selectors.upcoming_milestones(
            operations=operations, days=MILESTONE_DAYS, limit=MILESTONE_LIMIT, today=scope.period_end
        ),
        "today": scope.period_end,
        "milestone_days": MILESTONE_DAYS,
    }


@section(key="financements", title="Coûts et financements", template="projects/pack/finance.html")
def finance(scope: PackScope) -> dict:
    operations = scope_operations(scope)
    funders = selectors.funding_by_funder(operations=operations)
    return {
        "totals": selectors.programme_totals(operations=operations),
        "summaries": selectors.sector_summaries(operations=operations, sectors=scope_sectors(scope))
        if scope.sector is None
        else [],
        "funders": funders,
        "funding_chart": charts.funding_chart(funders),
    }

"""Sections of the PDF packs about operations and their financing.

The figures come from the same selectors and the charts from the same specs as the dashboard and
the sector page, so a pack and the screen agree for the same date.
"""

import datetime
from collections import Counter

from django.db.models import QuerySet
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from core.charts import svg_data_uri
from core.pack_sections import PackScope, section
from projects import charts, selectors
from projects.models import Family, Operation, OperationStatus, Sector
from projects.semesters import add_semesters, semester_index, semester_label, semester_of

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


def situation_label(scope: PackScope) -> str:
    return f"Situation au {scope.period_end:%d/%m/%Y}"


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
                "chart": charts.timeline_chart(
                    operations, today=scope.period_end, today_label=situation_label(scope)
                ),
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


# --- Revue de projet: the year against the convention ------------------------------------------------


def revue_dates(scope: PackScope) -> dict:
    """The two situations a revue compares: 31 December of the previous year and the pack's date."""
    year_end = scope.period_start - datetime.timedelta(days=1)
    return {
        "year": str(scope.period_end.year),  # text: a number would be printed "2 026"
        "previous_year": str(year_end.year),
        "previous_year_end": year_end,
        "situation": scope.period_end,
        "before": selectors.start_of_day(scope.period_start),
        "after": selectors.start_of_day(scope.period_end + datetime.timedelta(days=1)),
    }


def _progress(scope: PackScope) -> list[selectors.ConventionProgress]:
    return selectors.convention_progress(
        operations=scope_operations(scope), year_start=scope.period_start, situation=scope.period_end
    )


@section(
    key="revue-avancement",
    title="Avancement au regard de la convention",
    template="projects/pack/revue_progress.html",
)
def revue_progress(scope: PackScope) -> dict:
    """Statuses at the start of the year and at the situation date, the year's status changes, and the
    operations late against the convention, per family."""
    progress = _progress(scope)
    labels = dict(OperationStatus.choices)
    statuses = [
        {
            "value": value,
            "label": label,
            "before": sum(1 for row in progress if row.status_before == value),
            "after": sum(1 for row in progress if row.status_after == value),
        }
        for value, label in OperationStatus.choices
    ]
    families = []
    for value, label in Family.choices:
        rows = [row for row in progress if row.operation.family == value]
        if not rows:
            continue
        late = [row.slippage for row in rows if row.slippage and row.slippage > 0]
        families.append(
            {
                "label": label,
                "operations": len(rows),
                "finished": sum(1 for row in rows if row.status_after in selectors.FINISHED_STATUSES),
                "changed": sum(1 for row in rows if row.changes),
                "late": len(late),
                "slippage": sum(late),
            }
        )
    changed = [row for row in progress if row.changes]
    detailed, detail_is_partial = _changes_to_detail(changed)
    return {
        **revue_dates(scope),
        "statuses": statuses,
        "not_recorded": sum(1 for row in progress if row.status_before is None),
        "families": families,
        "total": {
            key: sum(family[key] for family in families)
            for key in ("operations", "finished", "changed", "late", "slippage")
        },
        "changed": changed,
        "transitions": _transitions(changed),
        "detailed": detailed,
        "detail_is_partial": detail_is_partial,
        "status_labels": labels,
    }


# Beyond this many changes in the year, the revue lists one by one only the deliveries, soldes and
# abandonments (on a large programme the full list ran over several pages); all are counted.
DETAILED_CHANGES_MAX = 25
NOTABLE_OUTCOMES = {
    OperationStatus.LIVREE.label,
    OperationStatus.SOLDEE.label,
    OperationStatus.ABANDONNEE.label,
}


def _transitions(changed: list[selectors.ConventionProgress]) -> list[dict]:
    """The year's status changes counted per transition, in the order of the lifecycle."""
    order = {label: index for index, (_, label) in enumerate(OperationStatus.choices)}
    counts = Counter((change.before, change.after) for row in changed for change in row.changes)
    keys = sorted(counts, key=lambda pair: (order.get(pair[1], 99), order.get(pair[0], 99)))
    return [{"before": before, "after": after, "count": counts[before, after]} for before, after in keys]


def _changes_to_detail(changed: list[selectors.ConventionProgress]) -> tuple[list[tuple], bool]:
    """(operation, change) pairs to list one by one, and whether that is a selection."""
    pairs = [(row.operation, change) for row in changed for change in row.changes]
    if len(pairs) <= DETAILED_CHANGES_MAX:
        return pairs, False
    return [(operation, change) for operation, change in pairs if change.after in NOTABLE_OUTCOMES], True


def calendar_span(progress: list[selectors.ConventionProgress], situation: datetime.date) -> list[str]:
    """Every semester of the years from the earliest start to the latest end (planned, actual or forecast)."""
    semesters = [
        semester
        for row in progress
        for semester in (row.operation.planned_start, row.operation.planned_end, row.start, row.end)
        if semester
    ] + [semester_of(situation)]
    first, last = min(semesters, key=semester_index), max(semesters, key=semester_index)
    first, last = f"{first[:4]}-S1", f"{last[:4]}-S2"  # whole years: each year's label over its two halves
    return [add_semesters(first, step) for step in range(semester_index(last) - semester_index(first) + 1)]


def _within(semester: str, start: str, end: str) -> bool:
    if not start:
        return False
    return semester_index(start) <= semester_index(semester) <= semester_index(end or start)


# The calendar's grid: one small SVG image a line (a table cell per semester made the revue of 300
# operations take half a minute to lay out; inline SVG elements, 5 s; images, 1 s). Coordinates are
# millimetres of the printed page.
GRID_MM = 56
GRID_HEIGHT_MM = 3.2
GRID_COLORS = {"p": "#8d99ab", "r": "#1d4f91", "f": "#9db7dd", "l": "#e07b00"}
NOW_COLOR = "#b3261e"


def calendar_cells(row: selectors.ConventionProgress, span: list[str], current: str) -> list[str]:
    """One code a semester: "p" if planned by the convention, then "r" done, "f" forecast or "l" beyond the
    convention's end (late), done or forecast."""
    planned_end = row.operation.planned_end or row.operation.planned_start
    abandoned = row.status_after == OperationStatus.ABANDONNEE  # at the situation date
    cells = []
    for semester in span:
        code = "p" if _within(semester, row.operation.planned_start, row.operation.planned_end) else ""
        if row.start and not abandoned and _within(semester, row.start, row.end or current):
            if planned_end and semester_index(semester) > semester_index(planned_end):
                code += "l"
            else:
                code += "f" if semester_index(semester) > semester_index(current) else "r"
        cells.append(code)
    return cells


def _svg(width: float, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {width} {height}">{body}</svg>'
    )


def _now_line(index: int, step: float, height: float) -> str:
    x = round((index + 0.5) * step, 2)
    return f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="{NOW_COLOR}" stroke-width="0.3"/>'


def calendar_grid_svg(cells: list[str], current_index: int) -> str:
    """A line's bars: the convention on top, what was done or is forecast below; the situation's semester
    marked by a vertical line."""
    step = GRID_MM / len(cells)
    rects = []
    for index, code in enumerate(cells):
        x, width = round(index * step, 2), round(step + 0.02, 2)  # no hairline gap between semesters
        if "p" in code:
            rects.append(f'<rect x="{x}" y="0.2" width="{width}" height="1.2" fill="{GRID_COLORS["p"]}"/>')
        for key in "rfl":
            if key in code:
                rects.append(
                    f'<rect x="{x}" y="1.7" width="{width}" height="1.3" fill="{GRID_COLORS[key]}"/>'
                )
    rects.append(_now_line(current_index, step, GRID_HEIGHT_MM))
    return _svg(GRID_MM, GRID_HEIGHT_MM, "".join(rects))


def calendar_years_svg(span: list[str], current_index: int) -> str:
    """The grid's header: the years (two digits) above their two semesters."""
    step = GRID_MM / len(span)
    height = 3.2
    parts = []
    for index, semester in enumerate(span):
        x = round(index * step, 2)
        if semester.endswith("S1"):
            parts.append(
                f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#ffffff" stroke-width="0.15"/>'
            )
            label_x = round(x + step, 2)
            parts.append(
                f'<text x="{label_x}" y="2.4" font-size="2.1" text-anchor="middle" fill="#ffffff" '
                f'font-family="DejaVu Sans Condensed, DejaVu Sans">{semester[2:4]}</text>'
            )
    parts.append(_now_line(current_index, step, height).replace(NOW_COLOR, "#ffb4ab"))
    return _svg(GRID_MM, height, "".join(parts))


def calendar_alt(row: selectors.ConventionProgress) -> str:
    """What a line's grid shows, in words (the image's alternative text)."""
    operation = row.operation
    parts = []
    if operation.planned_start:
        planned_end = operation.planned_end or operation.planned_start
        parts.append(f"convention {semester_label(operation.planned_start)} à {semester_label(planned_end)}")
    if row.status_after == OperationStatus.ABANDONNEE:
        parts.append("abandonnée")
    elif row.start:
        start = f"{semester_label(row.start)}{' (prévu)' if row.start_is_forecast else ''}"
        end = row.end and (
            f"{'au moins ' if row.at_least else ''}{semester_label(row.end)}"
            f"{' (prévu)' if row.end_is_forecast and not row.at_least else ''}"
        )
        parts.append(f"réalisation {start} à {end}" if end else f"réalisation depuis {start}")
    return capfirst(" ; ".join(parts)) or "Aucun semestre connu"


@section(
    key="revue-calendrier",
    title="Calendrier au regard de la convention",
    template="projects/pack/revue_calendar.html",
)
def revue_calendar(scope: PackScope) -> dict | None:
    """One line per operation, by family: the convention's semesters against the actual or forecast ones,
    as a compact grid (instead of one Gantt chart per sector)."""
    progress = [row for row in _progress(scope) if row.operation.planned_start or row.start]
    if not progress:
        return None
    current = semester_of(scope.period_end)
    span = calendar_span(progress, scope.period_end)
    current_index = span.index(current)
    labels = dict(Family.choices)
    groups: dict[str, list[dict]] = {}
    for row in progress:
        grid = calendar_grid_svg(calendar_cells(row, span, current), current_index)
        groups.setdefault(row.operation.family, []).append(
            {"row": row, "grid": svg_data_uri(grid), "alt": calendar_alt(row)}
        )
    return {
        **revue_dates(scope),
        "span": span,
        "first": span[0],
        "last": span[-1],
        "current": current,
        "years_svg": mark_safe(calendar_years_svg(span, current_index)),  # numbers only
        "groups": [{"label": labels.get(family, family), "rows": rows} for family, rows in groups.items()],
    }


@section(
    key="revue-financements",
    title="Financements au regard de la maquette",
    template="projects/pack/revue_finance.html",
)
def revue_finance(scope: PackScope) -> dict:
    """Planned (the maquette), committed and paid per funder and per family, at 31 December of the
    previous year and at the situation date, read from the funding lines' history."""
    dates = revue_dates(scope)
    figures = selectors.funding_year_over_year(
        operations=scope_operations(scope), before=dates["before"], after=dates["after"]
    )
    return {
        **dates,
        "figures": figures,
        "history_after_year_start": figures.history_start is not None
        and figures.history_start >= dates["before"],
    }

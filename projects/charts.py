"""The programme's charts, built once for the dashboards and the PDF packs (same specs, same SVG)."""

import datetime
import textwrap

from django.utils import timezone

from core.charts import grouped_bar, render_svg, semester_gantt, stacked_bar, svg_data_uri
from projects import selectors
from projects.models import STATUS_COLORS, Operation, OperationStatus
from projects.selectors import SectorSummary
from projects.semesters import add_semesters, semester_first_day


def status_chart(summaries: list[SectorSummary]) -> str | None:
    """Operations per sector stacked by status, as a data: URI (None when there is nothing to show)."""
    rows = selectors.status_chart_rows(summaries)
    if not rows:
        return None
    spec = stacked_bar(
        rows=rows,
        x="count",
        y="sector",
        color="status",
        x_title="Nombre d'opérations",
        y_title=None,
        color_title="Statut",
        color_order=list(OperationStatus.labels),
        color_range=list(STATUS_COLORS.values()),
    )
    return svg_data_uri(render_svg(spec))


# Beyond this many funders the bars get too thin to read: the smaller ones are grouped (the table
# beside the chart keeps every funder).
FUNDING_CHART_FUNDERS = 8
OTHER_FUNDERS = "Autres financeurs"


def _largest_funders(rows: list[dict], limit: int) -> list[dict]:
    planned = {row["funder"]: row["amount"] for row in rows if row["stage"] == "Prévu"}
    if len(planned) <= limit:
        return rows
    kept = set(sorted(planned, key=lambda funder: (-planned[funder], funder))[:limit])
    others: dict[str, float] = {}
    for row in rows:
        if row["funder"] not in kept:
            others[row["stage"]] = others.get(row["stage"], 0) + row["amount"]
    label = f"{OTHER_FUNDERS} ({len(planned) - limit})"
    grouped = [{"funder": label, "stage": stage, "amount": amount} for stage, amount in others.items()]
    return [row for row in rows if row["funder"] in kept] + grouped


def funding_chart(funders: list[dict]) -> str | None:
    """Planned / committed / paid per funder (the largest ones, the others grouped)."""
    rows = _largest_funders(selectors.funding_chart_rows(funders), FUNDING_CHART_FUNDERS)
    if not rows:
        return None
    spec = grouped_bar(
        rows=rows,
        category="funder",
        group="stage",
        value="amount",
        value_title="Montant (€)",
        group_order=["Prévu", "Engagé", "Versé"],
    )
    return svg_data_uri(render_svg(spec))


RATE_LABELS = ("Engagé / prévu", "Versé / engagé")


def funder_rates_chart(rates: list[selectors.FunderRates]) -> str | None:
    """Commitment and payment rate per funder, in the table's order (largest amount planned first): every
    funder of the table, none grouped, so that chart and table tell the same breakdown (a rate of a group
    of funders would be a figure the table does not give)."""
    rows = [
        {"funder": entry.funder, "rate": label, "value": float(rate)}
        for entry in rates
        for label, rate in zip(RATE_LABELS, (entry.committed_rate, entry.paid_rate), strict=True)
        if rate is not None
    ]
    if not rows:
        return None
    spec = grouped_bar(
        rows=rows,
        category="funder",
        group="rate",
        value="value",
        value_title="Taux",
        group_order=list(RATE_LABELS),
    )
    spec["encoding"]["x"]["axis"] = {"format": ".0%"}
    spec["encoding"]["x"]["scale"] = {"domainMin": 0}
    return svg_data_uri(render_svg(spec))


def _semester_start(semester: str) -> str:
    return semester_first_day(semester).isoformat()


# Gantt labels are wrapped at this many characters a line, never cut: each line fits the axis, so Vega
# measures it once (shortening a label by repeated measurement made a 30-operation chart take a second).
GANTT_LINE_CHARS = 36


def gantt_label(operation: Operation) -> str:
    """The operation's full identifier and label, on as many lines as needed ("\n" between them)."""
    return "\n".join(textwrap.wrap(f"{operation.identifier} — {operation.label}", GANTT_LINE_CHARS))


def timeline_chart(
    operations: list[Operation], *, today: datetime.date | None = None, today_label: str = "Aujourd'hui"
) -> str | None:
    """Gantt of the operations' planned semesters (operations from `selectors.sector_timeline`), with a
    vertical line at `today` (the pack's situation date in a pack; the current day on a page)."""
    rows = [
        {
            "label": gantt_label(op),
            "start": _semester_start(op.planned_start),
            "end": _semester_start(add_semesters(op.planned_end or op.planned_start, 1)),
            "status": op.get_status_display(),
        }
        for op in operations
    ]
    if not rows:
        return None
    spec = semester_gantt(
        rows=rows,
        color_order=list(OperationStatus.labels),
        color_range=list(STATUS_COLORS.values()),
        today=(today or timezone.localdate()).isoformat(),
        today_label=today_label,
    )
    return svg_data_uri(render_svg(spec))

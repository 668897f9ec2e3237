"""The programme's charts, built once for the dashboards and the PDF packs (same specs, same SVG)."""

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
    """Commitment and payment rate per funder, in the table's order (largest amount planned first)."""
    shown = list(rates[:FUNDING_CHART_FUNDERS])
    if len(rates) > FUNDING_CHART_FUNDERS:
        others = selectors.FunderRates(f"{OTHER_FUNDERS} ({len(rates) - FUNDING_CHART_FUNDERS})")
        for entry in rates[FUNDING_CHART_FUNDERS:]:
            others.planned += entry.planned
            others.committed += entry.committed
            others.paid += entry.paid
        shown.append(others)
    rows = [
        {"funder": entry.funder, "rate": label, "value": float(rate)}
        for entry in shown
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


# Gantt labels short enough to fit the axis' label limit (260 px): Vega then measures each label once
# instead of shortening it by repeated measurement, which made a 30-operation chart take a second.
GANTT_LABEL_CHARS = 38


def gantt_label(operation: Operation) -> str:
    label = f"{operation.identifier} — {operation.label}"
    return label if len(label) <= GANTT_LABEL_CHARS else label[: GANTT_LABEL_CHARS - 1].rstrip() + "…"


def timeline_chart(operations: list[Operation]) -> str | None:
    """Gantt of the operations' planned semesters (operations from `selectors.sector_timeline`)."""
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
        rows=rows, color_order=list(OperationStatus.labels), color_range=list(STATUS_COLORS.values())
    )
    return svg_data_uri(render_svg(spec))

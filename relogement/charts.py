"""Relogement charts, shared by the dashboard and the PDF packs (the same specs, the same SVG).

Charts show counts of households: they are given to the mission team only (partners get the masked
tables).
"""

from core.charts import grouped_bar, render_svg, stacked_bar, svg_data_uri
from relogement.selectors import Figures, Indicators

SITUATIONS = [
    ("definitive", "Relogés définitivement"),
    ("temporary", "Relogés temporairement"),
    ("in_progress", "En cours"),
    ("left", "Partis sans relogement"),
]
SITUATION_COLORS = ["#2e8540", "#00838f", "#e07b00", "#5f6b7a"]
SHARES = [
    ("new_or_recent", "target_new_share", "Neuf ou conventionné < 5 ans"),
    ("outside_qpv", "target_outside_qpv_share", "Hors QPV"),
    ("off_site", None, "Hors site"),
]
DONE, TARGET = "Réalisé", "Objectif"


def situation_rows(rows: list[Figures]) -> list[dict]:
    return [
        {"group": row.label, "situation": label, "count": getattr(row, name), "order": order}
        for row in rows
        for order, (name, label) in enumerate(SITUATIONS)
        if getattr(row, name)
    ]


def situation_chart(indicators: Indicators) -> str | None:
    """Households per sector stacked by situation, as a data: URI (None when there is nothing)."""
    rows = situation_rows(indicators.sectors)
    if not rows:
        return None
    spec = stacked_bar(
        rows=rows,
        x="count",
        y="group",
        color="situation",
        x_title="Nombre de ménages",
        y_title=None,
        color_title="Situation",
        color_order=[label for _name, label in SITUATIONS],
        color_range=SITUATION_COLORS,
    )
    return svg_data_uri(render_svg(spec))


def share_rows(total: Figures) -> list[dict]:
    if not total.rehoused:
        return []
    rows = []
    for name, target, label in SHARES:
        rows.append(
            {"indicator": label, "kind": DONE, "share": round(100 * getattr(total, name) / total.rehoused)}
        )
        if target and getattr(total, target) is not None:
            rows.append(
                {"indicator": label, "kind": TARGET, "share": round(100 * float(getattr(total, target)))}
            )
    return rows


def shares_chart(total: Figures, *, bar_step: int | None = None) -> str | None:
    """Shares of the definitive rehousings (new, outside QPV, off site) beside the plans' targets
    (`bar_step`: thinner bars, for the revue de projet)."""
    rows = share_rows(total)
    if not rows:
        return None
    spec = grouped_bar(
        rows=rows,
        category="indicator",
        group="kind",
        value="share",
        value_title="Part des relogements (%)",
        group_order=[DONE, TARGET],
        width=440,
        bar_step=bar_step,
    )
    spec["encoding"]["x"]["axis"] = {"format": "d"}
    spec["encoding"]["x"]["scale"] = {"domain": [0, 100]}
    return svg_data_uri(render_svg(spec))

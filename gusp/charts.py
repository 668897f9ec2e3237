"""GUSP charts, shared by the GUSP dashboard and the PDF packs (the same specs, the same SVG).

Each builder returns the chart as a `data:` URI for an <img> (`core.charts.svg_data_uri`), or None when
there is nothing to draw; the figures of each chart are in a table beside it (RGAA):

    figures = selectors.cached_figures(...)  # or selectors.gusp_figures(...)
    charts.open_chart(figures.open.by_theme, category="Thème", masked=[...])
    charts.open_chart(figures.open.by_handler, category="Organisation en charge", masked=[...])

- `open_chart`: the open reports of each theme (or handler), as bars split between those still within
  their target delay and the late ones. Counts masked for the audience (`gusp.display`) are not drawn:
  when any bar would show one, there is no chart, the masked table says it all.
"""

from core.charts import PALETTE, render_svg, stacked_bar, svg_data_uri

WITHIN, LATE = "Dans le délai", "En retard"
LATE_COLOR = "#b3261e"


def open_chart(
    by_key: dict[str, tuple[int, int]],
    *,
    category: str,
    masked: list[bool] | None = None,
) -> str | None:
    """Open reports per theme or handler (`OpenFigures.by_theme` / `by_handler`: name → (open, late)), late
    ones apart; None without any open report or when a count is masked (`masked`, one flag per key).
    Narrow bars: the chart stands in half a page of a pack at a readable size, and so on the dashboard."""
    if not by_key or any(masked or ()):
        return None
    rows = []
    for label, (open_count, late) in by_key.items():
        rows.append({"label": label, "status": WITHIN, "count": open_count - late, "order": 0})
        rows.append({"label": label, "status": LATE, "count": late, "order": 1})
    spec = stacked_bar(
        rows=rows,
        x="count",
        y="label",
        color="status",
        x_title="Signalements ouverts",
        y_title=None,
        color_title=None,
        color_order=[WITHIN, LATE],
        color_range=[PALETTE[0], LATE_COLOR],
        width=200,
    )
    spec["height"] = {"step": 16}
    encoding = spec["encoding"]
    encoding["y"]["axis"] = {"labelLimit": 200}
    encoding["x"]["axis"] = {"format": "d", "tickMinStep": 1}
    encoding["tooltip"] = [
        {"field": "label", "title": category},
        {"field": "status", "title": "Statut"},
        {"field": "count", "title": "Signalements"},
    ]
    return svg_data_uri(render_svg(spec))

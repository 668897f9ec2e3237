"""Concertation charts, shared by the dashboard and the PDF packs (the same SVG in both)."""

from core.charts import grouped_bar, render_svg, stacked_bar, svg_data_uri
from governance import selectors

PUBLICS = ["Habitants", "Conseil citoyen", "Partenaires"]


def attendance_chart(figures: selectors.ConcertationFigures) -> str | None:
    """Participants per kind of event, stacked by public: the concertation dashboard's spec."""
    rows = selectors.attendance_chart_rows(figures)
    if not rows:
        return None
    spec = stacked_bar(
        rows=rows,
        x="count",
        y="kind",
        color="public",
        x_title="Participants",
        y_title=None,
        color_title="Public",
        color_order=PUBLICS,
    )
    spec["encoding"]["y"]["axis"] = {"labelLimit": 260}  # "Permanence de la Maison du projet" in full
    return svg_data_uri(render_svg(spec))


def feedback_chart(figures: selectors.ConcertationFigures, *, bar_step: int | None = None) -> str | None:
    """Remarks received and answered per theme: the concertation dashboard's spec (`bar_step`: thinner
    bars, for the revue de projet)."""
    rows = selectors.feedback_chart_rows(figures)
    if not rows:
        return None
    spec = grouped_bar(
        rows=rows,
        category="theme",
        group="stage",
        value="count",
        value_title="Remontées",
        group_order=["Reçues", "Réponse apportée"],
        bar_step=bar_step,
    )
    spec["encoding"]["x"]["axis"] = {"format": "d", "tickMinStep": 1}  # counts, not euros
    return svg_data_uri(render_svg(spec))

"""Insertion charts, shared by the insertion dashboard and the PDF packs (the same specs, the same SVG).

Each builder takes a part of `insertion.selectors.Figures` and returns the chart as a `data:` URI for an
<img> (`core.charts.svg_data_uri`), or None when there is nothing to draw; the figures of each chart are
in a table beside it (RGAA):

    figures = selectors.cached_figures(...)  # or selectors.insertion_figures(...)
    charts.hours_chart(figures.months, target=figures.programme.total.target)
    charts.moa_chart(figures.moas)
    charts.age_chart(figures.people)
    charts.publics_chart(figures.people)
    charts.contract_types_chart(figures.contracts)
    charts.modalities_chart(figures.contracts)

- `hours_chart`: the counted hours cumulated month after month, against the line of the hours the
  scope's markets ask for (the target line is flat: a market's target is not spread over time).
- `moa_chart`: target and achieved hours per maître d'ouvrage (ANRU and other markets together), the
  achievement rate written at the end of each achieved bar (above 100 % is normal for some MOAs).
- `age_chart`, `publics_chart`: participants by age band and by public (a participant may belong to
  several publics). They draw counts of people: give them to the mission team only
  (`audience.draws_people_charts`); partners get the masked tables.
- `contract_types_chart`, `modalities_chart`: contracts by contract type and by modality (how the
  companies meet their clause). Counts of contracts, hence of people: mission team only too.
"""

from decimal import Decimal

from core.charts import PALETTE, grouped_bar, render_svg, svg_data_uri
from core.formatting import format_percent
from insertion.models import AgeBand, ContractType, Modality, Public
from insertion.selectors import Contracts, HoursRow, Month, People

ACHIEVED, TARGET = "Heures réalisées", "Heures visées"
CUMULATIVE = "Heures réalisées (cumul)"
TARGET_COLOR = "#e07b00"
HOURS_AXIS = {"format": ",d", "tickMinStep": 1}
NO_TARGET = "sans objectif"


def hours_chart(months: list[Month], *, target: Decimal | None) -> str | None:
    """Counted hours cumulated by month (`Figures.months`) and the scope's target hours as a dashed line
    (`Figures.programme.total.target`, or a sector's row); None without any month."""
    if not months:
        return None
    series = [CUMULATIVE, TARGET] if target else [CUMULATIVE]
    color = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": series, "range": [PALETTE[0], TARGET_COLOR][: len(series)]},
    }
    layers: list[dict] = [
        {
            "data": {
                "values": [
                    {"month": month.month.isoformat(), "hours": float(month.cumulative), "series": CUMULATIVE}
                    for month in months
                ]
            },
            "mark": {"type": "line", "interpolate": "monotone", "strokeWidth": 2},
            "encoding": {
                "x": {
                    "field": "month",
                    "type": "temporal",
                    "title": None,
                    "axis": {"format": "%Y", "tickCount": "year"},
                },
                "y": {"field": "hours", "type": "quantitative", "title": "Heures", "axis": HOURS_AXIS},
                "color": color,
                "tooltip": [
                    {"field": "month", "type": "temporal", "title": "Mois", "format": "%B %Y"},
                    {"field": "hours", "type": "quantitative", "title": CUMULATIVE, "format": ",d"},
                ],
            },
        }
    ]
    if target:
        layers.append(
            {
                "data": {"values": [{"target": float(target), "series": TARGET}]},
                "mark": {"type": "rule", "strokeWidth": 2, "strokeDash": [6, 4]},
                "encoding": {
                    "y": {"field": "target", "type": "quantitative"},
                    "color": color,
                },
            }
        )
    spec = {"width": 560, "height": 140, "layer": layers}
    return svg_data_uri(render_svg(spec))


def moa_rows(moas: list[HoursRow]) -> list[dict]:
    """Two bars per MOA with a target or achieved hours: target, then achieved with its rate."""
    rows = []
    for moa in moas:
        total = moa.total
        if not total.target and not total.achieved:
            continue
        rate = format_percent(total.achieved, total.target) if total.target else NO_TARGET
        rows.append({"moa": moa.label, "kind": TARGET, "hours": float(total.target), "rate": ""})
        rows.append({"moa": moa.label, "kind": ACHIEVED, "hours": float(total.achieved), "rate": rate})
    return rows


def moa_chart(moas: list[HoursRow]) -> str | None:
    """Target vs achieved hours per maître d'ouvrage (`Figures.moas`), each rate written beside its bar;
    None when no MOA has a target or achieved hours."""
    rows = moa_rows(moas)
    if not rows:
        return None
    bars = grouped_bar(
        rows=rows,
        category="moa",
        group="kind",
        value="hours",
        value_title="Heures d'insertion",
        group_order=[TARGET, ACHIEVED],
        width=440,
    )
    encoding = bars.pop("encoding")
    encoding["x"]["axis"] = HOURS_AXIS
    encoding["y"]["axis"] = {"labelLimit": 200}
    encoding["color"]["scale"]["range"] = [TARGET_COLOR, PALETTE[0]]
    encoding["tooltip"] = [
        {"field": "moa", "title": "Maître d'ouvrage"},
        {"field": "kind"},
        {"field": "hours"},
    ]
    labels = {
        "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10, "color": "#1f2937"},
        "encoding": {
            "y": encoding["y"],
            "yOffset": encoding["yOffset"],
            "x": {"field": "hours", "type": "quantitative"},
            "text": {"field": "rate"},
        },
    }
    spec = {
        "width": bars["width"],
        "height": {"step": 13},
        "data": bars["data"],
        "layer": [{"mark": bars["mark"], "encoding": encoding}, labels],
    }
    return svg_data_uri(render_svg(spec))


def _count_bars(counts: dict[str, int], labels: dict[str, str], *, title: str) -> str | None:
    """Horizontal bars of counts in the choices' order (zeros kept: they say a category is empty); None
    when every count is zero."""
    if not any(counts.values()):
        return None
    rows = [{"label": labels[key], "count": counts.get(key, 0)} for key in labels]
    spec = {
        "width": 400,
        "height": {"step": 20},
        "data": {"values": rows},
        "mark": {"type": "bar", "color": PALETTE[0]},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "title": None,
                "sort": None,
                "axis": {"labelLimit": 320},
            },
            "x": {
                "field": "count",
                "type": "quantitative",
                "title": title,
                "axis": {"format": "d", "tickMinStep": 1},
            },
            "tooltip": [{"field": "label", "title": None}, {"field": "count", "title": title}],
        },
    }
    return svg_data_uri(render_svg(spec))


def age_chart(people: People) -> str | None:
    """Participants by age band (`Figures.people`); mission team only."""
    return _count_bars(people.age_bands, dict(AgeBand.choices), title="Participants")


def publics_chart(people: People) -> str | None:
    """Participants by public (several per participant possible); mission team only."""
    return _count_bars(people.publics, dict(Public.choices), title="Participants")


def contract_types_chart(contracts: Contracts) -> str | None:
    """Contracts by contract type (`Figures.contracts`); mission team only."""
    counts = {key: item.contracts for key, item in contracts.by_type.items()}
    return _count_bars(counts, dict(ContractType.choices), title="Contrats")


def modalities_chart(contracts: Contracts) -> str | None:
    """Contracts by modality (direct hire, ETTI, AI, EI, GEIQ, ACI); mission team only."""
    counts = {key: item.contracts for key, item in contracts.by_modality.items()}
    return _count_bars(counts, dict(Modality.choices), title="Contrats")

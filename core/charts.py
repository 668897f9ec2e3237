"""Vega-Lite specs rendered to SVG on the server, cached by spec hash.

The same SVG goes into pages (as an <img>, with a data table beside it) and into PDF packs.
"""

import base64
import hashlib
import json

import structlog
import vl_convert
from django.core.cache import cache

logger = structlog.get_logger(__name__)

PALETTE = ["#1d4f91", "#e07b00", "#2e8540", "#8b2f97", "#b3261e", "#5f6b7a", "#00838f", "#a0760a"]
FONT = "DejaVu Sans, Arial, sans-serif"
CACHE_SECONDS = 60 * 60 * 24
BASE_CONFIG = {
    "font": FONT,
    "background": "white",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelColor": "#1f2937", "titleColor": "#1f2937"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
    "range": {"category": PALETTE},
}
# The band of each bar of a grouped bar chart, in px, in the revue de projet, a dense document (Vega-Lite's
# default, the dashboards' and the other packs', is 20): the same bars, labels and fonts at about half the
# height.
DENSE_BAR_STEP = 10


def spec_hash(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()


def render_svg(spec: dict) -> str:
    """SVG text of a Vega-Lite spec; numbers and dates formatted for fr-FR."""
    full_spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "config": BASE_CONFIG, **spec}
    # Lazy translations and Decimals become plain JSON values.
    full_spec = json.loads(json.dumps(full_spec, default=str))
    key = f"chart:{spec_hash(full_spec)}"
    try:
        cached = cache.get(key)
    except Exception:  # a dead Redis must not break a page: render without the cache
        logger.warning("chart_cache_unavailable")
        cached = None
    if cached:
        return cached
    svg = vl_convert.vegalite_to_svg(full_spec, format_locale="fr-FR", time_format_locale="fr-FR")
    try:
        cache.set(key, svg, CACHE_SECONDS)
    except Exception:
        logger.warning("chart_cache_unavailable")
    return svg


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def stacked_bar(
    *,
    rows: list[dict],
    x: str,
    y: str,
    color: str,
    x_title: str,
    y_title: str,
    color_title: str,
    color_order: list[str] | None = None,
    color_range: list[str] | None = None,
    width: int = 560,
) -> dict:
    """Horizontal stacked bars, e.g. operations per sector stacked by status."""
    color_scale = {"domain": color_order} if color_order else {}
    if color_range:
        color_scale["range"] = color_range
    return {
        "width": width,
        "height": {"step": 26},
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": y, "type": "nominal", "title": y_title, "sort": None},
            "x": {"field": x, "type": "quantitative", "title": x_title, "axis": {"tickMinStep": 1}},
            "color": {
                "field": color,
                "type": "nominal",
                "title": color_title,
                "scale": color_scale,
                "sort": color_order,
            },
            "order": {"field": "order", "type": "ordinal"},
            "tooltip": [{"field": y}, {"field": color}, {"field": x}],
        },
    }


def grouped_bar(
    *,
    rows: list[dict],
    category: str,
    group: str,
    value: str,
    value_title: str,
    group_order: list[str],
    width: int = 560,
    bar_step: int | None = None,
) -> dict:
    """Horizontal grouped bars, e.g. planned / committed / paid per funder (values in euros); `bar_step`:
    the band of each bar in px, padding included (Vega-Lite's 20 when None)."""
    spec = {
        "width": width,
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": category, "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": group, "sort": group_order},
            "x": {
                "field": value,
                "type": "quantitative",
                "title": value_title,
                "axis": {"format": "~s", "labelExpr": "replace(datum.label, 'M', ' M')"},
            },
            "color": {
                "field": group,
                "type": "nominal",
                "title": None,
                "sort": group_order,
                "scale": {"domain": group_order},
            },
        },
    }
    if bar_step is not None:
        spec["height"] = {"step": bar_step}
    return spec


TODAY_COLOR = "#b3261e"


def semester_gantt(
    *,
    rows: list[dict],
    color_order: list[str],
    color_range: list[str],
    today: str | None = None,
    today_label: str = "Aujourd'hui",
    width: int = 640,
) -> dict:
    """Timeline of operations: one bar per operation from its first to its last semester.

    A row's "label" may hold several lines separated by "\n" (long labels are wrapped, never cut); `today`
    (an ISO date) draws a dashed vertical line captioned `today_label`.
    """
    lines = max((row["label"].count("\n") + 1 for row in rows), default=1)
    bars = {
        "mark": {"type": "bar", "cornerRadius": 2},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "title": None,
                "sort": None,
                "scale": {"paddingInner": 0.3},
                "axis": {
                    "labelLimit": 0,
                    "labelExpr": "split(datum.label, '\\n')",
                    "labelLineHeight": 12,
                    # A wrapped label is centred on its bar: its first line moves up half a line a line.
                    "labelOffset": {"expr": "-6 * (length(split(datum.value, '\\n')) - 1)"},
                },
            },
            "x": {
                "field": "start",
                "type": "temporal",
                "title": None,
                "axis": {"format": "%Y", "tickCount": "year"},
            },
            "x2": {"field": "end"},
            "color": {
                "field": "status",
                "type": "nominal",
                "title": "Statut",
                "scale": {"domain": color_order, "range": color_range},
            },
        },
    }
    layers: list[dict] = [bars, *(_today_layers(today, today_label) if today else [])]
    return {
        "width": width,
        "height": {"step": max(18, 12 * lines + 6)},
        "data": {"values": rows},
        "layer": layers,
    }


def _today_layers(today: str, caption: str) -> list[dict]:
    """A dashed vertical line at `today` (an ISO date) and its caption above the chart."""
    marker = {"data": {"values": [{"today": today, "caption": caption}]}}
    return [
        {
            **marker,
            "mark": {"type": "rule", "color": TODAY_COLOR, "strokeWidth": 1.5, "strokeDash": [4, 3]},
            "encoding": {"x": {"field": "today", "type": "temporal"}},
        },
        {
            **marker,
            "mark": {
                "type": "text",
                "color": TODAY_COLOR,
                "align": "left",
                "baseline": "bottom",
                "dx": 3,
                "y": -2,
                "fontSize": 10,
                "fontWeight": "bold",
            },
            "encoding": {"x": {"field": "today", "type": "temporal"}, "text": {"field": "caption"}},
        },
    ]

"""The GUSP figures (`gusp.selectors.GuspFigures`) as display strings for one audience: what the dashboard
and the pack sections show, built once here so that both show the same.

Reports are not personal data, but docs/gusp.md publishes a partner's figures « masqués sous le seuil »:
for an audience outside the mission team (`core.audience`), the counts of reports and of walk participants
below the threshold are masked, with the cells of a total's line that would give them back
(`Audience.counts`, `core.disclosure`); a share or a median computed on a masked count is not shown. TFPB
actions and euros are the landlords' own declarations to the convention's signatories: not masked, but a
partner reads a landlord's line only when it is its own (the action plan's rule: the dashboard gets the
partner's own actions only), and a partners' pack, read by every partner, gives the programme's total
without the line of each landlord (`tfpb_display(..., per_landlord=False)`).
A chart is drawn only when none of the counts it draws is masked (`gusp.charts`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from core.audience import Audience
from core.disclosure import is_masked
from core.formatting import format_date, format_euros, format_percent, group_thousands
from gusp import charts, selectors

NONE = "—"


def _decimal(value: Decimal | None, unit: str) -> str:
    if value is None:
        return NONE
    return f"{str(value).replace('.', ',')}\u202f{unit}"


def days_text(value: Decimal | None) -> str:
    return _decimal(value, "j")


def hours_text(value: Decimal | None) -> str:
    return _decimal(value, "h")


def share_text(part_cell: str, whole_cell: str, part: int, whole: int) -> str:
    """A share, not shown when its part or its base is masked."""
    if is_masked(part_cell) or is_masked(whole_cell):
        return NONE
    return format_percent(part, whole)


@dataclass
class CountRow:
    label: str
    open: str
    late: str
    late_share: str
    masked: bool


def open_rows(by_key: dict[str, tuple[int, int]], total: tuple[int, int], audience: Audience):
    """Open and late reports per theme or handler, with the total line (masked together)."""
    values = [[open_count, late] for open_count, late in by_key.values()]
    *cells, total_cells = audience.counts([*values, list(total)], column_totals=True)
    rows = [
        CountRow(
            label,
            open_cell,
            late_cell,
            share_text(late_cell, open_cell, late, open_count),
            is_masked(open_cell) or is_masked(late_cell),
        )
        for (label, (open_count, late)), (open_cell, late_cell) in zip(by_key.items(), cells, strict=True)
    ]
    total_row = CountRow(
        "Ensemble",
        total_cells[0],
        total_cells[1],
        share_text(total_cells[1], total_cells[0], total[1], total[0]),
        any(is_masked(cell) for cell in total_cells),
    )
    return rows, total_row


@dataclass
class HandlingDisplay:
    label: str
    handled: str
    within_target: str
    within_share: str
    median_days: str
    median_ack_hours: str


def handling_rows(rows: list[selectors.HandlingRow], total: selectors.HandlingRow, audience: Audience):
    """Reports handled per handler: counts masked with their total line; the share and the medians of a
    masked count are not shown."""
    *cells, total_cells = audience.counts(
        [[row.handled, row.within_target] for row in [*rows, total]], column_totals=True
    )

    def shown(row: selectors.HandlingRow, handled: str, within: str) -> HandlingDisplay:
        hidden = is_masked(handled)
        return HandlingDisplay(
            row.handler,
            handled,
            within,
            share_text(within, handled, row.within_target, row.handled),
            NONE if hidden else days_text(row.median_days),
            NONE if hidden else hours_text(row.median_ack_hours),
        )

    return (
        [shown(row, *cell) for row, cell in zip(rows, cells, strict=True)],
        shown(total, *total_cells),
    )


def handler_summary(figures: selectors.GuspFigures, audience: Audience, *, kept: int | None = None) -> dict:
    """One line per handler with its open reports and its handling (the packs' single table per handler):
    the handlers with open reports in their order (the most first), then those with handled reports only;
    beyond `kept` lines, the others in one line « Autres organisations (n) » (its medians not known).
    Counts masked by column with the total line, as the dashboard's two tables mask them."""
    handling = {row.handler: row for row in figures.handling}
    names = list(figures.open.by_handler) + sorted(set(handling) - set(figures.open.by_handler))
    raw = []
    for name in names:
        open_count, late = figures.open.by_handler.get(name, (0, 0))
        row = handling.get(name)
        raw.append(
            (name, [open_count, late, row.handled if row else 0, row.within_target if row else 0], row)
        )
    if kept is not None and len(raw) > kept + 1:
        others = raw[kept:]
        summed = [sum(values[index] for _name, values, _row in others) for index in range(4)]
        raw = [*raw[:kept], (f"Autres organisations ({len(others)})", summed, None)]
    total = figures.handling_total
    total_values = [*figures.open.total, total.handled, total.within_target]
    *cells, total_cells = audience.counts(
        [values for _name, values, _row in raw] + [total_values], column_totals=True
    )

    def line(label: str, values: list[int], shown: list[str], row: selectors.HandlingRow | None) -> dict:
        hidden = is_masked(shown[2])
        return {
            "label": label,
            "open": shown[0],
            "late": shown[1],
            "handled": shown[2],
            "within_target": shown[3],
            "within_share": share_text(shown[3], shown[2], values[3], values[2]),
            "median_days": NONE if hidden or row is None else days_text(row.median_days),
            "median_ack_hours": NONE if hidden or row is None else hours_text(row.median_ack_hours),
        }

    return {
        "rows": [
            line(name, values, shown, row) for (name, values, row), shown in zip(raw, cells, strict=True)
        ],
        "total": line("Ensemble", total_values, total_cells, total),
    }


def map_url(hotspot: selectors.Hotspot, *, sector_id, theme_id, period: selectors.Period) -> str:
    """The report map filtered on the hotspot's quartier, theme and period (the map has no place filter:
    the hotspot is among the points shown)."""
    query = {
        "sector": sector_id or "",
        "theme": theme_id or "",
        "reported_from": period.start.isoformat(),
        "reported_to": period.end.isoformat(),
    }
    return reverse("gusp:report_map") + "?" + urlencode({k: v for k, v in query.items() if v != ""})


def coordinates_text(hotspot: selectors.Hotspot) -> str:
    """A place without an address: its rounded coordinates, written the French way."""
    if hotspot.latitude is None:
        return NONE
    latitude, longitude = (str(value).replace(".", ",") for value in (hotspot.latitude, hotspot.longitude))
    return f"{latitude} ; {longitude}"


def hotspot_rows(
    hotspots: list[selectors.Hotspot],
    audience: Audience,
    *,
    period: selectors.Period,
    sector_ids: dict[str, int] | None = None,
    theme_ids: dict[str, int] | None = None,
) -> list[dict]:
    rows = []
    for hotspot in hotspots:
        rows.append(
            {
                "sector": hotspot.sector,
                "theme": hotspot.theme,
                "place": hotspot.address or coordinates_text(hotspot),
                "reports": audience.count(hotspot.reports),
                "open": audience.count(hotspot.open),
                "last": format_date(hotspot.last, "j F Y"),
                "map_url": map_url(
                    hotspot,
                    sector_id=(sector_ids or {}).get(hotspot.sector),
                    theme_id=(theme_ids or {}).get(hotspot.theme),
                    period=period,
                )
                if sector_ids is not None
                else "",
            }
        )
    return rows


def walks_display(walks: selectors.WalkFigures, audience: Audience) -> dict:
    """Walk audits held, their participants (people: masked), what became of their observations, and
    their follow-up actions (done ones among them)."""
    observations, resolved, still_open = audience.counts([[walks.observations, walks.resolved, walks.open]])[
        0
    ]
    participants, residents = audience.count(walks.participants), audience.count(walks.residents)
    return {
        "held": group_thousands(walks.held),
        "participants": participants,
        "residents": residents,
        "observations": observations,
        "resolved": resolved,
        "open": still_open,
        "resolved_share": share_text(resolved, observations, walks.resolved, walks.observations),
        # Follow-up actions are items of the action plan, not people: the reader's own, never masked.
        "follow_ups": group_thousands(walks.follow_ups),
        "follow_ups_done": group_thousands(walks.follow_ups_done),
    }


def tfpb_display(rows: list[selectors.TfpbRow], *, per_landlord: bool = True) -> dict:
    """Per landlord and year, and in total: actions, actions done, euros valued (all, done), the abatement
    recorded and the « taux de valorisation » (valued / abatement, « — » without an abatement). The total's
    rate is taken over the lines that have an abatement (a landlord without a recorded abatement does not
    raise it). Without `per_landlord`, the total only (`rows` empty, `any` says whether there is one)."""
    shown = [
        {
            "landlord": row.landlord,
            "year": str(row.year),
            "actions": group_thousands(row.actions),
            "done": group_thousands(row.done),
            "amount": format_euros(row.amount),
            "done_amount": format_euros(row.done_amount),
            "abatement": format_euros(row.abatement),
            "rate": format_percent(row.amount, row.abatement),
            "covered": row.abatement is not None and row.amount >= row.abatement,
        }
        for row in rows
    ]
    summed = selectors.TfpbTotal.of(rows)
    with_abatement = summed.abatement is not None
    total = {
        "actions": group_thousands(summed.actions),
        "done": group_thousands(summed.done),
        "amount": format_euros(summed.amount),
        "done_amount": format_euros(summed.done_amount),
        "abatement": format_euros(summed.abatement) if with_abatement else NONE,
        "rate": format_percent(summed.valued_against_abatement, summed.abatement) if with_abatement else NONE,
    }
    return {
        "rows": shown if per_landlord else [],
        "total": total,
        "years": len({row.year for row in rows}),
        "any": bool(rows),
        "any_abatement": with_abatement,
        "missing_abatement": sum(row.abatement is None for row in rows),
        "per_landlord": per_landlord,
    }


def figures_display(
    figures: selectors.GuspFigures,
    audience: Audience,
    *,
    sector_ids: dict[str, int] | None = None,
    theme_ids: dict[str, int] | None = None,
    hotspots_kept: int | None = None,
    handlers_kept: int | None = None,
    tfpb_per_landlord: bool = True,
) -> dict:
    """Everything a dashboard or a pack section shows of the figures, for the audience (the hotspots'
    map links when the ids of the sectors and themes by name are given; the TFPB total without the
    landlords' lines unless `tfpb_per_landlord`)."""
    themes, open_total = open_rows(figures.open.by_theme, figures.open.total, audience)
    handlers, _ = open_rows(figures.open.by_handler, figures.open.total, audience)
    handled, handled_total = handling_rows(figures.handling, figures.handling_total, audience)
    volume = figures.volume
    reported = audience.count(volume.reported)
    closed = audience.count(volume.closed)
    hotspots = figures.hotspots[:hotspots_kept] if hotspots_kept else figures.hotspots
    return {
        "period": figures.period,
        "period_start": figures.period.start,
        "period_end": figures.period.end,
        "reported": reported,
        "closed_share": share_text(closed, reported, volume.closed, volume.reported),
        "open_total": open_total,
        "themes": themes,
        "handlers": handlers,
        "handling": handled,
        "handling_total": handled_total,
        "handler_summary": handler_summary(figures, audience, kept=handlers_kept),
        "hotspots": hotspot_rows(
            hotspots, audience, period=figures.period, sector_ids=sector_ids, theme_ids=theme_ids
        ),
        "hotspots_count": len(figures.hotspots),
        "hotspots_more": len(figures.hotspots) - len(hotspots),
        "walks": walks_display(figures.walks, audience),
        "tfpb": tfpb_display(figures.tfpb, per_landlord=tfpb_per_landlord),
        "theme_chart": charts.open_chart(
            figures.open.by_theme,
            category="Thème",
            masked=[r.masked for r in themes],
        ),
        "handler_chart": charts.open_chart(
            figures.open.by_handler,
            category="Organisation en charge",
            masked=[r.masked for r in handlers],
        ),
        "masks_counts": audience.masks_counts,
        "legend": audience.legend,
        "empty": is_empty(figures),
    }


def is_empty(figures: selectors.GuspFigures) -> bool:
    """Nothing to show: no report made in the period or open today, no walk audit, no TFPB action."""
    return (
        not figures.volume.reported
        and not figures.open.total[0]
        and not figures.handling_total.handled
        and not figures.walks.held
        and not figures.tfpb
    )


def period_label(period: selectors.Period) -> str:
    return f"du {format_date(period.start, 'j F Y')} au {format_date(period.end, 'j F Y')}"

"""Concertation tables whose counts of people go through disclosure control.

Shared by the PDF packs (governance/reports.py) and the concertation dashboard, so that both show the
same cells to the same audience. `counts` turns a table of counts into display strings: the audience's
(`core.audience.Audience.counts`), which masks small counts when the figures leave the mission team.
"""

from core.audience import Counts
from core.disclosure import is_masked
from core.formatting import format_percent
from governance import selectors


def attendance_table(figures: selectors.ConcertationFigures, counts: Counts) -> list[dict]:
    """Events and participants by kind of event (kinds with events), the total row last."""
    rows = [row for row in figures.by_kind if row.events] + [figures.totals]
    cells = counts(
        [[row.residents, row.conseil_citoyen, row.partners, row.total] for row in rows],
        row_totals=True,
        column_totals=True,
    )
    return [
        {"label": row.label, "events": row.events, "cells": cells[index]} for index, row in enumerate(rows)
    ]


def remarks_table(
    rows: list[selectors.FeedbackRow], counts: Counts, *, attendance: bool = False
) -> list[dict]:
    """Remarks received and answered per row (and participants), the total row last.

    The share answered is given only where neither count is masked.
    """
    total = selectors.FeedbackRow("total", "Total")
    for row in rows:
        total.events += row.events
        total.attendance += row.attendance
        total.received += row.received
        total.answered += row.answered
    rows = [*rows, total]
    columns = [[row.received, row.answered] for row in rows]
    if attendance:
        columns = [[row.attendance, *values] for row, values in zip(rows, columns, strict=True)]
    cells = counts(columns, column_totals=True)
    return [
        {
            "label": row.label,
            "events": row.events,
            "attendance": cells[index][0] if attendance else None,
            "received": cells[index][-2],
            "answered": cells[index][-1],
            "share": "—"
            if any(map(is_masked, cells[index][-2:]))
            else format_percent(row.answered, row.received),
        }
        for index, row in enumerate(rows)
    ]


def feedback_table(figures: selectors.ConcertationFigures, counts: Counts) -> list[dict]:
    """Remarks received and answered per theme (themes with remarks), the total row last."""
    return remarks_table([row for row in figures.by_theme if row.received], counts)

"""Sections of the PDF packs about governance (séances, decisions, actions) and concertation.

Counts of people (attendance, residents' remarks) go through the pack's disclosure control: a pack
for partners masks small counts and the cells that would reveal them.
"""

from django.utils import timezone

from core.charts import DENSE_BAR_STEP
from core.pack_sections import PackScope, section
from core.richtext import sanitize_html
from governance import selectors
from governance.charts import attendance_chart, feedback_chart
from governance.disclosure_tables import attendance_table, feedback_table
from governance.models import BodyKind
from reporting.models import PackKind

OPEN_ACTIONS_LIMIT = 60
# The séance whose minutes open the governance section of each kind of pack (none in other documents).
MINUTES_BODY_KIND = {
    PackKind.COPIL: BodyKind.COPIL,
    PackKind.COTEC: BodyKind.COTEC,
    PackKind.REVUE: BodyKind.REVUE_PROJET,
}
# Same specs as governance/views/concertation.py (dashboard), so that the SVG are the same.


@section(
    key="gouvernance",
    title="Instances : séances, décisions et actions",
    template="governance/pack/governance.html",
)
def governance(scope: PackScope) -> dict:
    where = {"programme": scope.programme, "sector": scope.sector}
    period = {"start": scope.period_start, "end": scope.period_end}
    actions = selectors.pack_actions(**where)
    counts = selectors.action_counts(actions, today=scope.period_end)
    counts["done"] = selectors.actions_done_between(actions, **period)
    body_kind = MINUTES_BODY_KIND.get(scope.kind)
    last = selectors.last_minutes(**where, body_kind=body_kind, until=scope.period_end) if body_kind else None
    last_held_on = timezone.localtime(last.starts_at).date() if last else None
    return {
        "meetings": selectors.pack_meetings(**where, **period),
        "decisions": selectors.pack_decisions(**where, **period),
        "action_counts": counts,
        "open_actions": selectors.actions_for_board(actions.open(), today=scope.period_end)[
            :OPEN_ACTIONS_LIMIT
        ],
        "open_actions_limit": OPEN_ACTIONS_LIMIT,
        "last_meeting": last,
        # Sanitised again here: minutes may have come through an import or the admin.
        "last_minutes": sanitize_html(last.minutes) if last else "",
        "last_held_on": last_held_on,
        # Minutes of a séance held before the period: the latest available, not the period's.
        "minutes_predate_period": last_held_on is not None and last_held_on < scope.period_start,
        "today": scope.period_end,
    }


@section(
    key="concertation",
    title="Concertation avec les habitants",
    template="governance/pack/concertation.html",
)
def concertation(scope: PackScope) -> dict:
    return concertation_context(scope, with_events=True)


@section(
    key="concertation-synthese",
    title="Concertation avec les habitants",
    template="governance/pack/concertation.html",
)
def concertation_summary(scope: PackScope) -> dict:
    """The revue de projet's concertation: the year's figures per type and theme, without the list of
    every event (several pages on a large programme; the COPIL's detail), the chart per theme with
    thinner bars (the revue is a dense document)."""
    return concertation_context(scope, with_events=False)


def concertation_context(scope: PackScope, *, with_events: bool) -> dict:
    where = {"programme": scope.programme, "sector": scope.sector}
    period = {"start": scope.period_start, "end": scope.period_end}
    events = selectors.pack_events(**where, **period)
    figures = selectors.concertation_figures(
        events=events, feedbacks=selectors.pack_feedbacks(**where, **period)
    )
    event_rows = list(events.select_related("sector").order_by("held_on", "pk")) if with_events else []
    audience = scope.audience
    *attendance, attendance_total = attendance_table(figures, audience.counts)
    *feedback, feedback_total = feedback_table(figures, audience.counts)
    draws_charts = audience.draws_people_charts
    bar_step = None if with_events else DENSE_BAR_STEP  # the revue de projet's synthesis: thinner bars
    return {
        "figures": figures,
        "attendance": attendance,
        "attendance_total": attendance_total,
        "feedback": feedback,
        "feedback_total": feedback_total,
        "with_events": with_events,
        "events": _events_table(scope, event_rows) if with_events else [],
        "attendance_chart": attendance_chart(figures) if draws_charts else None,
        "feedback_chart": feedback_chart(figures, bar_step=bar_step) if draws_charts else None,
    }


def _events_table(scope: PackScope, events: list) -> list[dict]:
    cells = scope.audience.counts(
        [[event.residents, event.conseil_citoyen, event.partners, event.attendance] for event in events],
        row_totals=True,
    )
    return [{"event": event, "cells": cells[index]} for index, event in enumerate(events)]

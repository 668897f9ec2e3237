"""Relogement dashboard: ANRU indicators per sector and operation, for every role of the programme.

Only aggregates: no household appears one by one. Partners see small counts masked (and the shares,
medians and averages computed on them as "—"), and no chart. The dashboard shows the programme and its
sectors; the operations are one click away (`dashboard_operations`, optionally for one sector).
"""

from dataclasses import replace

import rules
from django.shortcuts import render

from accounts.selectors import scope_cache_key
from core.audience import audience_for_request
from core.decorators import programme_required
from core.readonly import readonly
from relogement import charts, selectors
from relogement.models import Household


def _indicators(request) -> selectors.Indicators:
    """The programme's figures in the user's perimeter, cached per perimeter for a few minutes."""
    households = Household.objects.aggregable_by(request.user).filter(programme=request.programme)
    scope = scope_cache_key(request.user, programme_id=request.programme.pk)
    return selectors.dashboard_indicators(households, programme_id=request.programme.pk, scope=scope)


def _context(request, indicators: selectors.Indicators, **levels) -> dict:
    audience = audience_for_request(request)
    tables = selectors.indicator_tables(
        indicators, audience.counts, masked=audience.masks_counts, threshold=audience.threshold
    )
    levels_shown = selectors.level_tables(tables, **levels)
    coarser_for = None
    if audience.masks_counts and levels.get("with_sectors") is False and levels_shown[0]["mostly_masked"]:
        # Masking would hide most of the operations' counts: show the sectors' instead, and say so.
        coarser_for = levels_shown[0]
        levels_shown = selectors.level_tables(tables, with_operations=False)
    return {
        "programme": request.programme,
        "indicators": indicators,
        "audience": audience,
        "can_see_households": rules.has_perm("relogement.view_household", request.user, request.programme),
        "total_row": tables["total_row"],
        "key_figures": selectors.key_figures(tables["total_row"], threshold=audience.threshold),
        "tables": levels_shown,
        "coarser_for": coarser_for,
    }


@readonly
@programme_required
def dashboard(request):
    indicators = _indicators(request)
    context = _context(request, indicators, with_operations=False)
    context["operation_count"] = len(indicators.operations)
    if context["audience"].draws_people_charts and not indicators.empty:
        context.update(
            situation_chart=charts.situation_chart(indicators),
            shares_chart=charts.shares_chart(indicators.total),
        )
    return render(request, "relogement/dashboard.html", context)


@readonly
@programme_required
def dashboard_operations(request):
    """The drill-down of the dashboard: the indicators of each operation, optionally of one sector."""
    indicators = _indicators(request)
    sectors = {str(sector.key): sector for sector in indicators.sectors}
    wanted = sectors.get(request.GET.get("quartier", ""))
    # Outside the mission team, one sector's operations are not shown apart: recomputed as their own
    # table they would unmask cells that the dashboard masked to protect the other sectors.
    if audience_for_request(request).masks_counts:
        wanted = None
    if wanted is not None:
        total = replace(wanted, label=selectors.TOTAL_LABEL, children=[])
        indicators = replace(indicators, total=total, sectors=[wanted], operations=wanted.children)
    context = _context(request, indicators, with_sectors=False)
    filterable = not context["audience"].masks_counts
    context.update(sectors=list(sectors.items()) if filterable else [], sector=wanted)
    return render(request, "relogement/dashboard_operations.html", context)

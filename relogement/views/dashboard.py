"""Relogement dashboard: ANRU indicators per sector and operation, for every role of the programme.

Only aggregates: no household appears one by one. Partners see small counts masked (and the shares,
medians and averages computed on them as "—"), and no chart.
"""

from django.shortcuts import render

from core.audience import audience_for_request
from core.decorators import programme_required
from core.readonly import readonly
from relogement import charts, selectors
from relogement.models import Household


@readonly
@programme_required
def dashboard(request):
    households = Household.objects.aggregable_by(request.user).filter(programme=request.programme)
    indicators = selectors.relogement_indicators(households)
    audience = audience_for_request(request)
    tables = selectors.indicator_tables(
        indicators, audience.counts, masked=audience.masks_counts, threshold=audience.threshold
    )
    context = {
        "programme": request.programme,
        "indicators": indicators,
        "audience": audience,
        "can_see_households": request.user.has_perm("relogement.view_household", request.programme),
        "total_row": tables["total_row"],
        "tables": selectors.level_tables(tables),
    }
    if audience.draws_people_charts and not indicators.empty:
        context.update(
            situation_chart=charts.situation_chart(indicators),
            shares_chart=charts.shares_chart(indicators.total),
        )
    return render(request, "relogement/dashboard.html", context)

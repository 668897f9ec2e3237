"""Relogement dashboard: ANRU indicators per sector and operation, for every role of the programme.

Only aggregates: no household appears one by one. Partners see small counts masked (and the shares,
medians and averages computed on them as "—"), and no chart.
"""

from django.conf import settings
from django.shortcuts import render

from core.decorators import programme_required
from core.disclosure import LEGEND
from core.readonly import readonly
from governance.disclosure_tables import masked_counts
from relogement import charts, selectors
from relogement.models import Household


@readonly
@programme_required
def dashboard(request):
    households = Household.objects.aggregable_by(request.user).filter(programme=request.programme)
    indicators = selectors.relogement_indicators(households)
    internal = request.user.is_superuser or request.membership.is_internal
    threshold = settings.DISCLOSURE_THRESHOLD
    tables = selectors.indicator_tables(
        indicators,
        selectors.unmasked_counts if internal else masked_counts,
        masked=not internal,
        threshold=threshold,
    )
    context = {
        "programme": request.programme,
        "indicators": indicators,
        "masked": not internal,
        "disclosure_legend": "" if internal else LEGEND.format(threshold=threshold),
        "total_row": tables["total_row"],
        "tables": selectors.level_tables(tables),
    }
    if internal and not indicators.empty:
        context.update(
            situation_chart=charts.situation_chart(indicators),
            shares_chart=charts.shares_chart(indicators.total),
        )
    return render(request, "relogement/dashboard.html", context)

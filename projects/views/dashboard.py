from django.shortcuts import render
from django.utils import timezone

from core.decorators import programme_required
from core.readonly import readonly
from projects import charts, selectors
from projects.models import OperationStatus


@readonly
@programme_required
def dashboard(request):
    programme = request.programme
    operations = selectors.visible_operations(user=request.user, programme=programme)
    sectors = selectors.visible_sectors(user=request.user, programme=programme)
    summaries = selectors.sector_summaries(operations=operations, sectors=sectors)
    funders = selectors.funding_by_funder(operations=operations)
    rates, rates_total = selectors.funder_rates(funders)
    context = {
        "programme": programme,
        "totals": selectors.programme_totals(operations=operations),
        "summaries": summaries,
        "status_choices": OperationStatus.choices,
        "funders": funders,
        "at_risk": selectors.operations_at_risk(operations=operations),
        "milestones": selectors.upcoming_milestones(operations=operations),
        "status_chart": charts.status_chart(summaries),
        "funding_chart": charts.funding_chart(funders),
        "funder_rates": rates,
        "funder_rates_total": rates_total,
        "funder_rates_chart": charts.funder_rates_chart(rates),
        "conventions": selectors.programme_conventions(user=request.user, programme=programme),
        "today": timezone.localdate(),
    }
    return render(request, "projects/dashboard.html", context)

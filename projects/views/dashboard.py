from django.shortcuts import render
from django.utils import timezone

from core.charts import grouped_bar, render_svg, stacked_bar, svg_data_uri
from core.decorators import programme_required
from core.readonly import readonly
from projects import selectors
from projects.maps import sectors_feature_collection
from projects.models import STATUS_COLORS, OperationStatus


@readonly
@programme_required
def dashboard(request):
    programme = request.programme
    operations = selectors.visible_operations(user=request.user, programme=programme)
    sectors = selectors.visible_sectors(user=request.user, programme=programme)
    summaries = selectors.sector_summaries(operations=operations, sectors=sectors)
    funders = selectors.funding_by_funder(operations=operations)
    context = {
        "programme": programme,
        "totals": selectors.programme_totals(operations=operations),
        "summaries": summaries,
        "status_choices": OperationStatus.choices,
        "funders": funders,
        "at_risk": selectors.operations_at_risk(operations=operations),
        "milestones": selectors.upcoming_milestones(operations=operations),
        "status_chart": _status_chart(summaries),
        "funding_chart": _funding_chart(funders),
        "map_data": sectors_feature_collection(sectors),
        "conventions": selectors.programme_conventions(user=request.user, programme=programme),
        "today": timezone.localdate(),
    }
    return render(request, "projects/dashboard.html", context)


def _status_chart(summaries) -> str | None:
    rows = selectors.status_chart_rows(summaries)
    if not rows:
        return None
    spec = stacked_bar(
        rows=rows,
        x="count",
        y="sector",
        color="status",
        x_title="Nombre d'opérations",
        y_title=None,
        color_title="Statut",
        color_order=list(OperationStatus.labels),
        color_range=list(STATUS_COLORS.values()),
    )
    return svg_data_uri(render_svg(spec))


def _funding_chart(funders) -> str | None:
    rows = selectors.funding_chart_rows(funders)
    if not rows:
        return None
    spec = grouped_bar(
        rows=rows,
        category="funder",
        group="stage",
        value="amount",
        value_title="Montant (€)",
        group_order=["Prévu", "Engagé", "Versé"],
    )
    return svg_data_uri(render_svg(spec))

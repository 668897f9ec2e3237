from django.shortcuts import get_object_or_404, render

from core.decorators import programme_required
from core.readonly import readonly
from projects import charts, selectors
from projects.forms import DocumentForm
from projects.maps import sectors_feature_collection
from projects.models import Document, Qpv


@readonly
@programme_required
def sector_list(request):
    sectors = selectors.visible_sectors(user=request.user, programme=request.programme)
    operations = selectors.visible_operations(user=request.user, programme=request.programme)
    context = {
        "summaries": selectors.sector_summaries(operations=operations, sectors=sectors),
        "sectors": sectors,
        "map_data": sectors_feature_collection(sectors),
    }
    return render(request, "projects/sector_list.html", context)


@readonly
@programme_required
def sector_detail(request, slug):
    sectors = selectors.visible_sectors(user=request.user, programme=request.programme)
    sector = get_object_or_404(sectors, slug=slug)
    operations = selectors.visible_operations(user=request.user, programme=request.programme).filter(
        sector=sector
    )
    timeline = selectors.sector_timeline(operations=operations)
    can_edit = request.user.has_perm("projects.add_document", sector)
    context = {
        "sector": sector,
        "qpvs": Qpv.objects.filter(code__in=[sector.qpv_code_2015, sector.qpv_code_2024]),
        "totals": selectors.programme_totals(operations=operations),
        "funders": selectors.funding_by_funder(operations=operations),
        "timeline": timeline,
        "timeline_chart": charts.timeline_chart(timeline),
        "map_data": sectors_feature_collection(sectors.filter(pk=sector.pk)),
        "documents": Document.objects.visible_to(request.user, request.membership).attached_to(sector),
        "document_form": DocumentForm() if can_edit else None,
        "can_edit": can_edit,
    }
    return render(request, "projects/sector_detail.html", context)

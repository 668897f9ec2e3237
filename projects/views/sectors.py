from django.shortcuts import get_object_or_404, render

from core.charts import render_svg, semester_gantt, svg_data_uri
from core.decorators import programme_required
from core.readonly import readonly
from projects import selectors
from projects.forms import DocumentForm
from projects.maps import sectors_feature_collection
from projects.models import STATUS_COLORS, Document, OperationStatus, Qpv
from projects.semesters import add_semesters


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
        "timeline_chart": _timeline_chart(timeline),
        "map_data": sectors_feature_collection(sectors.filter(pk=sector.pk)),
        "documents": Document.objects.visible_to(request.user, request.membership).attached_to(sector),
        "document_form": DocumentForm() if can_edit else None,
        "can_edit": can_edit,
    }
    return render(request, "projects/sector_detail.html", context)


def _semester_start(semester: str) -> str:
    year, half = semester.split("-S")
    return f"{year}-{'01' if half == '1' else '07'}-01"


def _timeline_chart(operations) -> str | None:
    rows = [
        {
            "label": f"{op.identifier} — {op.label[:40]}",
            "start": _semester_start(op.planned_start),
            "end": _semester_start(add_semesters(op.planned_end or op.planned_start, 1)),
            "status": op.get_status_display(),
        }
        for op in operations
    ]
    if not rows:
        return None
    spec = semester_gantt(
        rows=rows, color_order=list(OperationStatus.labels), color_range=list(STATUS_COLORS.values())
    )
    return svg_data_uri(render_svg(spec))

import json

from django.shortcuts import get_object_or_404, render

from accounts.selectors import scope_cache_key
from core import cache
from core.decorators import programme_required
from core.http import private_cached_response
from core.readonly import readonly
from projects import charts, selectors
from projects.forms import DocumentForm
from projects.maps import MAP_CACHE, sectors_feature_collection
from projects.models import Document, Qpv


@readonly
@programme_required
def sector_list(request):
    sectors = selectors.visible_sectors(user=request.user, programme=request.programme)
    operations = selectors.visible_operations(user=request.user, programme=request.programme)
    context = {
        "summaries": selectors.sector_summaries(operations=operations, sectors=sectors),
        "sectors": sectors,
    }
    return render(request, "projects/sector_list.html", context)


MAP_MAX_AGE = 300


@readonly
@programme_required
def sectors_geojson(request):
    """The perimeters of the visible sectors (or of one, `?quartier=<slug>`), simplified for display.

    Cached a few minutes per programme and perimeter on the server (stale once a sector is saved) and
    in the browser (private: it depends on the user), with an ETag to answer 304 when unchanged."""
    sectors = selectors.visible_sectors(user=request.user, programme=request.programme)
    wanted = request.GET.get("quartier", "")
    if wanted:
        sectors = sectors.filter(slug=wanted)
    scope = scope_cache_key(request.user, programme_id=request.programme.pk)

    def build() -> bytes:
        collection = sectors_feature_collection(sectors.order_by("order", "name", "pk"), simplified=True)
        return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()

    body = cache.cached(MAP_CACHE, f"{request.programme.pk}:{scope}:{wanted}", build)
    return private_cached_response(request, body, content_type="application/geo+json", max_age=MAP_MAX_AGE)


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
        "documents": Document.objects.visible_to(request.user, request.membership).attached_to(sector),
        "document_form": DocumentForm() if can_edit else None,
        "can_edit": can_edit,
    }
    return render(request, "projects/sector_detail.html", context)

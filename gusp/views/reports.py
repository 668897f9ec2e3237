"""Report pages: the list (the accessible alternative to the map), the map and its points, the export,
one report's page with its photos and history, and the team's creation and edit forms.

Everyone reads through `Report.objects.visible_to(user)`: the programme's people within their perimeter,
a partner only the reports routed to its organisation. The list, the map's points, the export and the
choices read the same rows through `Report.objects.seen_through` (plain conditions from the request's
membership: the list's count reads the index alone)."""

import datetime
import gzip
import hashlib
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from core import cache
from core.audience import audience_for_request
from core.decorators import programme_required
from core.exports import xlsx_response
from core.forms import apply_service_errors
from core.http import private_cached_response, safe_next
from core.readonly import readonly
from core.widgets import autocomplete_response
from gusp import rules, selectors, services
from gusp.exports import CHUNK, REPORT_COLUMNS, with_export_data
from gusp.filters import ReportFilter
from gusp.forms import BulkStatusForm, ReportForm
from gusp.models import Report, ReportPhoto, ReportStatus
from gusp.tables import ReportTable
from gusp.views.common import (
    back_to_list,
    list_return_url,
    programme_reports,
    reports_scope_key,
    require_perm,
    ticked_report_ids,
    visible_report,
)
from gusp.views.detail import render_detail

PAGE_SIZE = 50
BULK_FORM_ID = "signalements-lot"
POINTS_MAX_AGE = 120
STATUSES = list(ReportStatus.values)


def seen_reports(request):
    """The programme's reports the user sees (`visible_to`), scoped by the request's membership."""
    return Report.objects.seen_through(request.user, request.membership, programme=request.programme)


def _filtered(request) -> ReportFilter:
    return ReportFilter(request.GET, queryset=seen_reports(request).with_list_data(), request=request)


def _list_context(request, filterset: ReportFilter) -> dict:
    audience = audience_for_request(request)
    return {
        "filter": filterset,
        "is_internal": audience.is_internal,
        "can_add": request.user.has_perm("gusp.add_report", request.programme),
    }


def editable_reports(request, scope):
    """The reports of the list the user may change as a GUSP editor (`rules.editor_scope`)."""
    reports = seen_reports(request)
    return reports if scope.whole_programme else reports.filter(sector__in=scope.sector_ids)


def _list_page(request, *, form=None, checked=frozenset()):
    """The list; for the GUSP editors, a box per row they may change and the form of the change of status
    in bulk (partners and readers have neither)."""
    filterset = _filtered(request)
    scope = rules.editor_scope(request.user, request.programme)
    table = ReportTable(
        filterset.qs,
        today=timezone.localdate(),
        order_by=request.GET.get("sort") or None,
        editor_scope=scope,
        checked=checked,
        bulk_form_id=BULK_FORM_ID,
    )
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    if form is None and scope.any and not request.htmx:
        form = BulkStatusForm(
            reports=editable_reports(request, scope), programme=request.programme, user=request.user
        )
    context = {
        **_list_context(request, filterset),
        "table": table,
        "count": table.paginator.count,
        "form": form if scope.any else None,
        "bulk_form_id": BULK_FORM_ID,
        "next_url": list_return_url(request, "gusp:report_list"),
    }
    template = "gusp/includes/report_table.html" if request.htmx else "gusp/report_list.html"
    return render(request, template, context)


@readonly
@programme_required
def report_list(request):
    return _list_page(request)


@require_http_methods(["GET", "HEAD", "POST"])
@programme_required
def report_bulk_status(request):
    """The same status for the reports ticked in the list, all or nothing (`services.reports_triage`): one
    refused move (a transition the lifecycle forbids, a closed report…) and none changes, the page naming
    the report. GUSP editors only, on the reports of their perimeter. A GET (a sort or page link of the
    list re-rendered here after a refusal) goes back to the list with the same query."""
    if request.method != "POST":
        return back_to_list(request, "gusp:report_list")
    scope = rules.editor_scope(request.user, request.programme)
    if not scope.any:
        raise PermissionDenied
    form = BulkStatusForm(
        request.POST, reports=editable_reports(request, scope), programme=request.programme, user=request.user
    )
    if form.is_valid():
        reports = list(form.cleaned_data["reports"])
        fields = form.service_fields()
        try:
            changed = services.reports_triage(reports=reports, by=request.user, **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            label = ReportStatus(fields["status"]).label
            unchanged = len(reports) - changed
            extra = f" ({unchanged} l'étai{'en' if unchanged > 1 else ''}t déjà)" if unchanged else ""
            plural = "s" if changed > 1 else ""
            messages.success(
                request, f"{changed} signalement{plural} passé{plural} au statut « {label} »{extra}."
            )
            return redirect(safe_next(request, reverse("gusp:report_list")))
    return _list_page(request, form=form, checked=ticked_report_ids(request))


@readonly
@programme_required
def report_map(request):
    filterset = _filtered(request)
    query = request.GET.urlencode()
    context = {
        **_list_context(request, filterset),
        "points_url": reverse("gusp:report_points") + (f"?{query}" if query else ""),
        "list_url": reverse("gusp:report_list") + (f"?{query}" if query else ""),
        "statuses": ReportStatus.choices,
    }
    return render(request, "gusp/report_map.html", context)


def _key_value(value) -> str:
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _points_body(request, filterset: ReportFilter) -> bytes:
    """The points as compact JSON: [id, latitude, longitude, status index, theme id, late (0/1)] each,
    with the labels they refer to (`selectors.map_points`, newest first, at most MAP_POINTS_LIMIT)."""
    points = selectors.map_points(filterset.qs.order_by())
    themes = dict(filterset.filters["theme"].queryset(request).values_list("pk", "name"))
    status_index = {value: index for index, value in enumerate(STATUSES)}
    payload = {
        "statuses": [str(label) for label in ReportStatus.labels],
        "themes": {str(pk): name for pk, name in themes.items()},
        "url": reverse("gusp:report_detail", args=[0]),
        "limit": selectors.MAP_POINTS_LIMIT,
        "points": [
            [pk, round(float(lat), 5), round(float(lon), 5), status_index[status], theme, int(late)]
            for pk, lat, lon, status, theme, late in points
        ],
    }
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


@readonly
@programme_required
def report_points(request):
    """The map's points for the list's filters, kept a couple of minutes per scope and filters (stale
    once a report is written), gzipped when the browser accepts it, with an ETag."""
    filterset = _filtered(request)
    filterset.is_valid()
    filters = sorted(
        (name, _key_value(value))
        for name, value in filterset.form.cleaned_data.items()
        if value not in (None, "", False)
    )
    key = hashlib.sha256(repr(filters).encode()).hexdigest()[:24]
    scope = (
        f"points:{request.programme.pk}:{reports_scope_key(request)}:{key}:{timezone.localdate().isoformat()}"
    )

    def build() -> tuple[bytes, bytes]:
        body = _points_body(request, filterset)
        return body, gzip.compress(body, compresslevel=6, mtime=0)

    body, compressed = cache.cached(selectors.FIGURES_CACHE, scope, build, timeout=POINTS_MAX_AGE)
    return private_cached_response(
        request, body, content_type="application/json", max_age=POINTS_MAX_AGE, gzipped=compressed
    )


@readonly
@programme_required
def report_export(request):
    filterset = ReportFilter(request.GET, queryset=seen_reports(request), request=request)
    rows = with_export_data(filterset.qs).iterator(chunk_size=CHUNK)
    return xlsx_response(
        filename=f"signalements-{request.programme.slug}",
        sheet_title="Signalements",
        columns=REPORT_COLUMNS,
        rows=rows,
    )


@readonly
@programme_required
def report_choices(request):
    """Search-as-you-type choices of the « Doublon de » fields: the reports the user sees, but one
    (`?exclure=`)."""
    reports = seen_reports(request).select_related("theme")
    excluded = request.GET.get("exclure", "")
    if excluded.isdigit() and len(excluded) < 19:
        reports = reports.exclude(pk=int(excluded))
    return autocomplete_response(
        request, reports, fields=["reference", "description", "address"], order_by=["-reported_at", "-pk"]
    )


@readonly
@programme_required
def report_detail(request, pk: int):
    return render_detail(request, visible_report(request, pk))


@readonly
@programme_required
def report_photo(request, pk: int, photo_pk: int):
    """A photo of a report the user sees (media files are never served publicly)."""
    report = visible_report(request, pk)
    photo = get_object_or_404(ReportPhoto.objects.filter(report=report), pk=photo_pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="{report.reference}-{photo.pk}.jpg"'
    return response


@programme_required
def report_create(request):
    require_perm(request, "gusp.add_report", request.programme)
    form = ReportForm(request.POST or None, request.FILES or None, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("photo")
        try:
            report = services.report_create(
                programme=request.programme,
                by=request.user,
                photos=[upload.read()] if upload else (),
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error, {"image": "photo"})
        else:
            messages.success(request, f"Signalement {report.reference} enregistré : il attend son tri.")
            return redirect("gusp:report_detail", pk=report.pk)
    return render(
        request,
        "gusp/report_form.html",
        {"form": form, "report": None, "title": "Nouveau signalement"},
    )


@programme_required
def report_edit(request, pk: int):
    report = visible_report(request, pk, programme_reports(request).select_related("sector", "theme"))
    require_perm(request, "gusp.change_report", report)
    form = ReportForm(request.POST or None, instance=report, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(report=report, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Signalement {report.reference} mis à jour.")
            return redirect("gusp:report_detail", pk=report.pk)
    return render(
        request,
        "gusp/report_form.html",
        {"form": form, "report": report, "title": f"Modifier le signalement {report.reference}"},
    )

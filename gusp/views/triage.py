"""The triage queue: the new reports, oldest first (the late ones shown as such), each with its routing
form; ticked together, one decision for all of them — sent to an organisation or given a status, with a
canned answer if wanted — all or nothing (gusp.services.reports_triage).

The programme's people read the queue; the team (and the GUSP referent) act on it. Partners do not triage."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from core.decorators import internal_required
from core.forms import apply_service_errors
from core.http import safe_next
from core.readonly import readonly
from gusp import rules, services
from gusp.filters import TriageFilter, handler_organisations
from gusp.forms import TriageForm
from gusp.models import ReportStatus
from gusp.tables import TriageTable
from gusp.views.common import back_to_list, list_return_url, ticked_report_ids
from gusp.views.reports import seen_reports

PAGE_SIZE = 50
BULK_FORM_ID = "triage-lot"


def _queue(request):
    return seen_reports(request).filter(status=ReportStatus.NEW)


def _editable(request, scope):
    reports = seen_reports(request)
    return reports if scope.whole_programme else reports.filter(sector__in=scope.sector_ids)


def _page(request, *, form=None, checked=frozenset()):
    today = timezone.localdate()
    scope = rules.editor_scope(request.user, request.programme)
    filterset = TriageFilter(
        request.GET, queryset=_queue(request).with_list_data().order_by("reported_at", "pk"), request=request
    )
    handlers = list(handler_organisations(request.programme)) if scope.any else []
    table = TriageTable(
        filterset.qs,
        today=today,
        editor_scope=scope,
        handlers=handlers,
        checked=checked,
        bulk_form_id=BULK_FORM_ID,
    )
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    if form is None and scope.any:
        form = TriageForm(reports=_editable(request, scope), programme=request.programme, user=request.user)
    counts = _queue(request).aggregate(new=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "counts": counts,
        "form": form,
        "bulk_form_id": BULK_FORM_ID,
        "next_url": list_return_url(request, "gusp:triage"),
        "can_add": scope.whole_programme,  # gusp.add_report on the programme, without a second query
    }
    template = "gusp/includes/triage_table.html" if request.htmx else "gusp/triage.html"
    return render(request, template, context)


@readonly
@internal_required
def triage(request):
    return _page(request)


@require_http_methods(["GET", "HEAD", "POST"])
@internal_required
def triage_decide(request):
    """One decision for the ticked reports. A GET (a sort or page link of the queue re-rendered here after
    a refused decision) goes back to the queue with the same query."""
    if request.method != "POST":
        return back_to_list(request, "gusp:triage")
    scope = rules.editor_scope(request.user, request.programme)
    if not scope.any:
        raise PermissionDenied
    form = TriageForm(
        request.POST, reports=_editable(request, scope), programme=request.programme, user=request.user
    )
    if form.is_valid():
        reports = list(form.cleaned_data["reports"])
        fields = form.service_fields()
        try:
            changed = services.reports_triage(reports=reports, by=request.user, **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            done = (
                f"transmis à {fields['handler']}"
                if "handler" in fields
                else f"passés au statut « {ReportStatus(fields['status']).label} »"
            )
            unchanged = len(reports) - changed
            extra = f" ({unchanged} l'étaient déjà)" if unchanged else ""
            messages.success(request, f"{changed} signalement{'s' if changed != 1 else ''} {done}{extra}.")
            return redirect(safe_next(request, reverse("gusp:triage")))
    return _page(request, form=form, checked=ticked_report_ids(request))

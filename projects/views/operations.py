from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_tables2 import RequestConfig

from core.audience import audience_for_request
from core.decorators import internal_required, programme_required
from core.exports import xlsx_response
from core.readonly import readonly
from core.tables import scope_note
from projects import selectors, services
from projects.exports import OPERATION_COLUMNS
from projects.filters import OperationFilter
from projects.forms import DocumentForm, OperationCreateForm, OperationForm
from projects.history import operation_history
from projects.models import Document, Operation
from projects.tables import OperationTable

PAGE_SIZE = 50


def _visible(request):
    return selectors.visible_operations(user=request.user, programme=request.programme)


@readonly
@programme_required
def operation_list(request):
    operations = _visible(request).with_list_data()
    filterset = OperationFilter(request.GET, queryset=operations, request=request)
    table = OperationTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "out_of_scope": scope_note(
            request,
            table,
            filterset,
            Operation.objects.filter(programme=request.programme),
            singular="opération",
            plural="opérations",
        ),
        # the membership's role, not the permission (one query on every list request); the view checks it
        "can_create": request.user.is_superuser or bool(request.membership and request.membership.can_edit),
    }
    template = "projects/includes/operation_table.html" if request.htmx else "projects/operation_list.html"
    return render(request, template, context)


@readonly
@programme_required
def operation_export(request):
    operations = _visible(request).with_list_data().order_by("identifier", "pk")
    filterset = OperationFilter(request.GET, queryset=operations, request=request)
    return xlsx_response(
        filename=f"operations-{request.programme.slug}",
        sheet_title="Opérations",
        columns=OPERATION_COLUMNS,
        rows=filterset.qs.iterator(chunk_size=500),
    )


@readonly
@programme_required
def operation_detail(request, pk):
    operation = get_object_or_404(_visible(request).with_detail_data(), pk=pk)
    can_edit = request.user.has_perm("projects.change_operation", operation)
    funding_rows, funding_totals = selectors.operation_funding(operation)
    context = {
        "operation": operation,
        "funding_rows": funding_rows,
        "funding_totals": funding_totals,
        "milestones": operation.milestones.all(),
        "documents": Document.objects.visible_to(request.user, request.membership).attached_to(operation),
        "document_form": DocumentForm() if can_edit else None,
        "can_edit": can_edit,
        "can_see_history": audience_for_request(request).is_internal,
        "today": timezone.localdate(),
    }
    return render(request, "projects/operation_detail.html", context)


@programme_required
def operation_create(request):
    if not request.user.has_perm("projects.add_operation", request.programme):
        raise PermissionDenied
    form = OperationCreateForm(request.POST or None, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        try:
            operation = services.operation_create(programme=request.programme, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"L'opération {operation.identifier} a été créée.")
            return redirect("projects:operation_detail", pk=operation.pk)
    return render(request, "projects/operation_form.html", {"operation": None, "form": form})


@programme_required
def operation_edit(request, pk):
    operation = get_object_or_404(_visible(request), pk=pk)
    if not request.user.has_perm("projects.change_operation", operation):
        raise PermissionDenied
    form = OperationForm(
        request.POST or None, instance=operation, programme=request.programme, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.operation_update(operation=operation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"L'opération {operation.identifier} a été mise à jour.")
            return redirect("projects:operation_detail", pk=operation.pk)
    return render(request, "projects/operation_form.html", {"operation": operation, "form": form})


@readonly
@internal_required
def operation_history_view(request, pk):
    operation = get_object_or_404(_visible(request), pk=pk)
    return render(
        request,
        "projects/operation_history.html",
        {"operation": operation, "events": operation_history(operation)},
    )

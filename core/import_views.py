"""Upload → preview → confirm, for every import declared with core.imports (the kind is in the URL)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from core.access import request_access_log
from core.decorators import programme_required
from core.forms import BootstrapFormMixin
from core.import_mappings import mapping_forms
from core.import_records import (
    SWEEP_PENDING_AFTER,
    ImportStateError,
    import_progress,
    import_record_cancel,
    import_record_confirm,
    import_record_create,
    record_errors,
)
from core.imports import ImportFileError, describe_counts, get_spec, import_specs, importable_kinds
from core.models import AccessAction, ImportRecord, ImportStatus
from core.personal_data import get_domain, holds_grant
from core.readonly import readonly

PAGE_SIZE = 50
ERRORS_SHOWN = 1_000
ACCEPTED_FILES = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file past IMPORT_MAX_FILE_BYTES instead of spooling it to disk."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.IMPORT_MAX_FILE_BYTES:
            self.request.import_file_too_large = True  # type: ignore[union-attr]  # read by the view
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="Fichier à importer",
        widget=forms.FileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].help_text = (
            "Classeur Excel (.xlsx) ou fichier CSV (UTF-8 ou Windows-1252, séparateur « ; » ou « , »), "
            f"{filesizeformat(settings.IMPORT_MAX_FILE_BYTES)} au plus. "
            "Rien n'est enregistré avant votre confirmation."
        )
        if too_large:
            self.fields["file"].required = False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_large or (upload is not None and upload.size > settings.IMPORT_MAX_FILE_BYTES):
            raise forms.ValidationError(
                f"Le fichier dépasse la taille maximale de {filesizeformat(settings.IMPORT_MAX_FILE_BYTES)}."
            )
        return upload


def member_import_kinds(request) -> list[str]:
    return importable_kinds(request.user, request.membership, request.programme)


def _check_access(request, kind: str | None = None) -> None:
    kinds = member_import_kinds(request)
    if not kinds or (kind is not None and kind not in kinds):
        raise PermissionDenied
    domain = get_spec(kind).personal_data_domain if kind in import_specs() else None
    granted = holds_grant(request.user, request.membership, domain)
    if domain and not granted:
        label = get_domain(domain).grant_label
        raise PermissionDenied(
            f"Ce fichier contient des données personnelles : son import est réservé aux personnes dont le "
            f"rattachement porte l'habilitation « {label} », avec la double authentification activée. "
            "Demandez-la à l'administrateur de votre programme."
        )


def _spec_or_404(kind: str):
    try:
        return get_spec(kind)
    except KeyError:
        raise Http404 from None


def _record_or_404(request, pk: int) -> ImportRecord:
    return get_object_or_404(
        ImportRecord.objects.select_related("created_by"), pk=pk, programme=request.programme
    )


def _openable(request, kind: str) -> bool:
    """Whether the member may open this kind's uploads and previews: a personal-data kind needs the grant."""
    domain = import_specs()[kind].personal_data_domain
    return domain is None or holds_grant(request.user, request.membership, domain)


@programme_required
def import_list(request):
    _check_access(request)
    kinds = member_import_kinds(request)
    records = ImportRecord.objects.filter(programme=request.programme, kind__in=kinds).select_related(
        "created_by"
    )
    page = Paginator(records.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    specs = import_specs()
    openable = {kind for kind in kinds if _openable(request, kind)}
    buttons = [{"kind": kind, "label": specs[kind].label, "open": kind in openable} for kind in kinds]
    rows = [
        {"record": record, "kind_label": specs[record.kind].label, "open": record.kind in openable}
        for record in page
    ]
    return render(request, "core/import_list.html", {"page_obj": page, "rows": rows, "specs": buttons})


@csrf_exempt
def import_upload(request, kind: str):
    # Upload handlers must be in place before the body is read, hence CSRF checked inside.
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
    return _import_upload(request, kind)


@csrf_protect
@programme_required
def _import_upload(request, kind: str):
    spec = _spec_or_404(kind)
    _check_access(request, kind)
    bound = (request.POST, request.FILES) if request.method == "POST" else ()  # reads the upload
    form = ImportUploadForm(*bound, too_large=getattr(request, "import_file_too_large", False))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = import_record_create(
                kind=kind,
                data=upload.read(),
                filename=upload.name,
                programme=request.programme,
                user=request.user,
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("imports:preview", pk=record.pk)
    context = {"form": form, "spec": spec, "columns": spec.columns, "kind": kind}
    return render(request, "core/import_upload.html", context)


def _preview_context(record: ImportRecord) -> dict:
    summary = record.summary or {}
    counts = summary.get("counts") or {"create": 0, "update": 0, "unchanged": 0}
    errors = record_errors(record)
    specs = import_specs()
    spec = specs.get(record.kind)
    committed = record.status == ImportStatus.COMMITTED
    mapping = spec is not None and record.status in (ImportStatus.PREVIEW, ImportStatus.REJECTED)
    panels = mapping_forms(record, spec) if mapping else {}
    # The unknown columns have their own panel: their warnings would repeat it.
    repeated = {
        f"Colonne « {item['header']} » non reconnue : ignorée." for item in panels.get("unknown_columns", [])
    }
    return {
        **panels,
        "can_map": bool(panels.get("unknown_columns") or panels.get("unknown_values")),
        "record": record,
        "label": summary.get("label") or (spec.label if spec else record.kind),
        "counts": counts,
        "description": describe_counts(counts, committed=committed),
        "sheet": summary.get("sheet") or "",
        "header_row": summary.get("header_row") or "",
        "columns": summary.get("columns") or [],
        "warnings": [warning for warning in summary.get("warnings") or [] if warning not in repeated],
        "changes": summary.get("changes") or [],
        "key_label": summary.get("key_label") or "Identifiant",
        "has_details": any(change.get("details") for change in summary.get("changes") or []),
        "changes_hidden": max((summary.get("changes_total") or 0) - len(summary.get("changes") or []), 0),
        "errors": errors[:ERRORS_SHOWN],
        "errors_total": len(errors),
        "errors_hidden": max(len(errors) - ERRORS_SHOWN, 0),
        "can_confirm": record.status == ImportStatus.PREVIEW and not errors,
        "is_preview": record.status == ImportStatus.PREVIEW,
        "committed": committed,
        "upload_url": reverse("imports:upload", args=[record.kind]) if spec else "",
        "success_url": reverse(spec.success_url_name) if spec and committed else "",
        **_progress_context(record),
    }


def _progress_context(record: ImportRecord) -> dict:
    pending = record.status in ImportRecord.PENDING_STATUSES
    progress = import_progress(record) if pending else None
    confirmed = record.confirmed_at if record.status == ImportStatus.COMMITTING else None
    since = confirmed or record.created_at
    return {
        "pending": pending,
        "progress": progress,
        # Not started after the sweep's delay: the worker is down or busy; the sweep will send it again.
        "waiting_long": pending and progress is None and timezone.now() - since > SWEEP_PENDING_AFTER,
    }


def _record_for_user(request, pk: int) -> ImportRecord:
    _check_access(request)
    record = _record_or_404(request, pk)
    _check_access(request, record.kind)
    return record


def _log_personal_data_access(request, record: ImportRecord, action: str) -> None:
    """A preview of personal data lists records by their references: the access is logged."""
    domain = getattr(import_specs().get(record.kind), "personal_data_domain", None)
    if domain is None:
        return
    counts = (record.summary or {}).get("counts") or {}
    request_access_log(
        request,
        action=action,
        domain=domain,
        model="ImportRecord",
        object_ref=f"import n° {record.pk}",
        count=sum(counts.values())
        if action == AccessAction.LIST
        else counts.get("create", 0) + counts.get("update", 0),
    )


@programme_required
def import_preview(request, pk: int):
    record = _record_for_user(request, pk)
    if record.status not in ImportRecord.PENDING_STATUSES:
        _log_personal_data_access(request, record, AccessAction.LIST)
    return render(request, "core/import_preview.html", _preview_context(record))


@readonly
@programme_required
def import_status(request, pk: int):
    """The progress block alone, polled by htmx every second; once the worker is done, the whole page
    is reloaded to show the preview or the outcome."""
    record = _record_for_user(request, pk)
    if record.status not in ImportRecord.PENDING_STATUSES:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "core/import_preview.html#progress", _preview_context(record))


@require_POST
@programme_required
def import_confirm(request, pk: int):
    record = _record_for_user(request, pk)
    try:
        record = import_record_confirm(record=record, user=request.user)
    except ImportStateError as error:
        messages.error(request, str(error))
    else:
        _log_personal_data_access(request, record, AccessAction.EDIT)
    return redirect("imports:preview", pk=record.pk)


@require_POST
@programme_required
def import_cancel(request, pk: int):
    record = _record_for_user(request, pk)
    try:
        import_record_cancel(record=record)
    except ImportStateError as error:
        messages.error(request, str(error))
        return redirect("imports:preview", pk=record.pk)
    messages.info(request, f"Import de « {record.filename} » annulé : rien n'a été écrit.")
    return redirect("imports:list")

"""Remembered mappings: saved from an import's preview (then the file is analysed again), listed, edited
and deleted on the « Correspondances » page, by those who may run imports (`core.imports.importable_kinds`):
the mission team and programme administrators, and a domain referent for its own kinds only."""

import contextlib
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.decorators import programme_required
from core.forms import BootstrapFormMixin
from core.import_mappings import (
    checked_target,
    field_choices,
    mappable_column,
    mapping_delete,
    mapping_forms,
    mapping_update,
    mappings_save,
    target_choices,
)
from core.import_records import ImportStateError, import_record_cancel, import_record_create
from core.import_views import _record_for_user, member_import_kinds
from core.imports import ImportFileError, import_specs
from core.models import ImportMapping, ImportStatus, MappingType

IGNORE = ""


def _check_access(request) -> None:
    if not member_import_kinds(request):
        raise PermissionDenied


@require_POST
@programme_required
def import_mappings_save(request, pk: int):
    """Save the mappings chosen in the preview, then analyse the same file again with them."""
    record = _record_for_user(request, pk)
    spec_class = import_specs().get(record.kind)
    if spec_class is None or record.status not in (ImportStatus.PREVIEW, ImportStatus.REJECTED):
        messages.error(request, "Cet import n'attend plus de correspondances.")
        return redirect("imports:preview", pk=record.pk)
    panels = mapping_forms(record, spec_class)
    fields = {name for name, _label in panels["field_choices"]}
    columns = [
        (item["header"], request.POST[item["name"]])
        for item in panels["unknown_columns"]
        if request.POST.get(item["name"], IGNORE) in fields
    ]
    try:
        values = [
            (
                group["field"],
                item["value"],
                checked_target(column, request.programme, request.POST[item["name"]]),
            )
            for group in panels["unknown_values"]
            if (column := spec_class.column(group["field"]))
            for item in group["items"]
            if request.POST.get(item["name"], IGNORE) != IGNORE
        ]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:preview", pk=record.pk)
    saved = mappings_save(
        programme=request.programme, kind=record.kind, columns=columns, values=values, user=request.user
    )
    if not saved:
        messages.info(request, "Aucune correspondance choisie : rien n'a été enregistré.")
        return redirect("imports:preview", pk=record.pk)
    return _analyse_again(request, record, saved)


def _analyse_again(request, record, saved: int):
    """The same kept file, as a new import analysed with the mappings; the old preview is cancelled."""
    with record.file.open("rb") as stored:
        data = stored.read()
    try:
        again = import_record_create(
            kind=record.kind,
            data=data,
            filename=record.filename,
            programme=request.programme,
            user=request.user,
        )
    except ImportFileError as error:
        messages.error(request, error.message)
        return redirect("imports:preview", pk=record.pk)
    if record.status == ImportStatus.PREVIEW:
        # Confirmed meanwhile: the new analysis stays a preview, to cancel by hand.
        with contextlib.suppress(ImportStateError):
            import_record_cancel(record=record)
    messages.success(
        request,
        f"{saved} correspondance(s) enregistrée(s) pour les prochains imports : "
        "le fichier est analysé de nouveau.",
    )
    return redirect("imports:preview", pk=again.pk)


# The « Correspondances » page ---------------------------------------------------------------------------


def _describe(mapping: ImportMapping, specs: dict, target_labels: dict | None = None) -> dict:
    """One row of the page; `target_labels` keeps each field's targets, read once for all its rows."""
    spec_class = specs.get(mapping.kind)
    columns = {column.field: column for column in spec_class.columns} if spec_class else {}
    column = columns.get(mapping.field)
    target = mapping.target
    if mapping.mapping_type == MappingType.VALUE and column is not None and column.lookup is not None:
        cache = {} if target_labels is None else target_labels
        key = (mapping.kind, mapping.field)
        if key not in cache:
            cache[key] = dict(column.lookup.targets(mapping.programme))
        labels = cache[key]
        if target in labels and labels[target] != target:
            target = f"{target} — {labels[target]}"
    return {
        "mapping": mapping,
        "kind_label": spec_class.label if spec_class else mapping.kind,
        "field_label": column.label if column is not None else mapping.field,
        "target": target,
    }


@programme_required
def mapping_list(request):
    _check_access(request)
    specs = import_specs()
    mappings = ImportMapping.objects.filter(
        programme=request.programme, kind__in=member_import_kinds(request)
    ).select_related("programme", "created_by")
    target_labels: dict = {}
    rows = [_describe(mapping, specs, target_labels) for mapping in mappings]
    return render(request, "core/import_mapping_list.html", {"rows": rows})


class MappingForm(BootstrapFormMixin, forms.Form):
    target = forms.ChoiceField(label="Correspond à")

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = choices


def _mapping_or_404(request, pk: int) -> ImportMapping:
    _check_access(request)
    return get_object_or_404(
        ImportMapping.objects.select_related("programme"),
        pk=pk,
        programme=request.programme,
        kind__in=member_import_kinds(request),
    )


@programme_required
def mapping_edit(request, pk: int):
    mapping = _mapping_or_404(request, pk)
    spec_class = import_specs().get(mapping.kind)
    try:
        if spec_class is None:
            raise ValidationError("type d'import disparu")
        if mapping.mapping_type == MappingType.COLUMN:
            choices, initial = field_choices(spec_class), mapping.field
        else:
            column = mappable_column(spec_class, mapping.field)
            choices, initial = target_choices(column, mapping.programme), mapping.target
    except ValidationError:
        messages.error(
            request,
            f"La correspondance « {mapping.source} » ne s'applique plus à aucun champ d'import "
            "(l'import ou son champ a changé) : supprimez-la.",
        )
        return redirect("imports:mapping_list")
    form = MappingForm(request.POST or None, choices=choices, initial={"target": initial})
    if request.method == "POST" and form.is_valid():
        try:
            mapping_update(mapping=mapping, spec_class=spec_class, target=form.cleaned_data["target"])
        except ValidationError as error:
            form.add_error("target", error)
        else:
            messages.success(request, "Correspondance modifiée.")
            return redirect("imports:mapping_list")
    context = {"form": form, "row": _describe(mapping, import_specs())}
    return render(request, "core/import_mapping_edit.html", context)


@require_POST
@programme_required
def mapping_remove(request, pk: int):
    mapping = _mapping_or_404(request, pk)
    mapping_delete(mapping=mapping)
    messages.success(request, f"Correspondance « {mapping.source} » supprimée.")
    return redirect("imports:mapping_list")

"""The operation's funding lines and milestones, added, changed and deleted from the operation page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.decorators import programme_required
from core.forms import save_or_errors
from projects import selectors, services
from projects.forms import FundingLineForm, MilestoneForm
from projects.models import FundingLine, Milestone, Operation


def editable_operation(request, pk) -> Operation:
    """The operation if the user sees it (404 otherwise) and may edit it (403 otherwise)."""
    operation = get_object_or_404(
        selectors.visible_operations(user=request.user, programme=request.programme), pk=pk
    )
    if not request.user.has_perm("projects.change_operation", operation):
        raise PermissionDenied
    return operation


def _form_page(request, *, operation, form, title, submit="Enregistrer"):
    detail_url = reverse("projects:operation_detail", args=[operation.pk])
    return render(
        request,
        "projects/part_form.html",
        {
            "operation": operation,
            "form": form,
            "title": title,
            "submit": submit,
            "cancel_url": detail_url,
            "breadcrumbs": [
                (reverse("projects:operation_list"), "Opérations"),
                (detail_url, operation.identifier),
            ],
        },
    )


def _back(operation, anchor: str):
    return redirect(reverse("projects:operation_detail", args=[operation.pk]) + f"#{anchor}")


def _confirm_delete(request, *, operation, what: str, done: str, delete, anchor: str):
    if request.method == "POST":
        delete()
        messages.success(request, done)
        return _back(operation, anchor)
    detail_url = reverse("projects:operation_detail", args=[operation.pk])
    return render(
        request,
        "projects/confirm_delete.html",
        {
            "what": what,
            "cancel_url": detail_url,
            "title": f"Supprimer {what}",
            "breadcrumbs": [
                (reverse("projects:operation_list"), "Opérations"),
                (detail_url, operation.identifier),
            ],
        },
    )


@programme_required
def funding_line_add(request, pk):
    operation = editable_operation(request, pk)
    form = FundingLineForm(request.POST or None, programme=request.programme)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_errors(
            form, lambda: services.funding_line_create(operation=operation, **form.cleaned_data)
        )
    ):
        messages.success(request, "La ligne de financement a été ajoutée.")
        return _back(operation, "titre-financement")
    return _form_page(request, operation=operation, form=form, title="Ajouter une ligne de financement")


def _funding_line(request, pk, line_pk) -> tuple[Operation, FundingLine]:
    operation = editable_operation(request, pk)
    return operation, get_object_or_404(
        FundingLine.objects.select_related("funder"), pk=line_pk, operation=operation
    )


@programme_required
def funding_line_edit(request, pk, line_pk):
    operation, line = _funding_line(request, pk, line_pk)
    form = FundingLineForm(request.POST or None, instance=line, programme=request.programme)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_errors(form, lambda: services.funding_line_update(line=line, **form.cleaned_data))
    ):
        messages.success(request, "La ligne de financement a été mise à jour.")
        return _back(operation, "titre-financement")
    return _form_page(
        request, operation=operation, form=form, title=f"Modifier la ligne de financement {line}"
    )


@programme_required
def funding_line_delete(request, pk, line_pk):
    operation, line = _funding_line(request, pk, line_pk)
    return _confirm_delete(
        request,
        operation=operation,
        what=f"la ligne de financement {line}",
        done="La ligne de financement a été supprimée.",
        delete=lambda: services.funding_line_delete(line=line),
        anchor="titre-financement",
    )


@programme_required
def milestone_add(request, pk):
    operation = editable_operation(request, pk)
    form = MilestoneForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_errors(
            form, lambda: services.milestone_create(operation=operation, **form.service_fields())
        )
    ):
        messages.success(request, "Le jalon a été ajouté.")
        return _back(operation, "titre-jalons")
    return _form_page(request, operation=operation, form=form, title="Ajouter un jalon")


def _milestone(request, pk, milestone_pk) -> tuple[Operation, Milestone]:
    operation = editable_operation(request, pk)
    return operation, get_object_or_404(Milestone, pk=milestone_pk, operation=operation)


@programme_required
def milestone_edit(request, pk, milestone_pk):
    operation, milestone = _milestone(request, pk, milestone_pk)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_errors(
            form, lambda: services.milestone_update(milestone=milestone, **form.service_fields())
        )
    ):
        messages.success(request, "Le jalon a été mis à jour.")
        return _back(operation, "titre-jalons")
    return _form_page(request, operation=operation, form=form, title=f"Modifier le jalon « {milestone} »")


@programme_required
def milestone_delete(request, pk, milestone_pk):
    operation, milestone = _milestone(request, pk, milestone_pk)
    return _confirm_delete(
        request,
        operation=operation,
        what=f"le jalon « {milestone} »",
        done="Le jalon a été supprimé.",
        delete=lambda: services.milestone_delete(milestone=milestone),
        anchor="titre-jalons",
    )

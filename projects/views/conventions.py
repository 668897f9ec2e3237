"""The programme's conventions and their avenants: list, create, edit (mission team and admin)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.decorators import programme_required
from core.forms import save_or_errors
from core.readonly import readonly
from projects import selectors, services
from projects.forms import AmendmentForm, ConventionForm
from projects.models import Amendment

LIST_URL = "projects:convention_list"


def _require_edit(request) -> None:
    if not request.user.has_perm("projects.change_programme", request.programme):
        raise PermissionDenied


def _conventions(request):
    return selectors.programme_conventions(user=request.user, programme=request.programme)


def _form_page(request, *, form, title, extra_crumbs=()):
    return render(
        request,
        "projects/part_form.html",
        {
            "form": form,
            "title": title,
            "submit": "Enregistrer",
            "cancel_url": reverse(LIST_URL),
            "breadcrumbs": [(reverse(LIST_URL), "Conventions et avenants"), *extra_crumbs],
        },
    )


@readonly
@programme_required
def convention_list(request):
    context = {
        "conventions": _conventions(request),
        "can_edit": request.user.has_perm("projects.change_programme", request.programme),
    }
    return render(request, "projects/convention_list.html", context)


@programme_required
def convention_create(request):
    _require_edit(request)
    form = ConventionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_errors(
            form, lambda: services.convention_create(programme=request.programme, **form.cleaned_data)
        )
    ):
        messages.success(request, "La convention a été enregistrée.")
        return redirect(LIST_URL)
    return _form_page(request, form=form, title="Nouvelle convention")


@programme_required
def convention_edit(request, pk):
    convention = get_object_or_404(_conventions(request), pk=pk)
    _require_edit(request)
    form = ConventionForm(request.POST or None, instance=convention)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_errors(
            form, lambda: services.convention_update(convention=convention, **form.cleaned_data)
        )
    ):
        messages.success(request, f"La convention « {convention} » a été mise à jour.")
        return redirect(LIST_URL)
    return _form_page(request, form=form, title=f"Modifier la convention « {convention} »")


@programme_required
def amendment_create(request, pk):
    convention = get_object_or_404(_conventions(request), pk=pk)
    _require_edit(request)
    form = AmendmentForm(request.POST or None, convention=convention)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_errors(
            form, lambda: services.amendment_create(convention=convention, **form.cleaned_data)
        )
    ):
        messages.success(request, f"L'avenant a été ajouté à « {convention} ».")
        return redirect(LIST_URL)
    return _form_page(request, form=form, title=f"Nouvel avenant à « {convention} »")


@programme_required
def amendment_edit(request, pk, amendment_pk):
    convention = get_object_or_404(_conventions(request), pk=pk)
    _require_edit(request)
    amendment = get_object_or_404(Amendment, pk=amendment_pk, convention=convention)
    form = AmendmentForm(request.POST or None, instance=amendment, convention=convention)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_errors(form, lambda: services.amendment_update(amendment=amendment, **form.cleaned_data))
    ):
        messages.success(request, f"L'avenant n° {amendment.number} a été mis à jour.")
        return redirect(LIST_URL)
    return _form_page(
        request, form=form, title=f"Modifier l'avenant n° {amendment.number} à « {convention} »"
    )

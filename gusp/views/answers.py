"""The programme's canned answers (« Votre signalement a été transmis… »): data, written by the team,
picked when answering a report or at triage. The programme's people read the list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.decorators import internal_required
from core.forms import apply_service_errors
from core.readonly import readonly
from gusp import services
from gusp.forms import AnswerTemplateForm
from gusp.models import AnswerTemplate
from gusp.views.common import require_perm


def _templates(request):
    return AnswerTemplate.objects.visible_to(request.user).filter(programme=request.programme)


@readonly
@internal_required
def answer_template_list(request):
    context = {
        "templates": _templates(request),
        "can_edit": request.user.has_perm("gusp.change_answertemplate", request.programme),
    }
    return render(request, "gusp/answer_template_list.html", context)


def _form_page(request, form, title: str):
    list_url = reverse("gusp:answer_template_list")
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel_url": list_url,
            "breadcrumb": [(list_url, "Modèles de réponse")],
        },
    )


@internal_required
def answer_template_create(request):
    require_perm(request, "gusp.add_answertemplate", request.programme)
    form = AnswerTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.answer_template_create(programme=request.programme, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Modèle « {template.title} » ajouté.")
            return redirect("gusp:answer_template_list")
    return _form_page(request, form, "Nouveau modèle de réponse")


@internal_required
def answer_template_edit(request, pk: int):
    template = get_object_or_404(_templates(request), pk=pk)
    require_perm(request, "gusp.change_answertemplate", template)
    form = AnswerTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_template_update(template=template, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Modèle « {template.title} » mis à jour.")
            return redirect("gusp:answer_template_list")
    return _form_page(request, form, f"Modifier le modèle « {template.title} »")


@internal_required
def answer_template_delete(request, pk: int):
    """GET: the confirmation page (the template's title and text); POST: the removal."""
    template = get_object_or_404(_templates(request), pk=pk)
    require_perm(request, "gusp.delete_answertemplate", template)
    list_url = reverse("gusp:answer_template_list")
    if request.method == "POST":
        services.answer_template_delete(template=template)
        messages.success(request, f"Modèle « {template.title} » supprimé.")
        return redirect(list_url)
    return render(
        request,
        "gusp/answer_template_confirm_delete.html",
        {
            "template": template,
            "title": "Supprimer le modèle de réponse",
            "breadcrumb": [(list_url, "Modèles de réponse")],
            "cancel_url": list_url,
        },
    )

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django_tables2 import RequestConfig

from core.decorators import programme_required
from core.forms import apply_service_errors
from core.readonly import readonly
from governance import selectors, services
from governance.forms import BodyForm, PrepareMeetingForm
from governance.tables import BodyTable
from governance.views.common import require_perm

PAGE_SIZE = 50


def _bodies(request):
    return selectors.visible_bodies(user=request.user, programme=request.programme)


@readonly
@programme_required
def body_list(request):
    table = BodyTable(selectors.bodies_with_list_data(_bodies(request)))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    context = {
        "table": table,
        "can_add": request.user.has_perm("governance.add_body", request.programme),
    }
    return render(request, "governance/body_list.html", context)


@readonly
@programme_required
def body_detail(request, pk: int):
    body = get_object_or_404(
        _bodies(request).select_related("chair").prefetch_related("sectors", "members"), pk=pk
    )
    upcoming, past = selectors.body_meetings(body)
    can_edit = request.user.has_perm("governance.change_body", body)
    context = {"body": body, "upcoming": upcoming, "past": past, "can_edit": can_edit}
    return render(request, "governance/body_detail.html", context)


@programme_required
def body_create(request):
    require_perm(request, "governance.add_body", request.programme)
    form = BodyForm(request.POST or None, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_upsert(programme=request.programme, **_body_fields(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"L'instance « {body.name} » a été créée.")
            return redirect("governance:body_detail", pk=body.pk)
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": "Nouvelle instance",
            "cancel_url": reverse("governance:body_list"),
            "breadcrumb": [(reverse("governance:body_list"), "Instances")],
        },
    )


@programme_required
def body_edit(request, pk: int):
    body = get_object_or_404(_bodies(request), pk=pk)
    require_perm(request, "governance.change_body", body)
    form = BodyForm(request.POST or None, instance=body, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.body_update(body=body, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"L'instance « {body.name} » a été mise à jour.")
            return redirect("governance:body_detail", pk=body.pk)
    detail_url = reverse("governance:body_detail", args=[body.pk])
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": f"Modifier l'instance « {body.name} »",
            "cancel_url": detail_url,
            "breadcrumb": [(reverse("governance:body_list"), "Instances"), (detail_url, body.name)],
        },
    )


def _body_fields(form) -> dict:
    fields = dict(form.cleaned_data)
    fields.pop("is_active", None)  # a new body is active
    return fields


@programme_required
def body_prepare(request, pk: int):
    """Propose the next séance (date and draft agenda); the user ticks the items and creates it."""
    body = get_object_or_404(_bodies(request), pk=pk)
    require_perm(request, "governance.add_meeting", body)
    proposal = selectors.meeting_proposal(body=body, user=request.user, now=timezone.now())
    form = PrepareMeetingForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_prepare(
                body=body,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                place=form.cleaned_data["place"],
                items=form.agenda(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            count = meeting.agenda_items.count()
            messages.success(
                request, f"Séance créée avec {count} point{'s' if count > 1 else ''} à l'ordre du jour."
            )
            return redirect("governance:meeting_detail", pk=meeting.pk)
    options = {option.data["value"]: option for option in form["items"]}
    groups = [
        (key, label, [(candidate, options[candidate.key]) for candidate in group])
        for key, label, group in proposal.groups
    ]
    context = {"body": body, "proposal": proposal, "form": form, "groups": groups}
    return render(request, "governance/body_prepare.html", context)

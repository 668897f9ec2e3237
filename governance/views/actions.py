from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.audience import audience_for_request
from core.decorators import programme_required
from core.exports import DATE, Column, xlsx_response
from core.forms import apply_service_errors
from core.http import safe_next
from core.readonly import readonly
from core.scoping import editor_scope
from core.tables import scope_note
from governance import selectors, services
from governance.filters import OPEN, ActionFilter
from governance.forms import ActionForm, ActionStatusForm
from governance.models import OPEN_ACTION_STATUSES, Action
from governance.tables import ActionTable, action_status_form_fields, action_status_html
from governance.views.common import form_errors_message, require_perm

PAGE_SIZE = 50

ACTION_COLUMNS = {
    "Action": Column(lambda a: a.title, width=50),
    "Précisions": Column(lambda a: a.description, width=40),
    "Porteur": Column(lambda a: a.owner_organisation.name, width=30),
    "Personne en charge": Column(lambda a: a.owner_name, width=24),
    "Échéance": Column(lambda a: a.due_on, DATE, width=12),
    "Statut": Column(lambda a: a.get_status_display(), width=14),
    "En retard": Column(lambda a: bool(a.is_overdue), width=10),
    "Réalisée le": Column(lambda a: a.done_on, DATE, width=12),
    "Quartier": Column(lambda a: a.sector.name if a.sector_id else "Échelle du programme", width=22),
    "Opération": Column(lambda a: a.operation.identifier if a.operation_id else "", width=14),
    "Instance": Column(lambda a: a.meeting.body.name if a.meeting_id else "", width=24),
    "Séance du": Column(lambda a: timezone.localdate(a.meeting.starts_at) if a.meeting_id else None, DATE),
}


def _actions(request):
    return selectors.visible_actions(user=request.user, programme=request.programme)


def _filtered(request):
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("status", OPEN)  # the board opens on the actions still to do
    actions = selectors.actions_for_board(_actions(request), today=today)
    return ActionFilter(data, queryset=actions, request=request)


@readonly
@programme_required
def action_board(request):
    filterset = _filtered(request)
    table = ActionTable(filterset.qs, editor_scope=editor_scope(request.user, request.programme))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    in_programme = Action.objects.filter(programme=request.programme)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "out_of_scope": scope_note(
            request, table, filterset, in_programme, singular="action", plural="actions"
        ),
        "counts": selectors.action_counts(_actions(request), today=timezone.localdate()),
        "can_add": request.user.has_perm("governance.add_action", request.programme),
    }
    template = "governance/includes/action_table.html" if request.htmx else "governance/action_board.html"
    return render(request, template, context)


@readonly
@programme_required
def action_export(request):
    return xlsx_response(
        filename=f"actions-{request.programme.slug}",
        sheet_title="Actions",
        columns=ACTION_COLUMNS,
        rows=_filtered(request).qs.iterator(chunk_size=500),
    )


@readonly
@programme_required
def action_detail(request, pk: int):
    actions = selectors.actions_for_board(_actions(request), today=timezone.localdate())
    action = get_object_or_404(actions.select_related("decision", "owner_user"), pk=pk)
    feedback = (
        selectors.visible_feedbacks(user=request.user, programme=request.programme)
        .filter(action=action)
        .first()
        if audience_for_request(request).is_internal
        else None
    )
    context = {
        "action": action,
        "reminders": action.reminders.order_by("-sent_at", "pk"),
        "feedback": feedback,
        "can_edit": request.user.has_perm("governance.change_action", action),
        "status_html": action_status_html(
            action,
            editor_scope(request.user, request.programme),
            form_fields=action_status_form_fields(request),
        ),
    }
    return render(request, "governance/action_detail.html", context)


def _form(request, instance=None, initial=None):
    return ActionForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        programme=request.programme,
        meetings=selectors.visible_meetings(user=request.user, programme=request.programme),
        decisions=selectors.visible_decisions(user=request.user, programme=request.programme),
    )


def _initial_from_meeting(request) -> dict:
    """Presets when the action is created from a séance or one of its decisions."""
    initial = {}
    meetings = selectors.visible_meetings(user=request.user, programme=request.programme)
    decision_pk, meeting_pk = request.GET.get("decision", ""), request.GET.get("seance", "")
    if decision_pk.isdigit():
        decisions = selectors.visible_decisions(user=request.user, programme=request.programme)
        decision = decisions.filter(pk=decision_pk).first()
        if decision:
            presets = {"decision": decision, "sector": decision.sector_id, "operation": decision.operation_id}
            initial.update({key: value for key, value in presets.items() if value is not None})
            meeting_pk = str(decision.meeting_id)
    if meeting_pk.isdigit():
        meeting = meetings.filter(pk=meeting_pk).first()
        if meeting:
            initial["meeting"] = meeting
            sectors = list(meeting.body.sectors.values_list("pk", flat=True))
            if len(sectors) == 1:
                initial.setdefault("sector", sectors[0])
    return initial


@programme_required
def action_create(request):
    require_perm(request, "governance.add_action", request.programme)
    form = _form(request, initial=_initial_from_meeting(request) if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            action = services.action_create(
                programme=request.programme,
                title=fields.pop("title"),
                owner_organisation=fields.pop("owner_organisation"),
                due_on=fields.pop("due_on"),
                **fields,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Action « {action.title} » créée.")
            if action.meeting_id:
                return redirect(
                    reverse("governance:meeting_detail", args=[action.meeting_id]) + "#titre-actions"
                )
            return redirect("governance:action_detail", pk=action.pk)
    meeting = form.initial.get("meeting") if not form.is_bound else None
    cancel_url = (
        reverse("governance:meeting_detail", args=[meeting.pk])
        if meeting
        else reverse("governance:action_board")
    )
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": "Nouvelle action",
            "submit_label": "Créer l'action",
            "cancel_url": cancel_url,
            "breadcrumb": [(reverse("governance:action_board"), "Actions")],
        },
    )


@programme_required
def action_edit(request, pk: int):
    action = get_object_or_404(_actions(request), pk=pk)
    require_perm(request, "governance.change_action", action)
    form = _form(request, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Action « {action.title} » mise à jour.")
            return redirect("governance:action_detail", pk=action.pk)
    detail_url = reverse("governance:action_detail", args=[action.pk])
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": f"Modifier l'action « {action.title} »",
            "cancel_url": detail_url,
            "breadcrumb": [(reverse("governance:action_board"), "Actions"), (detail_url, action.title)],
        },
    )


@require_POST
@programme_required
def action_status(request, pk: int):
    """Quick status change from the board (htmx swaps the cell) or from the action's page."""
    action = get_object_or_404(_actions(request).with_board_data(), pk=pk)
    require_perm(request, "governance.change_action", action)
    form = ActionStatusForm(request.POST)
    error = ""
    if not form.is_valid():
        error = form_errors_message(form)
    else:
        try:
            services.action_update(action=action, status=form.cleaned_data["status"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
            action.refresh_from_db()
    if request.htmx:
        action.is_overdue = action.status in OPEN_ACTION_STATUSES and action.due_on < timezone.localdate()
        return HttpResponse(
            action_status_html(
                action,
                editor_scope(request.user, request.programme),
                form_fields=action_status_form_fields(request),
                error=error,
                updated=not error,
            )
        )
    if error:
        messages.error(request, f"Statut non modifié. {error}")
    else:
        messages.success(request, f"Action « {action.title} » : statut « {action.get_status_display()} ».")
    return redirect(safe_next(request, reverse("governance:action_detail", args=[action.pk])))

"""The GUSP action plan (« Plan d'actions »): the list with its filters, the TFPB euros per landlord under
those filters, the xlsx export, and the team's creation and edit forms.

Who sees which actions (`programme_actions`, `GuspAction.objects.readable_by`): the programme's people
within their perimeter; a partner reads the actions of its perimeter that are not valued against a TFPB
abatement, and every action its own organisation carries — a landlord sees its own TFPB actions, never
another landlord's; the GUSP dashboard applies the same rule. Partners never write here (`gusp.rules`)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django_tables2 import RequestConfig

from core.audience import audience_for_request
from core.decorators import programme_required
from core.exports import xlsx_response
from core.formatting import format_percent
from core.forms import save_or_errors
from core.readonly import readonly
from gusp import rules, selectors, services
from gusp.exports import ACTION_COLUMNS
from gusp.filters import NO, ActionFilter
from gusp.forms import GuspActionForm
from gusp.models import GuspAction, WalkAudit
from gusp.tables import ActionTable
from gusp.views.common import programme_abatements, programme_actions, require_perm
from projects.models import Sector

PAGE_SIZE = 50


def _filtered(request) -> ActionFilter:
    return ActionFilter(request.GET, queryset=programme_actions(request).with_list_data(), request=request)


def _abatements(request, filterset: ActionFilter):
    """The abatements read next to the filtered actions: those the user reads, of the filtered quartier,
    landlord and year; none when the list keeps the actions outside TFPB only."""
    abatements = programme_abatements(request)
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    if data.get("tfpb") == NO:
        return abatements.none()
    if data.get("sector"):
        abatements = abatements.filter(sector=data["sector"])
    if data.get("owner"):
        abatements = abatements.filter(landlord=data["owner"])
    if data.get("year"):
        abatements = abatements.filter(year=int(data["year"]))
    return abatements


def landlord_totals(rows: list[selectors.TfpbRow]) -> list[dict]:
    """The TFPB euros per landlord and year of the filtered actions (`selectors.tfpb_by_landlord`), with the
    abatement recorded and the « taux de valorisation »."""
    return [
        {
            "landlord": row.landlord,
            "year": str(row.year),
            "actions": row.actions,
            "done": row.done,
            "amount": row.amount,
            "done_amount": row.done_amount,
            "abatement": row.abatement,
            "rate": format_percent(row.amount, row.abatement),
        }
        for row in rows
    ]


@readonly
@programme_required
def action_list(request):
    filterset = _filtered(request)
    today = timezone.localdate()
    table = ActionTable(
        filterset.qs,
        today=today,
        editor_scope=rules.editor_scope(request.user, request.programme),
        order_by=request.GET.get("sort") or None,
    )
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    rows = selectors.tfpb_by_landlord(filterset.qs.order_by(), abatements=_abatements(request, filterset))
    summed = selectors.TfpbTotal.of(rows)
    can_add = request.user.has_perm("gusp.add_guspaction", request.programme)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "late_count": filterset.qs.open().filter(due_on__lt=today).count(),
        "tfpb_totals": landlord_totals(rows),
        "tfpb_total": summed.amount,
        "tfpb_done_total": summed.done_amount,
        "tfpb_abatement_total": summed.abatement,
        "tfpb_rate_total": format_percent(summed.valued_against_abatement, summed.abatement),
        "is_internal": audience_for_request(request).is_internal,
        "can_add": can_add,
        # The same rule (gusp.rules.edits_gusp on the programme) records the abatement amounts.
        "can_record_abatements": can_add,
    }
    template = "gusp/action_list_content.html" if request.htmx else "gusp/action_list.html"
    return render(request, template, context)


@readonly
@programme_required
def action_export(request):
    filterset = _filtered(request)
    rows = filterset.qs.select_related("sector", "owner", "convention").order_by("due_on", "pk")
    return xlsx_response(
        filename=f"plan-actions-gusp-{request.programme.slug}",
        sheet_title="Plan d'actions GUSP",
        columns=ACTION_COLUMNS,
        rows=rows.iterator(chunk_size=1000),
    )


def _sectors(request):
    return Sector.objects.visible_to(request.user).filter(programme=request.programme)


def _form_page(request, form, title: str, action: GuspAction | None = None):
    list_url = reverse("gusp:action_list")
    return render(
        request,
        "gusp/action_form.html",
        {
            "form": form,
            "title": title,
            "action": action,
            "cancel_url": list_url,
            "breadcrumb": [(list_url, "Plan d'actions")],
        },
    )


def _follow_up_initial(request, sectors) -> dict:
    """`?diagnostic=<id>` (« Ajouter une action de suivi » on a walk's page): the walk and its quartier
    filled in, when the walk is one of the user's quartiers; anything else is ignored."""
    walk_id = request.GET.get("diagnostic", "")
    if not (walk_id.isascii() and walk_id.isdigit() and len(walk_id) < 19):
        return {}
    walk = (
        WalkAudit.objects.filter(programme=request.programme, sector__in=sectors, pk=int(walk_id))
        .only("pk", "sector_id")
        .first()
    )
    return {"walk_audit": walk.pk, "sector": walk.sector_id} if walk else {}


@programme_required
def action_create(request):
    require_perm(request, "gusp.add_guspaction", request.programme)
    sectors = _sectors(request)
    form = GuspActionForm(
        request.POST or None,
        programme=request.programme,
        sectors=sectors,
        editor_scope=rules.editor_scope(request.user, request.programme),
        initial=_follow_up_initial(request, sectors),
    )
    if request.method == "POST" and form.is_valid():
        created = []
        if save_or_errors(
            form,
            lambda: created.append(
                services.gusp_action_create(programme=request.programme, **form.service_fields())
            ),
        ):
            messages.success(request, f"Action « {created[0].title} » ajoutée au plan d'actions.")
            return redirect("gusp:action_list")
    return _form_page(request, form, "Nouvelle action")


@programme_required
def action_edit(request, pk: int):
    action = get_object_or_404(programme_actions(request).select_related("sector", "owner"), pk=pk)
    require_perm(request, "gusp.change_guspaction", action)
    title = f"Modifier l'action « {action.title} »"  # as stored, whatever a refused change assigned
    form = GuspActionForm(
        request.POST or None,
        instance=action,
        programme=request.programme,
        sectors=_sectors(request),
        editor_scope=rules.editor_scope(request.user, request.programme),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if save_or_errors(form, lambda: services.gusp_action_update(action=action, **fields)):
            messages.success(request, f"Action « {action.title} » mise à jour.")
            return redirect("gusp:action_list")
    return _form_page(request, form, title, action)

"""Walk-audit pages (diagnostics en marchant): the list, one walk's page with its observations and their
map, the team's creation and edit forms, and the phone-first form that records observations during the
walk (each one a report linked to the walk, gusp.services.walk_audit_observation_add).

Reads: `WalkAudit.objects.visible_to(user)` (the programme's people and partners, within their quartiers);
the observations one by one through `Report.objects.visible_to(user)` (a partner sees only those routed to
its organisation). Counts of participants are counts of people: masked for partners by the audience.
Writes: the GUSP editors of the walk's quartier (gusp.rules: `add_walkaudit`, `change_walkaudit`,
`add_report`). The observation form answers a plain form POST (back to the empty form with a message) and
a `fetch` from static/js/gusp-walk.js (`Accept: application/json`: 201 or 400 with the errors named)."""

import json

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_tables2 import RequestConfig

from core.audience import audience_for_request
from core.decorators import programme_required
from core.filters import StyledFilterSet, YearFilter
from core.forms import apply_service_errors
from core.http import private_cached_response
from core.readonly import readonly
from core.tables import RowUrl, Table
from gusp import rules, services
from gusp.forms import WalkAuditForm, WalkObservationForm
from gusp.models import Report, ReportStatus, WalkAudit
from gusp.tables import TABLE_ATTRS, ReportTable, action_late, excerpt
from gusp.views.common import programme_actions, require_perm
from projects.models import Sector

PAGE_SIZE = 50
WALK_URL = RowUrl("gusp:walk_audit_detail")
STATUSES = list(ReportStatus.values)


def programme_walks(request):
    return WalkAudit.objects.visible_to(request.user).filter(programme=request.programme)


def visible_walk(request, pk: int, queryset=None) -> WalkAudit:
    return get_object_or_404(queryset if queryset is not None else programme_walks(request), pk=pk)


def _sectors(request):
    if request is None:
        return Sector.objects.none()
    return (
        Sector.objects.visible_to(request.user).filter(programme=request.programme).order_by("order", "name")
    )


class WalkAuditFilter(StyledFilterSet):
    sector = django_filters.ModelChoiceFilter(label="Quartier", queryset=_sectors, empty_label="Tous")
    year = YearFilter(label="Année", field_name="held_on", lookup_expr="year")

    class Meta:
        model = WalkAudit
        fields = ["sector", "year"]


class WalkAuditTable(Table):
    held_on = tables.Column(verbose_name="Date", attrs={"td": {"class": "text-nowrap"}})
    sector = tables.Column(verbose_name="Quartier", order_by=("sector__name", "held_on", "pk"))
    observations = tables.Column(verbose_name="Observations", attrs={"td": {"class": "text-end"}})
    resolved = tables.Column(verbose_name="Dont résolues", attrs={"td": {"class": "text-end"}})
    participants = tables.Column(verbose_name="Participants", empty_values=(), orderable=False)
    route = tables.Column(verbose_name="Parcours", orderable=False)

    class Meta:
        model = WalkAudit
        fields = ["held_on", "sector", "observations", "resolved", "participants", "route"]
        empty_text = "Aucun diagnostic en marchant ne correspond à ces critères."
        attrs = {**TABLE_ATTRS, "id": "walk-audits-table"}

    def __init__(self, *args, audience, **kwargs):
        super().__init__(*args, **kwargs)
        self.audience = audience

    def render_held_on(self, record):
        return format_html('<a href="{}">{}</a>', WALK_URL(record.pk), record.held_on.strftime("%d/%m/%Y"))

    def render_sector(self, record):
        return record.sector.name

    def render_route(self, record):
        return excerpt(record.route, 90) if record.route else "—"

    def render_participants(self, record):
        return self.audience.count(record.participants)

    def order_held_on(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "held_on", "pk"), True

    def order_observations(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "observations", "-held_on", "pk"), True

    def order_resolved(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "resolved", "-held_on", "pk"), True


def _with_counts(walks):
    """Each walk with its number of observations and of those resolved (one query with the list)."""
    return walks.select_related("sector").annotate(
        observations=Count("reports"),
        resolved=Count("reports", filter=Q(reports__status=ReportStatus.RESOLVED)),
    )


@readonly
@programme_required
def walk_audit_list(request):
    filterset = WalkAuditFilter(request.GET, queryset=_with_counts(programme_walks(request)), request=request)
    audience = audience_for_request(request)
    table = WalkAuditTable(filterset.qs, audience=audience, order_by=request.GET.get("sort") or None)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "audience": audience,
        "can_add": rules.editor_scope(request.user, request.programme).any,
    }
    template = "gusp/includes/walk_audit_table.html" if request.htmx else "gusp/walk_audit_list.html"
    return render(request, template, context)


def _observations(request, walk: WalkAudit):
    return Report.objects.visible_to(request.user).filter(walk_audit=walk)


@readonly
@programme_required
def walk_audit_detail(request, pk: int):
    walk = visible_walk(request, pk, programme_walks(request).select_related("sector", "created_by"))
    audience = audience_for_request(request)
    observations = _observations(request, walk)
    table = ReportTable(
        observations.with_list_data().order_by("reported_at", "pk"),
        today=timezone.localdate(),
        order_by=request.GET.get("sort") or None,
        exclude=("sector",),
        # On a phone, what matters first: which report, where it stands.
        sequence=("reference", "status", "theme", "description", "handler", "due_on", "reported_at"),
    )
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    totals = walk.reports.aggregate(
        observations=Count("pk"),
        resolved=Count("pk", filter=Q(status=ReportStatus.RESOLVED)),
        open=Count(
            "pk", filter=Q(status__in=(ReportStatus.NEW, ReportStatus.SENT, ReportStatus.IN_PROGRESS))
        ),
    )
    participants = [
        ("Habitants", walk.residents),
        ("Membres du conseil citoyen", walk.citizen_council),
        ("Élus", walk.elected_officials),
        ("Professionnels", walk.professionals),
    ]
    # Follow-up actions: those of the action plan the user reads (a partner as on the action plan).
    follow_ups = list(
        programme_actions(request).filter(walk_audit=walk).select_related("owner").order_by("due_on", "pk")
    )
    today = timezone.localdate()
    scope = rules.editor_scope(request.user, request.programme)
    context = {
        "walk": walk,
        "audience": audience,
        "table": table,
        "follow_ups": [(action, action_late(action, today), scope.allows(action)) for action in follow_ups],
        "action_plan_url": f"{reverse('gusp:action_list')}?sector={walk.sector_id}",
        "can_add_action": request.user.has_perm("gusp.add_guspaction", request.programme)
        and scope.allows(walk),
        "totals": totals,
        "shown": table.paginator.count,
        "participants": [(label, audience.count(value)) for label, value in participants],
        "participants_total": audience.count(walk.participants),
        "partners": list(walk.partners.order_by("name", "pk")),
        "has_points": observations.filter(latitude__isnull=False).exists(),
        "can_edit": request.user.has_perm("gusp.change_walkaudit", walk),
        "can_observe": request.user.has_perm("gusp.add_report", walk),
    }
    return render(request, "gusp/walk_audit_detail.html", context)


@readonly
@programme_required
def walk_audit_points(request, pk: int):
    """The walk's observations that have a point and that the user sees, in the shape static/js/gusp-map.js
    draws: [id, latitude, longitude, status index, theme id, late (0/1)]."""
    walk = visible_walk(request, pk)
    today = timezone.localdate()
    rows = (
        _observations(request, walk)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .select_related("theme")
        .order_by("reported_at", "pk")
        .values_list("pk", "latitude", "longitude", "status", "theme_id", "theme__name", "due_on")[:1000]
    )
    status_index = {value: index for index, value in enumerate(STATUSES)}
    themes: dict[str, str] = {}
    points = []
    for report_pk, lat, lon, status, theme_id, theme_name, due_on in rows:
        themes[str(theme_id)] = theme_name
        late = status in (ReportStatus.NEW, ReportStatus.SENT, ReportStatus.IN_PROGRESS) and due_on < today
        points.append(
            [report_pk, round(float(lat), 5), round(float(lon), 5), status_index[status], theme_id, int(late)]
        )
    payload = {
        "statuses": [str(label) for label in ReportStatus.labels],
        "themes": themes,
        "url": reverse("gusp:report_detail", args=[0]),
        "limit": 1000,
        "points": points,
    }
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return private_cached_response(request, body, content_type="application/json", max_age=60)


def _writable_sectors(request):
    scope = rules.editor_scope(request.user, request.programme)
    sectors = Sector.objects.filter(programme=request.programme).order_by("order", "name")
    if not scope.any:
        raise PermissionDenied
    return sectors if scope.whole_programme else sectors.filter(pk__in=scope.sector_ids)


@programme_required
def walk_audit_create(request):
    sectors = _writable_sectors(request)
    form = WalkAuditForm(
        request.POST or None,
        programme=request.programme,
        sectors=sectors,
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        probe = WalkAudit(programme=request.programme, sector=fields["sector"])
        if not request.user.has_perm("gusp.add_walkaudit", probe):
            raise PermissionDenied
        try:
            walk = services.walk_audit_create(programme=request.programme, by=request.user, **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, "Diagnostic en marchant enregistré : ses observations se saisissent depuis sa page."
            )
            return redirect("gusp:walk_audit_detail", pk=walk.pk)
    return render(
        request,
        "gusp/walk_audit_form.html",
        {"form": form, "walk": None, "title": "Nouveau diagnostic en marchant"},
    )


@programme_required
def walk_audit_edit(request, pk: int):
    walk = visible_walk(request, pk, programme_walks(request).select_related("sector"))
    require_perm(request, "gusp.change_walkaudit", walk)
    form = WalkAuditForm(
        request.POST or None, instance=walk, programme=request.programme, sectors=_writable_sectors(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.walk_audit_update(walk_audit=walk, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Diagnostic en marchant mis à jour.")
            return redirect("gusp:walk_audit_detail", pk=walk.pk)
    return render(
        request,
        "gusp/walk_audit_form.html",
        {"form": form, "walk": walk, "title": f"Modifier le diagnostic du {walk.held_on:%d/%m/%Y}"},
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@programme_required
def walk_audit_observation(request, pk: int):
    """The phone's form: a new observation of the walk (a report of its quartier, « Diagnostic en marchant »),
    then the empty form again for the next one."""
    walk = visible_walk(request, pk, programme_walks(request).select_related("sector", "programme"))
    require_perm(request, "gusp.add_report", walk)
    form = WalkObservationForm(request.POST or None, request.FILES or None, programme=request.programme)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("photo")
            try:
                report = services.walk_audit_observation_add(
                    walk_audit=walk,
                    by=request.user,
                    photos=[upload.read()] if upload else (),
                    **form.service_fields(),
                )
            except ValidationError as error:
                apply_service_errors(form, error, {"image": "photo"})
            else:
                text = f"Observation enregistrée (signalement {report.reference})."
                if _wants_json(request):
                    detail = reverse("gusp:report_detail", args=[report.pk])
                    return JsonResponse(
                        {"reference": report.reference, "url": detail, "message": text}, status=201
                    )
                messages.success(request, text)
                return redirect("gusp:walk_audit_observation", pk=walk.pk)
        if _wants_json(request):
            return JsonResponse(form.error_payload(), status=400)
    context = {
        "walk": walk,
        "form": form,
        "recorded": walk.reports.count(),
        "draft_key": f"gusp-walk:{request.user.pk}:{walk.pk}",
    }
    return render(request, "gusp/walk_audit_observation.html", context)

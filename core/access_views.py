"""The personal-data access log, for superusers and programme administrators (the DPO's view)."""

import csv
from io import StringIO

import django_filters
import django_tables2 as tables
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from accounts.models import Membership, Role
from core.access import domain_label, model_label
from core.decorators import programme_required
from core.exports import INTEGER, TEXT, Column, cell_value, escape_formula, xlsx_response
from core.models import AccessAction, AccessEvent
from core.personal_data import domain_choices
from core.readonly import readonly
from core.tables import DateTimeColumn, Table

PAGE_SIZE = 50


def _events(request):
    """Superusers see every event; a programme administrator the events of the programme's members."""
    events = AccessEvent.objects.select_related("user")
    if request.user.is_superuser:
        return events
    members = Membership.objects.filter(programme=request.programme).values("user_id")
    return events.filter(user_id__in=members)


def _users(request):
    if request is None:
        return get_user_model().objects.none()
    users = get_user_model().objects.order_by("email")
    if request.user.is_superuser:
        return users
    return users.filter(memberships__programme=request.programme).distinct()


class AccessEventFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(label="Utilisateur", queryset=_users, empty_label="Tous")
    action = django_filters.ChoiceFilter(label="Action", choices=AccessAction.choices, empty_label="Toutes")
    domain = django_filters.ChoiceFilter(label="Domaine", choices=domain_choices, empty_label="Tous")
    object_ref = django_filters.CharFilter(label="Référence", lookup_expr="icontains")
    since = django_filters.DateFilter(
        label="Depuis le",
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label="Jusqu'au",
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AccessEvent
        fields = ["user", "action", "domain", "object_ref", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # By address, as the table names them (and as the choices are sorted).
        self.form.fields["user"].label_from_instance = lambda user: user.email
        for filter_field in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if hasattr(filter_field, "choices")
                else "form-control form-control-sm"
            )
            filter_field.widget.attrs["class"] = css


class AccessEventTable(Table):
    at = DateTimeColumn(verbose_name="Le", seconds=True)
    user = tables.Column(verbose_name="Utilisateur", accessor="user__email", default="—")
    action = tables.Column(verbose_name="Action")
    domain = tables.Column(verbose_name="Domaine")
    model = tables.Column(verbose_name="Type d'objet")
    object_ref = tables.Column(verbose_name="Référence", default="—")
    count = tables.Column(verbose_name="Enregistrements", attrs={"td": {"class": "text-end"}})
    path = tables.Column(verbose_name="Page", attrs={"td": {"class": "text-break small"}})
    reason = tables.Column(verbose_name="Motif", default="—")

    class Meta:
        model = AccessEvent
        fields = ["at", "user", "action", "domain", "model", "object_ref", "count", "path", "reason"]
        order_by = ("-at",)
        empty_text = "Aucun accès enregistré pour ces critères."
        attrs = {"class": "table table-sm table-hover align-middle", "id": "access-log-table"}

    def render_domain(self, value):
        return domain_label(value)

    def render_model(self, value):
        return model_label(value)


ACCESS_EVENT_COLUMNS = {
    "Date": Column(lambda e: timezone.localtime(e.at).replace(tzinfo=None), "DD/MM/YYYY HH:MM:SS", 20),
    "Utilisateur": Column(lambda e: e.user.email if e.user else "", None, 28),
    "Action": Column(lambda e: e.get_action_display(), None, 14),
    "Domaine": Column(lambda e: domain_label(e.domain), None, 12),
    "Type d'objet": Column(lambda e: model_label(e.model), None, 14),
    "Référence": Column(lambda e: e.object_ref, TEXT, 16),
    "Enregistrements": Column(lambda e: e.count, INTEGER, 10),
    "Page": Column(lambda e: e.path, None, 40),
    "Motif": Column(lambda e: e.reason, None, 30),
}


def _check_admin(request) -> None:
    membership = request.membership
    if request.user.is_superuser:
        return
    if not (membership and membership.role == Role.ADMIN):
        raise PermissionDenied


@readonly
@programme_required
def access_log_list(request):
    _check_admin(request)
    filterset = AccessEventFilter(request.GET, queryset=_events(request), request=request)
    table = AccessEventTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "retention_months": settings.ACCESS_LOG_RETENTION_MONTHS,
    }
    return render(request, "core/access_log.html", context)


@readonly
@programme_required
def access_log_export(request):
    _check_admin(request)
    events = AccessEventFilter(request.GET, queryset=_events(request), request=request).qs.order_by(
        "-at", "-pk"
    )
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "csv":
        buffer = StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(ACCESS_EVENT_COLUMNS)
        for event in events.iterator(chunk_size=500):
            row = []
            for column in ACCESS_EVENT_COLUMNS.values():
                value = column.value(event)
                if hasattr(value, "strftime"):
                    value = value.strftime("%d/%m/%Y %H:%M:%S")
                row.append(escape_formula(value) if isinstance(value, str) else cell_value(value))
            writer.writerow(row)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="journal-acces-{stamp}.csv"'
        return response
    return xlsx_response(
        filename="journal-acces",
        sheet_title="Journal des accès",
        columns=ACCESS_EVENT_COLUMNS,
        rows=events.iterator(chunk_size=500),
    )

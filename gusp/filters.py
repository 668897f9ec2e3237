"""The filters of the report pages: one FilterSet for the list, the map (its points) and the export, and
the triage queue's own. Choices come from the programme's data (themes, handlers, sectors the user sees)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Organisation
from core.filters import StyledFilterSet
from core.search import Fold, fold
from gusp.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Report,
    ReportSource,
    ReportStatus,
    Theme,
)
from projects.models import Sector

OPEN = "ouverts"
CLOSED = "clos"
STATUS_CHOICES = [
    (OPEN, "Ouverts (nouveau, transmis, en cours)"),
    (CLOSED, "Clos (tous motifs)"),
    *ReportStatus.choices,
]
SEARCHED_FIELDS = ("reference", "description", "address")
MAX_SEARCH_WORDS = 5


def handler_organisations(programme):
    """The organisations that handle the programme's reports: a theme's default handler, or the handler of
    at least one report (what the triage and the filters offer; the detail page routes to any)."""
    if programme is None:
        return Organisation.objects.none()
    themes = Theme.objects.filter(programme=programme, default_handler=OuterRef("pk"))
    reports = Report.objects.filter(programme=programme, handler=OuterRef("pk"))
    return Organisation.objects.filter(Q(Exists(themes)) | Q(Exists(reports))).order_by("name", "pk")


def _themes(request):
    if request is None:
        return Theme.objects.none()
    return Theme.objects.filter(programme=request.programme).order_by("order", "name", "pk")


def _handlers(request):
    return handler_organisations(getattr(request, "programme", None))


def _sectors(request):
    if request is None:
        return Sector.objects.none()
    return Sector.objects.visible_to(request.user).filter(programme=request.programme)


def search(queryset, words: str):
    """Reports whose number, description or address hold every word (accents and case ignored)."""
    terms = fold(words.replace("\x00", "")).split()[:MAX_SEARCH_WORDS]
    if not terms:
        return queryset
    queryset = queryset.alias(**{f"_fold_{name}": Fold(name) for name in SEARCHED_FIELDS})
    for term in terms:
        condition = Q()
        for name in SEARCHED_FIELDS:
            condition |= Q(**{f"_fold_{name}__contains": term})
        queryset = queryset.filter(condition)
    return queryset


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class ReportFilter(StyledFilterSet):
    """The list, the map's points and the export read the same filters."""

    q = django_filters.CharFilter(
        label="Recherche", method="filter_search", help_text="Numéro, description ou adresse."
    )
    theme = django_filters.ModelChoiceFilter(label="Thème", queryset=_themes, empty_label="Tous")
    handler = django_filters.ModelChoiceFilter(
        label="Organisation en charge", queryset=_handlers, empty_label="Toutes"
    )
    status = django_filters.ChoiceFilter(
        label="Statut", choices=STATUS_CHOICES, empty_label="Tous", method="filter_status"
    )
    sector = django_filters.ModelChoiceFilter(label="Quartier", queryset=_sectors, empty_label="Tous")
    source = django_filters.ChoiceFilter(label="Origine", choices=ReportSource.choices, empty_label="Toutes")
    reported_from = django_filters.DateFilter(
        label="Signalé depuis le", field_name="reported_at", lookup_expr="date__gte", widget=DateInput()
    )
    reported_to = django_filters.DateFilter(
        label="Signalé jusqu'au", field_name="reported_at", lookup_expr="date__lte", widget=DateInput()
    )
    late = django_filters.BooleanFilter(
        label="En retard seulement", method="filter_late", widget=forms.CheckboxInput
    )

    class Meta:
        model = Report
        fields = [
            "q",
            "theme",
            "handler",
            "status",
            "sector",
            "source",
            "reported_from",
            "reported_to",
            "late",
        ]

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == CLOSED:
            return queryset.filter(status__in=CLOSED_STATUSES)
        return queryset.filter(status=value)

    def filter_late(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.late(timezone.localdate())


class TriageFilter(StyledFilterSet):
    """The triage queue: new reports only (the view's queryset), narrowed by place, theme or origin."""

    sector = django_filters.ModelChoiceFilter(label="Quartier", queryset=_sectors, empty_label="Tous")
    theme = django_filters.ModelChoiceFilter(label="Thème", queryset=_themes, empty_label="Tous")
    source = django_filters.ChoiceFilter(label="Origine", choices=ReportSource.choices, empty_label="Toutes")
    late = django_filters.BooleanFilter(
        label="En retard seulement", method="filter_late", widget=forms.CheckboxInput
    )

    class Meta:
        model = Report
        fields = ["sector", "theme", "source", "late"]

    def filter_late(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(due_on__lt=timezone.localdate())

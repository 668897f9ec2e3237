"""The filters of the report pages: one FilterSet for the list, the map (its points) and the export, and
the triage queue's own. Choices come from the programme's data (themes, handlers, sectors the user sees)."""

import django_filters
from django import forms
from django.db.models import Exists, F, Func, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Organisation
from core.filters import StyledFilterSet
from core.search import ACCENTED, PLAIN, Fold, fold
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
# The trigram index of gusp/migrations/0004 is built on this very expression (when pg_trgm is there).
SEARCH_INDEX = "gusp_report_search_trgm"
_SQL_FOLD = str.maketrans(ACCENTED, PLAIN)  # what TRANSLATE does after fold(): œ → o, æ → a


class Joined(Func):
    """SQL: the texts joined by a space with `||` (immutable, unlike CONCAT: it can be indexed)."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()


def searched_text() -> Fold:
    """The number, description and address of a report, lower case and without accents, in one text: a
    word without space matches it where it matches one of the three."""
    return Fold(Joined(*(Cast(F(name), TextField()) for name in SEARCHED_FIELDS)))


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
    """Reports whose number, description or address hold every word (accents and case ignored). One
    LIKE per word on one folded text, which a trigram index answers without reading every report."""
    terms = fold(words.replace("\x00", "")).translate(_SQL_FOLD).split()[:MAX_SEARCH_WORDS]
    if not terms:
        return queryset
    queryset = queryset.alias(_searched=searched_text())
    for term in terms:
        queryset = queryset.filter(_searched__contains=term)
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


# --- Action plan ------------------------------------------------------------------------------------------

from core.filters import YearFilter  # noqa: E402
from gusp.models import ActionStatus, GuspAction, Volet  # noqa: E402

YES, NO = "oui", "non"


def _action_owners(request):
    """The organisations carrying at least one action of the programme."""
    if request is None or getattr(request, "programme", None) is None:
        return Organisation.objects.none()
    owners = GuspAction.objects.filter(programme=request.programme, owner=OuterRef("pk"))
    return Organisation.objects.filter(Exists(owners)).order_by("name", "pk")


class ActionFilter(StyledFilterSet):
    """The action plan's list and its export read the same filters."""

    sector = django_filters.ModelChoiceFilter(label="Quartier", queryset=_sectors, empty_label="Tous")
    volet = django_filters.ChoiceFilter(label="Volet", choices=Volet.choices, empty_label="Tous")
    status = django_filters.ChoiceFilter(label="Statut", choices=ActionStatus.choices, empty_label="Tous")
    owner = django_filters.ModelChoiceFilter(label="Porteur", queryset=_action_owners, empty_label="Tous")
    tfpb = django_filters.ChoiceFilter(
        label="Abattement TFPB",
        choices=[(YES, "Actions TFPB"), (NO, "Hors TFPB")],
        empty_label="Toutes",
        method="filter_tfpb",
    )
    year = YearFilter(
        label="Année",
        method="filter_year",
        help_text="L'année de l'abattement pour une action TFPB, de l'échéance sinon.",
    )
    late = django_filters.BooleanFilter(
        label="En retard seulement", method="filter_late", widget=forms.CheckboxInput
    )

    class Meta:
        model = GuspAction
        fields = ["sector", "volet", "status", "owner", "tfpb", "year", "late"]

    def filter_tfpb(self, queryset, name, value):
        if value == YES:
            return queryset.exclude(tfpb_axis="")
        return queryset.filter(tfpb_axis="")

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(Q(tfpb_year=year) | Q(tfpb_year__isnull=True, due_on__year=year))

    def filter_late(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.open().filter(due_on__lt=timezone.localdate())

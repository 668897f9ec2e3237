import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from core.filters import StyledFilterSet, YearFilter
from governance.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    Body,
    Feedback,
    FeedbackStatus,
    Meeting,
    MeetingStatus,
    PublicEvent,
    PublicEventKind,
    Theme,
)
from projects.models import Sector

OPEN = "ouvertes"


def _sectors(request):
    if request is None:
        return Sector.objects.none()
    return Sector.objects.visible_to(request.user).filter(programme=request.programme)


def _bodies(request):
    if request is None:
        return Body.objects.none()
    return Body.objects.visible_to(request.user).filter(programme=request.programme).order_by("kind", "name")


def _owners(request):
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(actions__programme=request.programme).distinct().order_by("name")


class MeetingFilter(StyledFilterSet):
    body = django_filters.ModelChoiceFilter(label="Instance", queryset=_bodies, empty_label="Toutes")
    sector = django_filters.ModelChoiceFilter(
        label="Quartier",
        queryset=_sectors,
        empty_label="Tous",
        method="filter_sector",
        help_text="Instances de ce quartier et de tout le programme.",
    )
    status = django_filters.ChoiceFilter(label="Statut", choices=MeetingStatus.choices, empty_label="Tous")

    class Meta:
        model = Meeting
        fields = ["body", "sector", "status"]

    def filter_sector(self, queryset, name, value):
        """Séances of the bodies that cover this quartier (programme-wide bodies included)."""
        covering = Body.objects.filter(Q(sectors=value) | Q(sectors__isnull=True)).values("pk")
        return queryset.filter(body__in=covering)


class MeetingListFilter(MeetingFilter):
    period = django_filters.ChoiceFilter(
        label="Période",
        choices=[("a_venir", "À venir"), ("passees", "Passées")],
        empty_label="Toutes",
        method="filter_period",
    )

    class Meta(MeetingFilter.Meta):
        fields = ["body", "sector", "status", "period"]

    def filter_period(self, queryset, name, value):
        now = timezone.now()
        return (
            queryset.filter(starts_at__gte=now) if value == "a_venir" else queryset.filter(starts_at__lt=now)
        )


class ActionFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        label="Statut",
        choices=[(OPEN, "Ouvertes"), *ActionStatus.choices],
        help_text="« Ouvertes » : à faire ou en cours.",
        empty_label="Tous",
        method="filter_status",
    )
    owner_organisation = django_filters.ModelChoiceFilter(
        label="Porteur", queryset=_owners, empty_label="Tous"
    )
    sector = django_filters.ModelChoiceFilter(label="Quartier", queryset=_sectors, empty_label="Tous")
    body = django_filters.ModelChoiceFilter(
        label="Instance", queryset=_bodies, empty_label="Toutes", field_name="meeting__body"
    )
    overdue = django_filters.BooleanFilter(
        label="En retard seulement",
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Action
        fields = ["status", "owner_organisation", "sector", "body", "overdue"]

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_ACTION_STATUSES)
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=timezone.localdate())


class PublicEventFilter(StyledFilterSet):
    year = YearFilter(label="Année", field_name="held_on", lookup_expr="year")
    sector = django_filters.ModelChoiceFilter(label="Quartier", queryset=_sectors, empty_label="Tous")
    kind = django_filters.ChoiceFilter(label="Type", choices=PublicEventKind.choices, empty_label="Tous")
    theme = django_filters.ChoiceFilter(label="Thème", choices=Theme.choices, empty_label="Tous")

    class Meta:
        model = PublicEvent
        fields = ["year", "sector", "kind", "theme"]


class FeedbackFilter(StyledFilterSet):
    year = YearFilter(label="Année", field_name="received_on", lookup_expr="year")
    sector = django_filters.ModelChoiceFilter(label="Quartier", queryset=_sectors, empty_label="Tous")
    theme = django_filters.ChoiceFilter(label="Thème", choices=Theme.choices, empty_label="Tous")
    status = django_filters.ChoiceFilter(label="Statut", choices=FeedbackStatus.choices, empty_label="Tous")

    class Meta:
        model = Feedback
        fields = ["year", "sector", "theme", "status"]

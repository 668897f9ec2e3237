"""Filters of the markets and participants lists (shared with their xlsx exports)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from core.search import Fold, fold
from core.widgets import use_autocomplete
from insertion.models import AgeBand, Market, MarketKind, Participant, Public, Sex, WorkContract
from projects.models import Operation

YES_NO = [("oui", "Oui"), ("non", "Non")]


def _style(filterset) -> None:
    for filter_field in filterset.form.fields.values():
        if isinstance(filter_field.widget, forms.CheckboxInput):
            filter_field.widget.attrs["class"] = "form-check-input"
            continue
        css = (
            "form-select form-select-sm"
            if hasattr(filter_field, "choices")
            else "form-control form-control-sm"
        )
        filter_field.widget.attrs["class"] = css


def _moas(request):
    if request is None:
        return Organisation.objects.none()
    markets = Market.objects.visible_to(request.user).filter(programme=request.programme)
    return Organisation.objects.filter(pk__in=markets.values("moa_id")).order_by("name", "pk")


def _operations(request):
    if request is None:
        return Operation.objects.none()
    markets = Market.objects.visible_to(request.user).filter(programme=request.programme)
    return Operation.objects.filter(pk__in=markets.values("operation_id")).order_by("identifier", "pk")


class MarketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Recherche", method="search", help_text="Numéro ou objet du marché.")
    moa = django_filters.ModelChoiceFilter(label="Maître d'ouvrage", queryset=_moas, empty_label="Tous")
    operation = django_filters.ModelChoiceFilter(
        label="Opération", queryset=_operations, empty_label="Toutes"
    )
    kind = django_filters.ChoiceFilter(label="Nature", choices=MarketKind.choices, empty_label="Toutes")
    anru = django_filters.ChoiceFilter(
        label="Financé par l'ANRU", choices=YES_NO, empty_label="Tous", method="filter_anru"
    )
    to_link = django_filters.BooleanFilter(
        label="À rattacher à une opération",
        method="filter_to_link",
        widget=forms.CheckboxInput,
        help_text="Les marchés que personne n'a encore rattachés à une opération du programme.",
    )

    class Meta:
        model = Market
        fields = ["q", "moa", "operation", "kind", "anru", "to_link"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        # Hundreds of operations in a metropolitan programme: searched as one types, not all rendered.
        use_autocomplete(self.form.fields["operation"], reverse("insertion:operation_choices"))

    def filter_anru(self, queryset, name, value):
        return queryset.filter(anru_funded=(value == "oui"))

    def filter_to_link(self, queryset, name, value):
        return queryset.filter(operation__isnull=True) if value else queryset

    def search(self, queryset, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return queryset
        return queryset.alias(title_folded=Fold("title")).filter(
            Q(number__icontains=value) | Q(title_folded__contains=fold(value))
        )


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Référence", method="search", help_text="Référence pseudonyme ou identifiant du facilitateur."
    )
    public = django_filters.ChoiceFilter(
        label="Public", choices=Public.choices, empty_label="Tous", method="filter_public"
    )
    qpv = django_filters.ChoiceFilter(
        label="Habite un QPV", choices=YES_NO, empty_label="Tous", method="filter_qpv"
    )
    sex = django_filters.ChoiceFilter(label="Sexe", choices=Sex.choices, empty_label="Tous")
    age_band = django_filters.ChoiceFilter(
        label="Tranche d'âge", choices=AgeBand.choices, empty_label="Toutes"
    )
    active = django_filters.ChoiceFilter(
        label="En contrat",
        choices=YES_NO,
        empty_label="Tous",
        method="filter_active",
        help_text="« Oui » : un contrat en cours aujourd'hui.",
    )

    class Meta:
        model = Participant
        fields = ["q", "public", "qpv", "sex", "age_band", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def filter_public(self, queryset, name, value):
        return queryset.filter(publics__contains=[value])

    def filter_qpv(self, queryset, name, value):
        return queryset.filter(qpv_resident=(value == "oui"))

    def filter_active(self, queryset, name, value):
        today = timezone.localdate()
        running = WorkContract.objects.filter(participant=OuterRef("pk"), starts_on__lte=today).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )
        return queryset.filter(Exists(running)) if value == "oui" else queryset.exclude(Exists(running))

    def search(self, queryset, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(facilitator_reference__icontains=value))

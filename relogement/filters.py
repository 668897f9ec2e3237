import django_filters
from django.db.models import Q

from accounts.models import Organisation
from projects.models import Operation, Sector
from relogement.models import Household, HouseholdStatus


def _operations(request):
    if request is None:
        return Operation.objects.none()
    return (
        Operation.objects.visible_to(request.user)
        .filter(programme=request.programme, households__isnull=False)
        .distinct()
        .order_by("identifier")
    )


def _sectors(request):
    if request is None:
        return Sector.objects.none()
    return Sector.objects.visible_to(request.user).filter(programme=request.programme)


def _landlords(request):
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(households__programme=request.programme).distinct().order_by("name")


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Référence", method="search", help_text="Référence pseudonyme ou référence du bailleur."
    )
    operation = django_filters.ModelChoiceFilter(
        label="Opération", field_name="origin_operation", queryset=_operations, empty_label="Toutes"
    )
    sector = django_filters.ModelChoiceFilter(
        label="Quartier", field_name="origin_operation__sector", queryset=_sectors, empty_label="Tous"
    )
    status = django_filters.ChoiceFilter(label="Statut", choices=HouseholdStatus.choices, empty_label="Tous")
    landlord = django_filters.ModelChoiceFilter(
        label="Bailleur", field_name="origin_landlord", queryset=_landlords, empty_label="Tous"
    )
    reinforced = django_filters.ChoiceFilter(
        label="Accompagnement renforcé",
        choices=[("oui", "Oui"), ("non", "Non")],
        empty_label="Tous",
        method="filter_reinforced",
    )

    class Meta:
        model = Household
        fields = ["q", "operation", "sector", "status", "landlord", "reinforced"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_field in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if hasattr(filter_field, "choices")
                else "form-control form-control-sm"
            )
            filter_field.widget.attrs["class"] = css

    def filter_reinforced(self, queryset, name, value):
        return queryset.filter(reinforced_support=(value == "oui"))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(reference__icontains=value) | Q(landlord_reference__icontains=value))

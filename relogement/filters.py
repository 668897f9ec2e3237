import django_filters
from django.db.models import Case, F, IntegerField, Q, Value, When

from accounts.models import Organisation
from projects.models import Operation, Sector
from relogement.models import CLOSED_STATUSES, Household, HouseholdStatus

# The list's situations: households still to work on come first and by default; closed ones on demand.
TO_PROCESS = "a_traiter"
CLOSED = "clos"
EVERY = "tous"
SITUATIONS = [(TO_PROCESS, "À traiter"), (CLOSED, "Clos ou partis"), (EVERY, "Tous")]


def _status_rank():
    """The lifecycle's order (à enquêter first … clos last): what is least advanced comes first."""
    whens = [When(status=value, then=Value(rank)) for rank, value in enumerate(HouseholdStatus.values)]
    return Case(*whens, default=Value(len(HouseholdStatus.values)), output_field=IntegerField())


def work_order(queryset):
    """Households to process first: least advanced status, then the longest without contact."""
    return queryset.order_by(_status_rank(), F("last_contact_on").asc(nulls_first=True), "reference", "pk")


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
    situation = django_filters.ChoiceFilter(
        label="Situation",
        choices=SITUATIONS,
        empty_label=None,
        method="filter_situation",
        help_text="Les ménages clos ou partis sans relogement ne sont montrés qu'à la demande.",
    )
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
        fields = ["situation", "q", "operation", "sector", "status", "landlord", "reinforced"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("situation") not in dict(SITUATIONS):
            data["situation"] = TO_PROCESS  # the default, also for an unknown value
        super().__init__(data, *args, **kwargs)
        for filter_field in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if hasattr(filter_field, "choices")
                else "form-control form-control-sm"
            )
            filter_field.widget.attrs["class"] = css

    def filter_situation(self, queryset, name, value):
        if self.form.cleaned_data.get("status"):
            return queryset  # a chosen status says it all
        if value == CLOSED:
            return queryset.filter(status__in=CLOSED_STATUSES)
        if value == EVERY:
            return queryset
        return queryset.exclude(status__in=CLOSED_STATUSES)

    def filter_reinforced(self, queryset, name, value):
        return queryset.filter(reinforced_support=(value == "oui"))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(reference__icontains=value) | Q(landlord_reference__icontains=value))

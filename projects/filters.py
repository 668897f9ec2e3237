import django_filters
from django.db.models import Q

from accounts.models import Organisation
from core.search import Fold, fold
from projects.models import Family, Operation, OperationStatus, Sector


def _sectors(request):
    if request is None:
        return Sector.objects.none()
    return Sector.objects.visible_to(request.user).filter(programme=request.programme)


def _moas(request):
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(operations__programme=request.programme).distinct().order_by("name")


class OperationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche", method="search", help_text="Identifiant, libellé ou localisation."
    )
    sector = django_filters.ModelChoiceFilter(
        label="Quartier", queryset=_sectors, empty_label="Tous", help_text="Quartier de l'opération."
    )
    family = django_filters.ChoiceFilter(
        label="Famille", choices=Family.choices, empty_label="Toutes", help_text="Famille RGA."
    )
    moa = django_filters.ModelChoiceFilter(
        label="Maître d'ouvrage", queryset=_moas, empty_label="Tous", help_text="Maître d'ouvrage."
    )
    status = django_filters.ChoiceFilter(
        label="Statut", choices=OperationStatus.choices, empty_label="Tous", help_text="Statut."
    )
    at_risk = django_filters.ChoiceFilter(
        label="Livraison à risque",
        choices=[("oui", "À risque"), ("non", "Sans risque signalé")],
        empty_label="Toutes",
        method="filter_at_risk",
        help_text="« oui » : seulement les opérations dont la livraison est à risque.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_field in self.form.fields.values():
            css = "form-select" if hasattr(filter_field, "choices") else "form-control"
            filter_field.widget.attrs["class"] = f"{css} form-select-sm" if css == "form-select" else css
            filter_field.widget.attrs.setdefault("aria-describedby", "")

    class Meta:
        model = Operation
        fields = ["q", "sector", "family", "moa", "status", "at_risk"]

    def filter_at_risk(self, queryset, name, value):
        return queryset.filter(at_risk=(value == "oui"))

    def search(self, queryset, name, value):
        folded = fold(value)
        return queryset.annotate(label_folded=Fold("label"), location_folded=Fold("location")).filter(
            Q(identifier__icontains=value)
            | Q(label_folded__contains=folded)
            | Q(location_folded__contains=folded)
        )

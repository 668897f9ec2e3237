"""Insertion forms: a market's link to an operation and its target, and the dashboard's situation date.

No form here asks anything about a person: participants and contracts come from the facilitator's export
(the import), and are read on the pages, never typed in."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone

from core.filters import YEAR_MIN
from core.forms import BootstrapFormMixin
from core.widgets import use_autocomplete
from insertion.models import Market, charte_rate
from projects import selectors as project_selectors

HUNDRED = Decimal(100)


def _decimal_input(field: forms.DecimalField) -> None:
    """French decimals ("4,5") typed in a text box with a numeric keyboard on phones."""
    field.localize = True
    field.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"})
    field.widget.is_localized = True


class MarketForm(BootstrapFormMixin, forms.ModelForm):
    """What the programme's editors correct on a market the facilitator's export brought: its operation,
    its labour hours and its target (rate, or hours entered)."""

    target_percent = forms.DecimalField(
        label="Taux d'insertion visé (%)",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=(
            "Vide : le taux de la charte pour cette nature (5 % travaux et ingénierie, 10 % gestion urbaine)."
        ),
    )

    class Meta:
        model = Market
        fields = ["operation", "labour_hours", "target_hours_override"]
        help_texts = {
            "operation": "L'opération du programme dont relève ce marché ; vide : « à rattacher ».",
        }

    def __init__(self, *args, user, operation_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        market = self.instance
        self.fields["operation"].queryset = project_selectors.visible_operations(
            user=user, programme=market.programme
        ).order_by("identifier", "pk")
        self.fields["operation"].empty_label = "À rattacher (aucune opération)"
        if operation_url:
            use_autocomplete(self.fields["operation"], operation_url)
        _decimal_input(self.fields["labour_hours"])
        _decimal_input(self.fields["target_hours_override"])
        _decimal_input(self.fields["target_percent"])
        if market.target_rate is not None and not self.is_bound:
            self.initial["target_percent"] = (market.target_rate * HUNDRED).normalize()
        self.order_fields(["operation", "labour_hours", "target_percent", "target_hours_override"])

    def _post_clean(self):
        # Validation of the instance is the service's job (full_clean there), not the form's.
        pass

    def service_fields(self) -> dict:
        """The fields for `insertion.services.market_update`: the rate as a fraction (5 % → 0.05), the
        charte's rate for the market's kind when left empty."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        percent = self.cleaned_data.get("target_percent")
        data["target_rate"] = charte_rate(self.instance.kind) if percent is None else percent / HUNDRED
        return data


class SituationForm(forms.Form):
    """`?au=2025-06-30`: the figures at a past date (the facilitators' traditional « au 30 juin »)."""

    au = forms.DateField(
        label="Situation au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
        help_text="Vide : aujourd'hui.",
    )

    def clean_au(self) -> datetime.date | None:
        day = self.cleaned_data.get("au")
        if day is None:
            return None
        if day.year < YEAR_MIN:
            raise forms.ValidationError("Choisissez une date plus récente.")
        if day > timezone.localdate():
            raise forms.ValidationError("La date de situation ne peut pas être dans le futur.")
        return day

    @property
    def as_of(self) -> datetime.date | None:
        """The date asked for, or None (today) when the field is empty or wrong."""
        return self.cleaned_data.get("au") if self.is_valid() else None

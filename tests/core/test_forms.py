"""core.forms.BootstrapFormMixin: Bootstrap classes, and a French empty choice in selects."""

from django import forms

from accounts.models import Organisation
from core.forms import BootstrapFormMixin
from projects.models import Operation


class OperationKindForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Operation
        fields = ["family"]


class HandlerForm(BootstrapFormMixin, forms.Form):
    handler = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    chosen = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label="Aucune")
    level = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)


def test_selects_offer_choisir_instead_of_dashes():
    form = HandlerForm()
    assert form.fields["handler"].empty_label == "— choisir —"
    assert form.fields["chosen"].empty_label == "Aucune"  # a label of the form's own is kept
    assert list(form.fields["level"].choices) == [("", "— choisir —"), ("a", "A")]
    assert "---------" not in form.as_p()
    assert 'class="form-select"' in form.as_p()


def test_a_model_field_with_choices_and_blank_says_choisir():
    html = OperationKindForm().as_p()
    assert "---------" not in html
    assert "— choisir —" in html

"""Household, offer and rehousing forms. They never ask for a name, a phone number or an address:
households are known by their pseudonymous reference and the landlord's own reference only."""

from django import forms
from django.db.models import Q

from accounts.models import Organisation, OrganisationKind
from core.forms import BootstrapFormMixin
from projects import selectors
from relogement.models import Household, Offer, Rehousing

NO_PERSONAL_DATA = "Ni nom, ni téléphone, ni adresse : ces informations ne doivent jamais être saisies ici."
LANDLORDS = "Les bailleurs sociaux du programme."


class _RelogementForm(BootstrapFormMixin, forms.ModelForm):
    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in ("origin_landlord", "landlord"):
                field.queryset = self._landlords(programme, getattr(self.instance, f"{name}_id", None))
                field.help_text = field.help_text or LANDLORDS
            if isinstance(field, forms.DecimalField):
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"})
                field.widget.is_localized = True
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(
                    attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
                )

    @staticmethod
    def _landlords(programme, current_id: int | None):
        """The programme's social landlords (not its funders or associations), and the one already chosen."""
        return (
            Organisation.objects.filter(programmes=programme)
            .filter(Q(kind=OrganisationKind.BAILLEUR) | Q(pk=current_id))
            .distinct()
            .order_by("name")
        )

    def _post_clean(self):
        # Validation of the instance is the service's job (full_clean there), not the form's.
        pass


class HouseholdForm(_RelogementForm):
    class Meta:
        model = Household
        fields = [
            "landlord_reference",
            "origin_operation",
            "origin_landlord",
            "status",
            "reinforced_support",
            "diagnostic_on",
            "last_contact_on",
            "origin_typology",
            "origin_surface",
            "origin_rent",
            "origin_charges",
            "origin_aid",
            "adults",
            "children",
            "holder_age_band",
            "income_band",
            "needs_mobility",
            "needs_decohabitation",
            "over_occupation",
            "under_occupation",
            "wished_communes",
            "wishes_outside_qpv",
            "comments",
        ]
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "landlord_reference": "Référence du bail ou du dossier chez le bailleur. " + NO_PERSONAL_DATA,
            "wished_communes": "Communes seulement, séparées par des virgules. " + NO_PERSONAL_DATA,
            "comments": "Observations utiles au relogement, sans donnée de santé. " + NO_PERSONAL_DATA,
            "status": "Les changements suivent le cycle de vie du relogement (voir docs/STATUTS.md).",
        }

    def __init__(self, *args, programme, user, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["origin_operation"].queryset = selectors.visible_operations(
            user=user, programme=programme
        )
        if not self.instance.pk:
            del self.fields["status"]


class OfferForm(_RelogementForm):
    class Meta:
        model = Offer
        fields = [
            "offered_on",
            "landlord",
            "commune",
            "in_qpv",
            "new_or_recent",
            "typology",
            "rent",
            "charges",
            "estimated_aid",
            "technical_committee_on",
            "cal_on",
            "answer",
            "refusal_reason",
        ]
        help_texts = {
            "offered_on": "Le jour où le logement est proposé au ménage, au plus tard le jour de la CAL.",
            "commune": "La commune seulement, pas l'adresse du logement proposé.",
            "technical_committee_on": (
                "Le comité technique qui a retenu ce logement, au plus tard le jour de la proposition."
            ),
            "cal_on": (
                "La commission d'attribution statue sur un logement déjà proposé au ménage : "
                "sa date ne peut pas précéder celle de la proposition."
            ),
            "refusal_reason": "Seulement si le ménage a refusé la proposition.",
        }


class RehousingForm(_RelogementForm):
    class Meta:
        model = Rehousing
        fields = [
            "rehoused_on",
            "kind",
            "landlord",
            "commune",
            "in_qpv",
            "new_or_recent",
            "same_site",
            "typology",
            "rent",
            "charges",
            "aid",
            "indemnity_eligible",
            "indemnity_amount",
            "survey_on",
            "satisfaction",
            "survey_comment",
        ]
        widgets = {"survey_comment": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "commune": "La commune seulement, pas l'adresse du logement.",
            "survey_comment": NO_PERSONAL_DATA,
        }


class OfferAnswerForm(_RelogementForm):
    class Meta:
        model = Offer
        fields = ["answer", "refusal_reason"]
        help_texts = {"refusal_reason": "Seulement si le ménage a refusé la proposition."}

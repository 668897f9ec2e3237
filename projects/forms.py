from django import forms
from django.conf import settings
from django.utils import timezone

from accounts.models import EDITOR_ROLES, Membership, Organisation
from core.forms import BootstrapFormMixin
from projects.models import (
    Amendment,
    Confidentiality,
    Convention,
    Document,
    FundingLine,
    Milestone,
    Operation,
    Sector,
)
from projects.semesters import parse_semester, semester_label
from projects.services import (
    AMENDMENT_EDITABLE_FIELDS,
    CONVENTION_EDITABLE_FIELDS,
    OPERATION_EDITABLE_FIELDS,
)

SEMESTER_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")


def _semester_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        help_text="Format « S1 2026 ».",
        widget=forms.TextInput(attrs={"placeholder": "S1 2026"}),
    )


class OperationForm(BootstrapFormMixin, forms.ModelForm):
    planned_start = _semester_field("Lancement prévu")
    planned_end = _semester_field("Fin prévue")
    actual_start = _semester_field("Lancement réel")
    actual_end = _semester_field("Fin réelle")

    class Meta:
        model = Operation
        fields = list(OPERATION_EDITABLE_FIELDS)
        localized_fields = ("cost_excl_tax", "eligible_base")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "at_risk_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, programme, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.user = user
        self.fields["sector"].queryset = Sector.objects.filter(programme=programme)
        self.fields["sector"].empty_label = "Échelle du programme"
        if user is not None and not user.is_superuser:
            self._offer_own_sectors_only(user)
        self.fields["moa"].queryset = Organisation.objects.filter(programmes=programme).order_by("name")
        self.fields["convention"].queryset = Convention.objects.filter(programme=programme)
        for name in SEMESTER_FIELDS:
            if self.instance and getattr(self.instance, name):
                self.initial[name] = semester_label(getattr(self.instance, name))
        for name in ("cost_excl_tax", "eligible_base"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def _offer_own_sectors_only(self, user) -> None:
        """An editor limited to some quartiers is offered only those (clean_sector enforces it)."""
        editing = Membership.objects.active().filter(
            user=user, programme=self.programme, role__in=EDITOR_ROLES
        )
        if editing.exists() and not editing.filter(sectors__isnull=True).exists():
            field = self.fields["sector"]
            field.queryset = field.queryset.filter(pk__in=editing.values("sectors"))
            field.empty_label = None

    def clean_sector(self):
        """An editor limited to some quartiers keeps the operation in them (it may not move it elsewhere)."""
        sector = self.cleaned_data.get("sector")
        moved = Operation(programme=self.programme, sector=sector)
        if self.user is not None and not self.user.has_perm("projects.change_operation", moved):
            raise forms.ValidationError(
                "Vous ne pouvez placer l'opération que dans l'un des quartiers de votre périmètre."
            )
        return sector

    def _clean_semester(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        return parse_semester(value) if value else ""

    def clean_planned_start(self):
        return self._clean_semester("planned_start")

    def clean_planned_end(self):
        return self._clean_semester("planned_end")

    def clean_actual_start(self):
        return self._clean_semester("actual_start")

    def clean_actual_end(self):
        return self._clean_semester("actual_end")

    def _post_clean(self):
        # Validation of the instance is the service's job (full_clean there), not the form's.
        pass


class OperationCreateForm(OperationForm):
    """The edit form plus the identifier, which is fixed once the operation exists."""

    class Meta(OperationForm.Meta):
        fields = ["identifier", *OPERATION_EDITABLE_FIELDS]
        help_texts = {"identifier": "Identifiant de l'opération dans la maquette (ex. « 123-45-01-001 »)."}

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].strip()
        if Operation.objects.filter(programme=self.programme, identifier=identifier).exists():
            raise forms.ValidationError("Une opération du programme porte déjà cet identifiant.")
        return identifier


class ServiceValidatedForm(BootstrapFormMixin, forms.ModelForm):
    """A model form whose instance is validated by the service (full_clean there), not by the form."""

    def _post_clean(self):
        pass


DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
AMOUNT_FIELDS = ("planned", "committed", "paid")


class FundingLineForm(ServiceValidatedForm):
    class Meta:
        model = FundingLine
        fields = ["funder", "kind", *AMOUNT_FIELDS]
        localized_fields = AMOUNT_FIELDS

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Organisation.objects.filter(programmes=programme).order_by("name")
        for name in AMOUNT_FIELDS:
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        cleaned = super().clean()
        paid, committed = cleaned.get("paid"), cleaned.get("committed")
        if paid is not None and committed is not None and paid > committed:
            self.add_error("paid", "Le montant versé ne peut dépasser le montant engagé.")
        return cleaned


class MilestoneForm(ServiceValidatedForm):
    done = forms.BooleanField(label="Jalon réalisé", required=False)

    class Meta:
        model = Milestone
        fields = ["label", "due_on", "done", "done_on"]
        labels = {"label": "Libellé", "due_on": "Échéance prévue", "done_on": "Réalisé le"}
        widgets = {"due_on": DATE_INPUT, "done_on": DATE_INPUT}
        help_texts = {"done_on": "À remplir quand le jalon est réalisé."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["done"] = self.instance.done

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("done") and not cleaned.get("done_on") and "done_on" not in self.errors:
            self.add_error("done_on", "Indiquez la date de réalisation du jalon.")
        if not cleaned.get("done") and cleaned.get("done_on"):
            self.add_error("done", "Cochez « Jalon réalisé » ou effacez la date de réalisation.")
        if cleaned.get("done_on") and cleaned["done_on"] > timezone.localdate():
            self.add_error(
                "done_on", "Un jalon ne peut être réalisé à une date future : indiquez la date réelle."
            )
        return cleaned

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in ("label", "due_on", "done_on")}
        return data


class ConventionForm(ServiceValidatedForm):
    class Meta:
        model = Convention
        fields = list(CONVENTION_EDITABLE_FIELDS)
        widgets = {"signed_on": DATE_INPUT, "ends_on": DATE_INPUT}


class AmendmentForm(ServiceValidatedForm):
    class Meta:
        model = Amendment
        fields = list(AMENDMENT_EDITABLE_FIELDS)
        widgets = {"signed_on": DATE_INPUT}

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.convention = convention
        if not self.instance.pk:
            last = convention.amendments.order_by("-number").values_list("number", flat=True).first()
            self.initial.setdefault("number", (last or 0) + 1)

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = self.convention.amendments.filter(number=number).exclude(pk=self.instance.pk)
        if number is not None and taken.exists():
            raise forms.ValidationError(
                "Cette convention a déjà un avenant n° %(number)s.", params={"number": number}
            )
        return number


DOCUMENT_EXTENSIONS = ["pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "csv", "txt", "png", "jpg", "jpeg"]


class DocumentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "file", "confidentiality"]
        help_texts = {
            "file": "PDF, bureautique (ODF, Office), CSV ou image ; "
            f"{settings.DOCUMENT_MAX_BYTES // (1024 * 1024)} Mo au plus."
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in DOCUMENT_EXTENSIONS:
            raise forms.ValidationError(
                "Type de fichier « .%(ext)s » refusé. Types acceptés : %(allowed)s.",
                params={"ext": extension, "allowed": ", ".join(DOCUMENT_EXTENSIONS)},
            )
        if upload.size > settings.DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(
                "Fichier trop volumineux (%(size)s Mo au plus).",
                params={"size": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)},
            )
        return upload

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confidentiality"].initial = Confidentiality.INTERNAL

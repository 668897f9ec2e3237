from django import forms
from django.conf import settings

from accounts.models import Organisation
from core.forms import BootstrapFormMixin
from projects.models import Confidentiality, Convention, Document, Operation, Sector
from projects.semesters import parse_semester, semester_label
from projects.services import OPERATION_EDITABLE_FIELDS

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

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(programme=programme)
        self.fields["sector"].empty_label = "Échelle du programme"
        self.fields["moa"].queryset = Organisation.objects.filter(programmes=programme).order_by("name")
        self.fields["convention"].queryset = Convention.objects.filter(programme=programme)
        for name in SEMESTER_FIELDS:
            if self.instance and getattr(self.instance, name):
                self.initial[name] = semester_label(getattr(self.instance, name))
        for name in ("cost_excl_tax", "eligible_base"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

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

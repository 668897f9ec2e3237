from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Organisation
from core.forms import BootstrapFormMixin
from core.widgets import use_autocomplete
from governance.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Feedback,
    FeedbackStatus,
    Meeting,
    PublicEvent,
)
from governance.services import ACTION_LIFECYCLE, FEEDBACK_LIFECYCLE, MEETING_LIFECYCLE
from projects.models import Operation, Programme, Sector

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
MINUTES_EXTENSIONS = ["pdf", "odt", "docx", "txt"]


def _datetime_field(label, *, required=True, help_text="") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _date_field(label, *, required=True, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, help_text=help_text, widget=DATE_INPUT
    )


def programme_organisations(programme: Programme):
    return Organisation.objects.filter(programmes=programme).order_by("name", "pk")


def programme_accounts(programme: Programme):
    return (
        get_user_model()
        .objects.filter(memberships__programme=programme, memberships__is_active=True, is_active=True)
        .order_by("last_name", "first_name", "email")
        .distinct()
    )


class ServiceValidatedForm(BootstrapFormMixin, forms.ModelForm):
    """Model forms whose instance is validated by the service (full_clean there), not by the form."""

    def _post_clean(self):
        pass


class BodyForm(ServiceValidatedForm):
    class Meta:
        model = Body
        fields = ["name", "kind", "sectors", "chair", "members", "periodicity_months", "is_active"]
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "members": forms.SelectMultiple(attrs={"size": 10}),
        }
        help_texts = {
            "members": "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
            "periodicity_months": "Par exemple 2 pour un COTEC tous les deux mois ; vide si à la demande.",
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["sectors"].queryset = Sector.objects.filter(programme=programme)
        self.fields["sectors"].widget.attrs["class"] = "form-check-input"
        self.fields["chair"].queryset = programme_organisations(programme)
        self.fields["members"].queryset = programme_organisations(programme)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Body.objects.filter(programme=self.programme, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                "Une instance de ce programme porte déjà le nom « %(name)s ».", params={"name": name}
            )
        return name


class MeetingCreateForm(BootstrapFormMixin, forms.Form):
    body = forms.ModelChoiceField(label="Instance", queryset=Body.objects.none())
    starts_at = _datetime_field("Début")
    ends_at = _datetime_field("Fin", required=False)
    place = forms.CharField(label="Lieu", max_length=300, required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "La fin doit suivre le début de la séance.")
        return cleaned


def _check_upload(upload, extensions: list[str], max_bytes: int):
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in extensions:
        raise forms.ValidationError(
            "Type de fichier « .%(ext)s » refusé. Types acceptés : %(allowed)s.",
            params={"ext": extension, "allowed": ", ".join(extensions)},
        )
    if upload.size > max_bytes:
        raise forms.ValidationError(
            "Fichier trop volumineux (%(size)s Mo au plus).", params={"size": max_bytes // (1024 * 1024)}
        )
    return upload


class MeetingForm(ServiceValidatedForm):
    starts_at = _datetime_field("Début")
    ends_at = _datetime_field("Fin", required=False)

    class Meta:
        model = Meeting
        fields = ["starts_at", "ends_at", "place", "status", "minutes", "minutes_file"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "minutes": (
                "Mise en forme simple acceptée (paragraphes, gras, listes, liens, tableaux en HTML) ; "
                "le reste est retiré à l'enregistrement."
            ),
            "minutes_file": "Ou le compte rendu en fichier (PDF, ODT, DOCX, TXT).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.status if self.instance.pk else None
        self.fields["status"].choices = MEETING_LIFECYCLE.choices(current)

    def clean_minutes_file(self):
        from django.conf import settings

        upload = self.cleaned_data.get("minutes_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the file already stored
            return _check_upload(upload, MINUTES_EXTENSIONS, settings.DOCUMENT_MAX_BYTES)
        return upload

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "La fin doit suivre le début de la séance.")
        return cleaned

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        upload = fields.pop("minutes_file")
        if upload is False:  # "effacer" ticked
            fields["minutes_file"] = ""
        elif upload and hasattr(upload, "content_type"):
            fields["minutes_file"] = upload
        return fields


class PrepareMeetingForm(BootstrapFormMixin, forms.Form):
    starts_at = _datetime_field("Date et heure proposées")
    ends_at = _datetime_field("Fin", required=False)
    place = forms.CharField(label="Lieu", max_length=300, required=False)
    items = forms.MultipleChoiceField(
        label="Points à inscrire à l'ordre du jour", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["items"].choices = [(c.key, c.title) for c in proposal.candidates]
        self.fields["items"].widget.attrs["class"] = "form-check-input"
        if not self.is_bound:
            self.initial.update(
                {
                    "starts_at": proposal.starts_at,
                    "place": (proposal.upcoming_meeting or proposal.last_meeting).place
                    if proposal.upcoming_meeting or proposal.last_meeting
                    else "",
                    "items": [c.key for c in proposal.candidates if c.checked],
                }
            )

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "La fin doit suivre le début de la séance.")
        return cleaned

    def agenda(self) -> list[dict]:
        chosen = set(self.cleaned_data["items"])
        return [c.as_item() for c in self.proposal.candidates if c.key in chosen]


class AgendaItemForm(ServiceValidatedForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description", "presenter", "operation"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"operation": "Opération concernée"}

    def __init__(self, *args, programme: Programme, operation_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = programme_organisations(programme)
        self.fields["operation"].queryset = Operation.objects.filter(programme=programme).order_by(
            "identifier"
        )
        if operation_url:
            use_autocomplete(self.fields["operation"], operation_url)


class AttendanceForm(ServiceValidatedForm):
    class Meta:
        model = Attendance
        fields = ["organisation", "attendee", "status"]
        help_texts = {"attendee": "Nom et fonction de la personne qui représente l'organisation."}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = programme_organisations(programme)


class DecisionForm(ServiceValidatedForm):
    class Meta:
        model = Decision
        fields = ["text", "sector", "operation"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"sector": "Quartier concerné", "operation": "Opération concernée"}

    def __init__(self, *args, programme: Programme, operation_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(programme=programme)
        self.fields["sector"].empty_label = "Échelle du programme"
        self.fields["operation"].queryset = Operation.objects.filter(programme=programme).order_by(
            "identifier"
        )
        if operation_url:
            use_autocomplete(self.fields["operation"], operation_url)


class ActionForm(ServiceValidatedForm):
    due_on = _date_field("Échéance")
    done_on = _date_field(
        "Réalisée le", required=False, help_text="Par défaut, le jour où elle passe à « Faite »."
    )

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "owner_organisation",
            "owner_name",
            "owner_user",
            "due_on",
            "status",
            "done_on",
            "sector",
            "operation",
            "meeting",
            "decision",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"sector": "Quartier", "operation": "Opération", "decision": "Décision"}

    def __init__(self, *args, programme: Programme, meetings, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = programme_organisations(programme)
        self.fields["owner_user"].queryset = programme_accounts(programme)
        self.fields["sector"].queryset = Sector.objects.filter(programme=programme)
        self.fields["sector"].empty_label = "Échelle du programme"
        self.fields["operation"].queryset = Operation.objects.filter(programme=programme).order_by(
            "identifier"
        )
        self.fields["meeting"].queryset = meetings.select_related("body").order_by("-starts_at", "pk")
        self.fields["decision"].queryset = decisions.order_by("-meeting__starts_at", "order", "pk")
        current = self.instance.status if self.instance.pk else None
        if current is None:
            del self.fields["status"]
            del self.fields["done_on"]
        else:
            self.fields["status"].choices = ACTION_LIFECYCLE.choices(current)

    def clean(self):
        cleaned = super().clean()
        meeting, decision = cleaned.get("meeting"), cleaned.get("decision")
        if decision and meeting and decision.meeting_id != meeting.pk:
            self.add_error("decision", "Cette décision n'a pas été prise lors de la séance choisie.")
        if decision and not meeting:
            cleaned["meeting"] = decision.meeting
        if cleaned.get("status") != ActionStatus.DONE or not cleaned.get("done_on"):
            cleaned.pop("done_on", None)  # the service clears it, or sets today when the action is done
        return cleaned


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label="Statut", choices=ActionStatus.choices)


class PublicEventForm(ServiceValidatedForm):
    held_on = _date_field("Date")

    class Meta:
        model = PublicEvent
        fields = [
            "title",
            "kind",
            "theme",
            "sector",
            "held_on",
            "residents",
            "conseil_citoyen",
            "partners",
            "summary",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}
        labels = {"sector": "Quartier"}
        help_texts = {"summary": "Mise en forme simple acceptée (paragraphes, gras, listes, liens)."}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(programme=programme)
        self.fields["sector"].empty_label = "Échelle du programme"


class FeedbackForm(ServiceValidatedForm):
    received_on = _date_field("Reçue le")

    class Meta:
        model = Feedback
        fields = ["text", "theme", "sector", "event", "received_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {"sector": "Quartier", "event": "Recueillie lors de"}
        help_texts = {
            "text": "Reformulez sans nom, adresse ni téléphone d'habitant.",
        }

    def __init__(self, *args, programme: Programme, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(programme=programme)
        self.fields["sector"].empty_label = "Échelle du programme"
        self.fields["event"].queryset = events.order_by("-held_on", "pk")
        self.fields["event"].empty_label = "Hors temps de concertation"
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("received_on", timezone.localdate())


class FeedbackAnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.CharField(
        label="Réponse apportée", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(label="Statut")
    answered_on = _date_field("Répondue le", required=False, help_text="Par défaut, aujourd'hui.")

    def __init__(self, *args, feedback: Feedback, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = FEEDBACK_LIFECYCLE.choices(feedback.status)
        if not self.is_bound:
            self.initial.update(
                {"answer": feedback.answer, "status": feedback.status, "answered_on": feedback.answered_on}
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == FeedbackStatus.ANSWERED and not cleaned.get("answer", "").strip():
            self.add_error(
                "answer",
                "Indiquez la réponse apportée avant de passer la remontée en « Réponse apportée ».",
            )
        return cleaned


class FeedbackConvertForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(
        label="Intitulé de l'action",
        max_length=300,
        required=False,
        help_text="Par défaut, le début du texte de la remontée.",
    )
    owner_organisation = forms.ModelChoiceField(label="Porteur", queryset=Organisation.objects.none())
    due_on = _date_field("Échéance")

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = programme_organisations(programme)

"""Forms of the report pages. They validate what a person typed; the lifecycle, the history and the photo
checks are the services' (gusp.services), whose errors come back on these fields."""

import datetime
import decimal

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from core.forms import BootstrapFormMixin
from core.widgets import use_autocomplete
from gusp import rules
from gusp.filters import handler_organisations
from gusp.models import AnswerTemplate, Priority, Report, ReportStatus, Theme, WalkAudit
from gusp.photos import check_size
from gusp.services import bulk_status_choices
from projects.models import Sector

R = ReportStatus
COMPETENT_BODY_HELP = "Pour « Hors compétence » : l'organisme vers lequel le signalement est réorienté."
DUPLICATE_HELP = "Pour « Doublon » : le signalement déjà enregistré (tapez son numéro ou un mot)."
NO_PERSONAL_DATA = "Décrivez le lieu et le problème, jamais la personne qui signale (ni nom, ni téléphone)."
PHOTO_HELP = "JPEG, PNG ou WebP ; les métadonnées (position GPS, appareil) sont retirées à l'enregistrement."


def programme_organisations(programme):
    return Organisation.objects.filter(programmes=programme).order_by("name", "pk")


def report_choices_url(exclude: Report | None = None) -> str:
    url = reverse("gusp:report_choices")
    return f"{url}?exclure={exclude.pk}" if exclude is not None else url


def _decimal_widget(field: forms.Field) -> None:
    field.localize = True
    field.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"})
    field.widget.is_localized = True


class PhotoField(forms.FileField):
    """An image sent with a form: refused on its announced size before it is read (gusp.photos)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", PHOTO_HELP)
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                check_size(upload.size)
            except ValidationError as error:
                raise ValidationError(error.message_dict["image"]) from None
        return upload


class ReportForm(BootstrapFormMixin, forms.ModelForm):
    """What a report says (the team, at its desk): its place, theme, description, origin, priority. At
    creation, also when it was reported, its organisation in charge when not the theme's, and a photo."""

    reported_at = forms.DateTimeField(
        label="Signalé le",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Laissez vide pour maintenant.",
    )
    photo = PhotoField(label="Photo", required=False)

    class Meta:
        model = Report
        fields = [
            "sector",
            "theme",
            "description",
            "address",
            "latitude",
            "longitude",
            "source",
            "priority",
            "handler",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "description": NO_PERSONAL_DATA,
            "address": "Le numéro et la rue, ou un repère (« devant l'école »).",
            "latitude": (
                "En degrés décimaux (WGS84), par exemple 50,6167 ; avec la longitude, ou aucune des deux."
            ),
            "longitude": "Par exemple 3,0707.",
            "handler": "Laissez vide pour l'organisation par défaut du thème ; l'orientation se fait au tri.",
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["sector"].queryset = Sector.objects.filter(programme=programme).order_by("order", "name")
        self.fields["theme"].queryset = Theme.objects.filter(programme=programme).order_by("order", "name")
        self.fields["handler"].queryset = programme_organisations(programme)
        self.fields["handler"].required = False
        for name in ("latitude", "longitude"):
            _decimal_widget(self.fields[name])
        if self.instance.pk:  # what it says only: status and handler change through the triage forms
            for name in ("handler", "reported_at", "photo"):
                del self.fields[name]
        else:
            self.fields["reported_at"].widget.attrs["max"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean_reported_at(self):
        reported_at = self.cleaned_data.get("reported_at")
        if reported_at and reported_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError("Un signalement ne peut pas être daté dans le futur.")
        return reported_at

    def _post_clean(self):
        # Validation of the instance is the service's job (full_clean there), not the form's.
        pass

    def service_fields(self) -> dict:
        """The form's values as the services take them (no photo, no empty optional values)."""
        fields = {name: value for name, value in self.cleaned_data.items() if name != "photo"}
        if not fields.get("reported_at"):
            fields.pop("reported_at", None)
        if "handler" in fields and fields["handler"] is None:
            fields.pop("handler")
        return fields


class RouteForm(BootstrapFormMixin, forms.Form):
    handler = forms.ModelChoiceField(
        label="Organisation en charge", queryset=Organisation.objects.none(), empty_label=None
    )
    note = forms.CharField(
        label="Commentaire (facultatif)",
        required=False,
        max_length=1000,
        help_text="Ce qui est demandé à l'organisation, ou pourquoi le signalement lui est réorienté.",
    )

    def __init__(self, *args, report: Report, organisations=None, **kwargs):
        kwargs.setdefault("initial", {"handler": report.handler_id})
        kwargs.setdefault("prefix", "orientation")
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = (
            organisations if organisations is not None else programme_organisations(report.programme_id)
        )


class _DecisionFields(BootstrapFormMixin, forms.Form):
    """What goes with a status: the competent body (« Hors compétence »), the original report (« Doublon »)
    and a comment."""

    competent_body = forms.CharField(
        label="Organisme compétent", required=False, max_length=200, help_text=COMPETENT_BODY_HELP
    )
    duplicate_of = forms.ModelChoiceField(
        label="Doublon du signalement",
        queryset=Report.objects.none(),
        required=False,
        help_text=DUPLICATE_HELP,
    )
    note = forms.CharField(label="Commentaire (facultatif)", required=False, max_length=1000)

    def _originals(self, user, programme_id: int, *, exclude: Report | None = None) -> None:
        """The reports the user sees, searched as one types (not one `<option>` per report)."""
        reports = Report.objects.visible_to(user).filter(programme_id=programme_id)
        self.fields["duplicate_of"].queryset = reports.exclude(pk=exclude.pk) if exclude else reports
        use_autocomplete(self.fields["duplicate_of"], report_choices_url(exclude=exclude))


class StatusForm(_DecisionFields):
    """The statuses the user may give this report (gusp.rules.status_choices), the current one aside;
    « Hors compétence » names the competent body, « Doublon » the original report."""

    field_order = ["status", "competent_body", "duplicate_of", "note"]

    status = forms.ChoiceField(
        label="Nouveau statut", error_messages={"required": "Choisissez le nouveau statut."}
    )

    def __init__(self, *args, user, report: Report, **kwargs):
        kwargs.setdefault("prefix", "statut")
        super().__init__(*args, **kwargs)
        # « Transmis » goes with an organisation: the routing form gives it.
        choices = [
            (value, label)
            for value, label in rules.status_choices(user, report)
            if value not in (report.status, R.SENT)
        ]
        self.fields["status"].choices = [("", "— choisir —"), *choices] if choices else []
        self.fields["status"].widget.attrs["data-gusp-switch"] = ""
        if R.DUPLICATE in dict(choices):
            self._originals(user, report.programme_id, exclude=report)
        else:
            del self.fields["duplicate_of"]
        if R.NOT_OURS not in dict(choices):
            del self.fields["competent_body"]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["status"].choices)

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == R.NOT_OURS and not (data.get("competent_body") or "").strip():
            self.add_error(
                "competent_body", "Nommez l'organisme compétent vers lequel le signalement est réorienté."
            )
        if status == R.DUPLICATE and not data.get("duplicate_of"):
            self.add_error("duplicate_of", "Indiquez le signalement dont celui-ci est le doublon.")
        return data


class AnswerForm(BootstrapFormMixin, forms.Form):
    """The answer to whoever reported: typed, or a canned answer of the programme (the template fills the
    text when it is left empty; with JavaScript, picking one fills the text to adapt)."""

    template = forms.ModelChoiceField(
        label="Réponse type",
        queryset=AnswerTemplate.objects.none(),
        required=False,
        empty_label="Aucune (texte libre)",
    )
    text = forms.CharField(
        label="Réponse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Elle est gardée sur le signalement et dans son historique.",
    )

    def __init__(self, *args, report: Report, **kwargs):
        kwargs.setdefault("prefix", "reponse")
        kwargs.setdefault("initial", {"text": report.answer})
        super().__init__(*args, **kwargs)
        templates = AnswerTemplate.objects.filter(programme_id=report.programme_id)
        self.fields["template"].queryset = templates
        self.fields["template"].widget.attrs["data-gusp-answer-templates"] = ""
        self.template_texts = {str(t.pk): t.text for t in templates}
        if not self.template_texts:
            del self.fields["template"]

    def clean(self):
        data = super().clean()
        text = (data.get("text") or "").strip()
        template = data.get("template")
        if not text and template is not None:
            text = template.text
        if not text:
            self.add_error("text", "Écrivez la réponse, ou choisissez une réponse type.")
        data["text"] = text
        return data


class PhotoForm(BootstrapFormMixin, forms.Form):
    image = PhotoField(label="Ajouter une photo")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "photo")
        super().__init__(*args, **kwargs)


class _TickedReportsForm(_DecisionFields):
    """A decision for the reports ticked in a list (triage queue, report list), all or nothing
    (gusp.services.reports_triage), with a canned answer to each if wanted."""

    reports = forms.ModelMultipleChoiceField(
        label="Signalements",
        queryset=Report.objects.none(),
        error_messages={
            "required": "Cochez au moins un signalement.",
            "invalid_choice": "Un signalement coché n'est pas modifiable par vous : %(value)s.",
        },
    )
    template = forms.ModelChoiceField(
        label="Réponse type à chacun (facultative)",
        queryset=AnswerTemplate.objects.none(),
        required=False,
        empty_label="Aucune",
    )

    def __init__(self, *args, reports, programme, user, **kwargs):
        kwargs.setdefault("prefix", "lot")
        super().__init__(*args, **kwargs)
        self.fields["reports"].queryset = reports
        self.fields["reports"].widget = forms.MultipleHiddenInput()
        self.fields["status"].widget.attrs["data-gusp-switch"] = ""
        self._originals(user, programme.pk)
        self.fields["template"].queryset = AnswerTemplate.objects.filter(programme=programme)
        if not self.fields["template"].queryset.exists():
            del self.fields["template"]

    def _check_status_details(self, data: dict) -> None:
        status = data.get("status")
        if status == R.NOT_OURS and not (data.get("competent_body") or "").strip():
            self.add_error(
                "competent_body", "Nommez l'organisme compétent vers lequel les signalements sont réorientés."
            )
        elif status == R.DUPLICATE and not data.get("duplicate_of"):
            self.add_error("duplicate_of", "Indiquez le signalement dont ceux-ci sont les doublons.")

    def _common_fields(self) -> dict:
        template = self.cleaned_data.get("template")
        return {"note": self.cleaned_data.get("note", ""), "answer": template.text if template else ""}

    def _status_fields(self) -> dict:
        data = self.cleaned_data
        status = data["status"]
        return {
            **self._common_fields(),
            "status": status,
            "competent_body": data.get("competent_body", "") if status == R.NOT_OURS else "",
            "duplicate_of": data.get("duplicate_of") if status == R.DUPLICATE else None,
        }


class TriageForm(_TickedReportsForm):
    """The triage queue's decision: sent to an organisation, or given a status."""

    field_order = ["reports", "decision", "handler", "status", "competent_body", "duplicate_of", "note"]
    ROUTE = "transmettre"
    STATUS = "statut"

    decision = forms.ChoiceField(
        label="Décision",
        choices=[(ROUTE, "Transmettre à une organisation"), (STATUS, "Changer le statut")],
        widget=forms.RadioSelect,
        initial=ROUTE,
    )
    handler = forms.ModelChoiceField(
        label="Organisation en charge", queryset=Organisation.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "—")] + [(value, label) for value, label in R.choices if value not in (R.NEW, R.SENT)],
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["decision"].widget.attrs.update({"data-gusp-switch": "", "class": "form-check-input"})
        self.fields["handler"].queryset = handler_organisations(programme)

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.ROUTE and not data.get("handler"):
            self.add_error("handler", "Choisissez l'organisation à qui transmettre.")
        if decision == self.STATUS:
            if not data.get("status"):
                self.add_error("status", "Choisissez le statut.")
            else:
                self._check_status_details(data)
        return data

    def service_fields(self) -> dict:
        if self.cleaned_data["decision"] == self.ROUTE:
            return {**self._common_fields(), "handler": self.cleaned_data["handler"]}
        return self._status_fields()


class BulkStatusForm(_TickedReportsForm):
    """One status for the reports ticked in the list (outside triage): every move checked by the lifecycle
    and written in each history; « Hors compétence » names the competent body, « Doublon » the original."""

    field_order = ["reports", "status", "competent_body", "duplicate_of", "note", "template"]

    status = forms.ChoiceField(
        label="Nouveau statut", error_messages={"required": "Choisissez le nouveau statut."}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "— choisir —"), *bulk_status_choices()]

    def clean(self):
        data = super().clean()
        self._check_status_details(data)
        return data

    def service_fields(self) -> dict:
        return self._status_fields()


class AnswerTemplateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = AnswerTemplate
        fields = ["title", "text", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "title": "Ce que l'on choisit dans la liste (« Transmis au service compétent »).",
            "text": "Le texte donné à qui a signalé ; il peut être adapté avant l'envoi.",
            "order": "Les modèles sont proposés dans cet ordre.",
        }

    def _post_clean(self):
        pass


# --- Referential: themes ----------------------------------------------------------------------------------

from core.parsing import normalize_key  # noqa: E402

SYNONYM_MAX = 120
TARGET_DAYS_HELP = (
    "L'échéance d'un signalement est sa date de signalement plus ce délai. Un nouveau délai vaut pour les "
    "signalements enregistrés ensuite : ceux déjà enregistrés gardent leur échéance."
)
SYNONYMS_HELP = (
    "Les catégories d'autres outils qui désignent ce thème, séparées par des virgules ou une par ligne : "
    "l'import des signalements les range dans ce thème."
)


def split_words(text: str) -> list[str]:
    """Comma- or line-separated words, trimmed, blanks and repeats dropped (first spelling kept)."""
    words = (" ".join(part.split()) for chunk in text.splitlines() for part in chunk.split(","))
    return list(dict.fromkeys(word for word in words if word))


class ThemeForm(BootstrapFormMixin, forms.ModelForm):
    """A theme's default handler, target delay and other spellings (gusp.services.theme_update)."""

    synonyms = forms.CharField(
        label="Autres intitulés",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=SYNONYMS_HELP,
    )

    class Meta:
        model = Theme
        fields = ["default_handler", "target_days", "synonyms"]
        labels = {
            "default_handler": "Organisation en charge par défaut",
            "target_days": "Délai cible (jours)",
        }
        help_texts = {
            "default_handler": "Celle à qui le tri propose de transmettre les signalements de ce thème.",
            "target_days": TARGET_DAYS_HELP,
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["default_handler"].queryset = programme_organisations(programme)
        self.fields["default_handler"].empty_label = "Aucune (à choisir au tri)"
        self.initial["synonyms"] = "\n".join(self.instance.synonyms or [])

    def clean_synonyms(self) -> list[str]:
        words = split_words(self.cleaned_data.get("synonyms") or "")
        too_long = [word for word in words if len(word) > SYNONYM_MAX]
        if too_long:
            raise ValidationError(
                f"« {too_long[0][:40]}… » dépasse {SYNONYM_MAX} caractères : "
                "un intitulé par virgule ou par ligne."
            )
        others = Theme.objects.filter(programme=self.programme).exclude(pk=self.instance.pk)
        taken = {}
        for theme in others:
            for word in (theme.name, theme.slug, *theme.synonyms):
                taken[normalize_key(word)] = theme.name
        clashes = [(word, taken[normalize_key(word)]) for word in words if normalize_key(word) in taken]
        if clashes:
            word, theme = clashes[0]
            raise ValidationError(
                f"« {word} » désigne déjà le thème « {theme} » : un intitulé ne mène qu'à un thème."
            )
        return words

    def _post_clean(self):
        pass


class ThemeDelayForm(BootstrapFormMixin, forms.Form):
    """A theme's target delay for one handler organisation (gusp.services.theme_delay_set): added, or
    changed when the organisation has one already."""

    organisation = forms.ModelChoiceField(
        label="Organisation en charge",
        queryset=Organisation.objects.none(),
        empty_label="Choisissez une organisation",
        error_messages={
            "required": "Choisissez l'organisation en charge.",
            "invalid_choice": "Cette organisation n'est pas partenaire du programme.",
        },
        help_text="Si elle a déjà un délai pour ce thème, il est remplacé.",
    )
    target_days = forms.IntegerField(
        label="Délai cible pour elle (jours)",
        min_value=1,
        max_value=365,
        error_messages={
            "required": "Indiquez le délai cible en jours.",
            "invalid": "Le délai cible est un nombre entier de jours.",
            "min_value": "Le délai cible est d'au moins 1 jour.",
            "max_value": "Le délai cible est d'au plus 365 jours.",
        },
    )

    def __init__(self, *args, programme, **kwargs):
        kwargs.setdefault("prefix", "delai")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = programme_organisations(programme)


# --- Action plan ------------------------------------------------------------------------------------------

from gusp.models import ActionStatus, GuspAction, GuspConvention  # noqa: E402
from gusp.services import ACTION_LIFECYCLE  # noqa: E402


class DateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)


class GuspActionForm(BootstrapFormMixin, forms.ModelForm):
    """An item of the action plan (gusp.services.gusp_action_create / gusp_action_update). With a TFPB axis,
    a landlord's action valued against its abatement: the landlord as owner, the year and the euros."""

    class Meta:
        model = GuspAction
        fields = [
            "title",
            "description",
            "volet",
            "sector",
            "convention",
            "owner",
            "due_on",
            "status",
            "done_on",
            "tfpb_axis",
            "tfpb_year",
            "tfpb_amount",
            "walk_audit",
        ]
        field_classes = {"due_on": DateField, "done_on": DateField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "title": "Action",
            "description": "Précisions",
            "volet": "Volet",
            "sector": "Quartier",
            "convention": "Convention GUSP",
            "owner": "Porteur",
            "due_on": "Échéance",
            "status": "Statut",
            "done_on": "Réalisée le",
            "tfpb_axis": "Axe de l'abattement TFPB",
            "tfpb_year": "Année de l'abattement",
            "tfpb_amount": "Montant valorisé (€)",
            "walk_audit": "Diagnostic d'origine",
        }
        help_texts = {
            "sector": "Vide pour une action de tout le programme.",
            "owner": "L'organisation qui porte l'action ; un bailleur pour une action TFPB.",
            "done_on": "Pour une action réalisée (à la modification, laissée vide : la date du jour).",
            "tfpb_axis": "Vide pour une action hors abattement de TFPB (cadre national de 2015, 8 axes).",
            "tfpb_amount": "En euros, tel que le bailleur le valorise dans son bilan.",
            "walk_audit": (
                "Pour une action de suivi décidée après un diagnostic en marchant : un diagnostic du "
                "quartier de l'action."
            ),
        }

    def __init__(self, *args, programme, sectors, editor_scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor_scope = editor_scope
        self.fields["sector"].queryset = sectors
        self.fields["sector"].empty_label = "Tout le programme"
        self.fields["convention"].queryset = GuspConvention.objects.filter(programme=programme)
        self.fields["convention"].empty_label = "Aucune"
        self.fields["owner"].queryset = programme_organisations(programme)
        walk_audit = self.fields["walk_audit"]
        walk_audit.queryset = (
            WalkAudit.objects.filter(programme=programme, sector__in=sectors)
            .select_related("sector")
            .order_by("-held_on", "sector__name", "pk")
        )
        walk_audit.empty_label = "Aucun"
        walk_audit.label_from_instance = lambda walk: f"{walk.sector.name} — {walk.held_on:%d/%m/%Y}"
        walk_audit.error_messages["invalid_choice"] = (
            "Ce diagnostic n'est pas l'un de ceux des quartiers où vous intervenez."
        )
        self.fields["tfpb_axis"].choices = [
            ("", "Hors abattement TFPB"),
            *self.fields["tfpb_axis"].choices[1:],
        ]
        current = self.instance.status if self.instance.pk else None
        self.fields["status"].choices = ACTION_LIFECYCLE.choices(current)
        _decimal_widget(self.fields["tfpb_amount"])

    def clean_sector(self):
        sector = self.cleaned_data.get("sector")
        if not self.editor_scope.allows(GuspAction(sector=sector)):
            raise ValidationError("Choisissez l'un des quartiers où vous intervenez.")
        return sector

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk and data.get("status") == self.instance.status:
            data.pop("status")  # unchanged: no lifecycle step (the realisation date stays editable)
        elif self.instance.pk and data.get("status") == ActionStatus.DONE and data.get("done_on") is None:
            data.pop("done_on")  # the service records today
        return data

    def _post_clean(self):
        pass


# --- Walk audits (diagnostics en marchant) ---------------------------------------------------------------


class WalkAuditForm(BootstrapFormMixin, forms.ModelForm):
    """A walk audit: where and when, the route, who took part (by kind), what came out of it. The quartiers
    offered are those the user may write in (gusp.rules.editor_scope)."""

    class Meta:
        model = WalkAudit
        fields = [
            "sector",
            "held_on",
            "route",
            "residents",
            "citizen_council",
            "elected_officials",
            "professionals",
            "partners",
            "summary",
            "proposals",
        ]
        labels = {"proposals": "Propositions"}
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "route": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "route": "Les rues et les lieux parcourus, dans l'ordre (« place Déliot, rue de Marquillies… »).",
            "residents": "Nombre d'habitants présents (aucun nom).",
            "partners": "Les organisations représentées pendant la marche.",
            "summary": "Ce que le groupe retient de la marche ; chaque problème vu est saisi en observation.",
            "proposals": (
                "Ce que les participants ont proposé (une par ligne) ; les actions décidées ensuite se "
                "rattachent au diagnostic depuis le plan d'actions."
            ),
        }

    def __init__(self, *args, programme, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sectors
        self.fields["partners"].queryset = programme_organisations(programme)
        self.fields["partners"].widget.attrs["class"] = "form-check-input"
        for name in ("residents", "citizen_council", "elected_officials", "professionals"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def _post_clean(self):
        pass  # the services validate the instance (full_clean)

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class WalkObservationForm(BootstrapFormMixin, forms.Form):
    """One observation made during a walk, typed on a phone in the street: what (theme, description,
    priority), a photo taken on the spot, and where — the phone's position (hidden fields filled by
    static/js/gusp-walk.js) or, failing it, an address."""

    theme = forms.ModelChoiceField(
        label="Thème",
        queryset=Theme.objects.none(),
        empty_label="— choisir —",
        error_messages={"required": "Choisissez le thème de l'observation."},
    )
    description = forms.CharField(
        label="Ce qui est observé",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=NO_PERSONAL_DATA,
        error_messages={"required": "Décrivez ce qui est observé."},
    )
    priority = forms.ChoiceField(label="Priorité", choices=Priority.choices, initial=Priority.NORMAL)
    photo = PhotoField(
        label="Photo",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text="Prise sur place (facultative). " + PHOTO_HELP,
    )
    latitude = forms.DecimalField(
        label="Position (latitude)",
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label="Position (longitude)",
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
    )
    address = forms.CharField(
        label="Adresse ou repère",
        required=False,
        max_length=300,
        help_text="Si la position du téléphone manque ou est imprécise : le numéro et la rue, ou un repère.",
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(programme=programme).order_by(
            "order", "name", "pk"
        )

    def clean_latitude(self):
        return _six_places(self.cleaned_data.get("latitude"))

    def clean_longitude(self):
        return _six_places(self.cleaned_data.get("longitude"))

    def clean(self):
        data = super().clean()
        has_lat = data.get("latitude") is not None
        has_lon = data.get("longitude") is not None
        if has_lat != has_lon and not self.errors.get("latitude") and not self.errors.get("longitude"):
            self.add_error(
                "longitude" if has_lat else "latitude",
                "La position est incomplète : relevez-la de nouveau ou indiquez l'adresse.",
            )
        return data

    def service_fields(self) -> dict:
        """The values as `walk_audit_observation_add` takes them (the photo apart)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "photo"}

    def error_payload(self) -> dict:
        """The errors as the phone's script shows them: each with the label of its field."""
        return {
            "errors": [
                {
                    "field": name,
                    "label": str(self.fields[name].label) if name in self.fields else "",
                    "message": str(message),
                }
                for name, messages in self.errors.items()
                for message in messages
            ]
        }


def _six_places(value):
    """A browser's position has many decimals; the report keeps six (about 10 cm)."""
    if value is None:
        return None
    return value.quantize(decimal.Decimal("0.000001"))


# --- Referential: conventions -----------------------------------------------------------------------------

from gusp.models import Commitment  # noqa: E402
from projects.models import Convention  # noqa: E402


class GuspConventionForm(BootstrapFormMixin, forms.ModelForm):
    """A GUSP convention, or the « projet de gestion » annexed to the NPNRU convention
    (gusp.services.convention_create / convention_update)."""

    class Meta:
        model = GuspConvention
        fields = [
            "title",
            "starts_on",
            "ends_on",
            "signed_on",
            "sectors",
            "signatories",
            "is_management_project",
            "npnru_convention",
            "management_project",
            "summary",
        ]
        field_classes = {"starts_on": DateField, "ends_on": DateField, "signed_on": DateField}
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "signatories": forms.CheckboxSelectMultiple,
            "management_project": forms.Textarea(attrs={"rows": 5}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "title": "Intitulé",
            "starts_on": "Début",
            "ends_on": "Fin",
            "signed_on": "Signée le",
            "sectors": "Quartiers",
            "signatories": "Signataires",
            "is_management_project": "C'est le projet de gestion de la convention NPNRU",
            "npnru_convention": "Convention NPNRU",
            "management_project": "Projet de gestion (orientations)",
            "summary": "Présentation",
        }
        help_texts = {
            "sectors": "Les quartiers couverts ; les partenaires limités à des quartiers voient les "
            "conventions qui en couvrent un.",
            "npnru_convention": "La convention pluriannuelle à laquelle le projet de gestion est annexé.",
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = Sector.objects.filter(programme=programme).order_by("name", "pk")
        self.fields["signatories"].queryset = programme_organisations(programme)
        self.fields["npnru_convention"].queryset = Convention.objects.filter(programme=programme)
        self.fields["npnru_convention"].empty_label = "Aucune"

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)

    def _post_clean(self):
        pass


class CommitmentForm(BootstrapFormMixin, forms.ModelForm):
    """One commitment of a convention, by volet and, when one is named, by signatory."""

    class Meta:
        model = Commitment
        fields = ["volet", "organisation", "text", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "volet": "Volet",
            "organisation": "Signataire engagé",
            "text": "Engagement",
            "order": "Ordre",
        }
        help_texts = {
            "organisation": "Parmi les signataires de la convention ; vide pour un engagement commun.",
            "order": "Les engagements d'un volet sont présentés dans cet ordre.",
        }

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = convention.signatories.order_by("name", "pk")
        self.fields["organisation"].empty_label = "Tous les signataires"

    def _post_clean(self):
        pass


# --- TFPB abatement amounts -------------------------------------------------------------------------------

from accounts.models import OrganisationKind  # noqa: E402
from gusp.models import TfpbAbatement  # noqa: E402


class TfpbAbatementForm(BootstrapFormMixin, forms.ModelForm):
    """A landlord's yearly abatement (gusp.services.tfpb_abatement_create / tfpb_abatement_update)."""

    class Meta:
        model = TfpbAbatement
        fields = ["landlord", "year", "sector", "amount", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "landlord": "Bailleur",
            "year": "Année",
            "sector": "Quartier",
            "amount": "Montant de l'abattement (€)",
            "note": "Remarque",
        }
        help_texts = {
            "sector": "Vide : tout le patrimoine du bailleur en QPV dans le programme.",
            "amount": "En euros, tel que le bailleur le déclare dans son bilan annuel.",
            "note": "Facultatif (source du montant, nombre de logements…).",
        }

    def __init__(self, *args, programme, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landlord"].queryset = programme_organisations(programme).filter(
            kind=OrganisationKind.BAILLEUR
        )
        self.fields["sector"].queryset = sectors
        self.fields["sector"].empty_label = "Tout le programme"
        _decimal_widget(self.fields["amount"])

    def _post_clean(self):
        pass  # the service validates (gusp.services.tfpb_abatement_create)

import datetime

from django import forms
from django.db.models import QuerySet

from core.forms import BootstrapFormMixin
from projects.models import Sector
from reporting.kinds import PROGRAMME_ONLY_KINDS, default_period, period_for
from reporting.models import PackAudience, PackKind


class PackRequestForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Type de dossier", choices=PackKind.choices)
    sector = forms.ModelChoiceField(
        label="Quartier",
        queryset=Sector.objects.none(),
        required=False,
        empty_label="Tout le programme",
        help_text=(
            "Pour un dossier de COPIL de quartier ; COTEC et revue de projet portent sur tout le programme."
        ),
    )
    period_start = forms.DateField(
        label="Début de la période",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Une revue de projet couvre l'année civile : elle commence au 1er janvier de l'année de "
        "la date de situation, quel que soit le début saisi.",
    )
    period_end = forms.DateField(
        label="Fin de la période (date de situation)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    audience = forms.ChoiceField(
        label="Destinataires",
        choices=PackAudience.choices,
        initial=PackAudience.INTERNAL,
        help_text="Un dossier pour les partenaires masque les effectifs de personnes inférieurs au seuil.",
    )

    def __init__(
        self, *args, sectors: QuerySet[Sector], sector_required: bool, today: datetime.date, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sectors
        self.sector_required = sector_required
        self.today = today
        start, end = default_period(PackKind.COPIL, today)
        self.initial.setdefault("period_start", start)
        self.initial.setdefault("period_end", end)

    def clean(self):
        data = super().clean()
        kind, sector = data.get("kind"), data.get("sector")
        start, end = data.get("period_start"), data.get("period_end")
        if kind in PROGRAMME_ONLY_KINDS and sector is not None:
            self.add_error(
                "sector", "Ce type de dossier porte sur tout le programme : ne choisissez pas de quartier."
            )
        elif self.sector_required and sector is None:
            self.add_error("sector", "Choisissez l'un de vos quartiers.")
        if kind and start and end:
            data["period_start"], data["period_end"] = start, end = period_for(kind, start, end)
        if start and end and end < start:
            self.add_error("period_end", "La fin de la période précède son début.")
        if end and end > self.today:
            self.add_error("period_end", "La date de situation ne peut pas dépasser aujourd'hui.")
        return data

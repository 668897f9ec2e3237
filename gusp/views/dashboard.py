"""The GUSP dashboard (/gusp/): open and late reports by theme and by handler, handling times and the share
handled within the target delay, recurring hotspots, walk audits and TFPB actions, over a period and one
quartier of the user's perimeter.

The figures are aggregates of `Report.objects.aggregable_by(user)` (a partner: its quartiers, whatever
organisation handles the reports), walk audits `visible_to(user)` and the actions the user reads on the
action plan (`GuspAction.objects.readable_by`: a partner's TFPB figures are its own organisation's, none
for a partner that is not a landlord), computed by
`gusp.selectors` in a fixed number of queries and kept a few minutes per perimeter, quartier and period;
`gusp.display` turns them into the same strings as the pack section, masked for partners.
"""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import scope_cache_key
from core.audience import audience_for_request
from core.decorators import programme_required
from core.readonly import readonly
from gusp import display, selectors
from gusp.models import Report, Theme, WalkAudit
from gusp.views.common import actions_scope_key, programme_abatements, programme_actions
from projects.models import Sector

YEAR_MIN = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d", attrs={"class": "form-control form-control-sm"})


class DashboardForm(forms.Form):
    """`?du=…&au=…&quartier=…`: the period (by default the 12 months up to today) and one quartier."""

    du = forms.DateField(label="Du", required=False, widget=DateInput())
    au = forms.DateField(label="Au", required=False, widget=DateInput())
    quartier = forms.ModelChoiceField(
        label="Quartier",
        queryset=Sector.objects.none(),
        required=False,
        empty_label="Tous les quartiers de votre périmètre",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = sectors

    def _checked(self, name: str) -> datetime.date | None:
        day = self.cleaned_data.get(name)
        if day is None:
            return None
        if day.year < YEAR_MIN:
            raise forms.ValidationError(f"Choisissez une date postérieure à {YEAR_MIN}.")
        if day > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return day

    def clean_du(self):
        return self._checked("du")

    def clean_au(self):
        return self._checked("au")

    def clean(self):
        data = super().clean()
        start, end = data.get("du"), data.get("au")
        if start and end and start > end:
            self.add_error("du", "La date doit précéder celle de « Au ».")
        return data

    def period(self) -> selectors.Period:
        """The period asked for; a field left empty or wrong takes its default."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("au") or today
        start = data.get("du") or end - datetime.timedelta(days=364)
        return selectors.Period(start, end)

    def sector(self) -> Sector | None:
        return self.cleaned_data.get("quartier") if self.is_valid() else None


def scoped(request, sector: Sector | None):
    """The programme's reports, walk audits and actions whose aggregates the user may see (one quartier
    of them when asked)."""
    programme, user = request.programme, request.user
    querysets = [
        Report.objects.aggregable_by(user).filter(programme=programme),
        WalkAudit.objects.visible_to(user).filter(programme=programme),
        programme_actions(request),
    ]
    if sector is not None:
        querysets = [queryset.filter(sector=sector) for queryset in querysets]
    return querysets


@readonly
@programme_required
def dashboard(request):
    programme = request.programme
    sectors = Sector.objects.visible_to(request.user).filter(programme=programme).order_by("name", "pk")
    default = selectors.Period.year_before(timezone.localdate())
    form = DashboardForm(
        request.GET or None, sectors=sectors, initial={"du": default.start, "au": default.end}
    )
    period, sector = form.period(), form.sector()
    reports, walks, actions = scoped(request, sector)
    abatements = programme_abatements(request)  # the same rule as the TFPB actions
    if sector is not None:
        abatements = abatements.filter(sector=sector)
    scope = scope_cache_key(request.user, programme_id=programme.pk)
    figures = selectors.cached_figures(
        reports,
        walks,
        actions,
        programme_id=programme.pk,
        scope=f"{scope}:{actions_scope_key(request)}:quartier-{sector.pk if sector else 'tous'}",
        period=period,
        abatements=abatements,
    )
    audience = audience_for_request(request)
    context = display.figures_display(
        figures,
        audience,
        sector_ids=dict(sectors.values_list("name", "pk")),
        theme_ids=dict(Theme.objects.filter(programme=programme).values_list("name", "pk")),
    )
    context.update(
        programme=programme,
        form=form,
        sector=sector,
        audience=audience,
        period_label=display.period_label(period),
    )
    return render(request, "gusp/dashboard.html", context)

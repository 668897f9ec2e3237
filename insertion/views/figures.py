"""What the dashboard, the MOA page and a market's page share: the scoped querysets, the situation date
and the figures as display strings for the request's audience."""

from dataclasses import dataclass

from django.utils.formats import date_format

from accounts.selectors import scope_cache_key
from core.audience import Audience, audience_for_request
from core.formatting import format_percent
from insertion import charts, display, selectors
from insertion.forms import SituationForm
from insertion.models import Market, WorkContract
from insertion.selectors import Dispersion, Figures, Month


def scoped(request):
    """The programme's markets and contracts whose aggregates the user may see (their sectors)."""
    programme = request.programme
    markets = Market.objects.aggregable_by(request.user).filter(programme=programme)
    contracts = WorkContract.objects.aggregable_by(request.user).filter(programme=programme)
    return markets, contracts


def situation(request) -> SituationForm:
    return SituationForm(request.GET if "au" in request.GET else None)


def cached_figures(request, markets, contracts, *, as_of, part: str = "") -> Figures:
    """The figures of the scope, cached per perimeter (and `part`: one MOA) and date."""
    scope = scope_cache_key(request.user, programme_id=request.programme.pk)
    if part:
        scope = f"{scope}:{part}"
    return selectors.cached_figures(
        markets, contracts, programme_id=request.programme.pk, scope=scope, as_of=as_of
    )


@dataclass
class MonthRow:
    label: str
    hours: str
    cumulative: str
    share: str  # cumulative ÷ the scope's target


def month_rows(months: list[Month], target) -> list[MonthRow]:
    return [
        MonthRow(
            label=date_format(month.month, "F Y"),
            hours=display.hours_text(month.hours),
            cumulative=display.hours_text(month.cumulative),
            share=format_percent(month.cumulative, target) if target else "—",
        )
        for month in months
    ]


def dispersion_display(dispersion: Dispersion) -> dict:
    def rate(value):
        return "—" if value is None else format_percent(value, 1)

    return {
        "moas": dispersion.moas,
        "reached": dispersion.reached,
        "below": dispersion.below,
        "lowest": rate(dispersion.lowest),
        "median": rate(dispersion.median),
        "highest": rate(dispersion.highest),
    }


def people_context(figures: Figures, audience: Audience) -> dict:
    """The counts of people, contracts and exits, masked for the audience."""
    return {
        "people": display.people_display(figures.people, audience),
        "contract_kinds": display.contracts_display(figures.contracts, audience),
        "exits": display.exits_display(figures.exits, audience),
    }


def charts_context(figures: Figures, audience: Audience, *, moas: bool = True) -> dict:
    """The charts of the figures (insertion/charts.py), each beside its data table on the page. Hours are
    drawn for everyone; counts of people and contracts for the mission team only (partners get the
    masked tables)."""
    people = audience.draws_people_charts and figures.people.participants > 0
    return {
        "hours_chart": charts.hours_chart(figures.months, target=figures.programme.total.target),
        "moa_chart": charts.moa_chart(figures.moas) if moas else None,
        "age_chart": charts.age_chart(figures.people) if people else None,
        "publics_chart": charts.publics_chart(figures.people) if people else None,
        "types_chart": charts.contract_types_chart(figures.contracts) if people else None,
        "modalities_chart": charts.modalities_chart(figures.contracts) if people else None,
    }


def figures_context(request, figures: Figures, *, moa_chart: bool = True) -> dict:
    audience = audience_for_request(request)
    programme = figures.programme
    return {
        "audience": audience,
        "figures": figures,
        "programme_hours": display.hours_rows([programme])[0],
        "dispersion": dispersion_display(figures.dispersion),
        "months": month_rows(figures.months, programme.total.target),
        **people_context(figures, audience),
        **charts_context(figures, audience, moas=moa_chart),
    }

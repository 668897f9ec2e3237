"""Relogement section of the PDF packs (COPIL, COTEC, revue de projet).

The figures come from the same selectors, and the charts from the same specs, as the relogement
dashboard. A pack for partners masks small counts of households (and the shares computed on them) and
leaves the charts out, as the dashboard does for partners.
"""

from core.charts import DENSE_BAR_STEP
from core.pack_sections import PackScope, section
from relogement import charts, selectors
from relogement.models import Household


def scope_households(scope: PackScope):
    households = Household.objects.filter(programme=scope.programme)
    if scope.sector is not None:
        households = households.filter(origin_operation__sector=scope.sector)
    return households


@section(key="relogement", title="Relogement des ménages", template="relogement/pack/relogement.html")
def relogement(scope: PackScope) -> dict | None:
    return relogement_context(scope, with_operations=True)


@section(
    key="relogement-synthese", title="Relogement des ménages", template="relogement/pack/relogement.html"
)
def relogement_summary(scope: PackScope) -> dict | None:
    """The revue de projet's relogement: the same figures, per sector only (the per-operation tables,
    several pages on a large programme, are the COPIL's detail), the shares chart with thinner bars (the
    revue is a dense document)."""
    return relogement_context(scope, with_operations=False)


def relogement_context(scope: PackScope, *, with_operations: bool) -> dict | None:
    indicators = selectors.relogement_indicators(scope_households(scope))
    if indicators.empty:
        return None  # no household in the scope: the section is left out
    audience = scope.audience
    tables = selectors.indicator_tables(
        indicators, audience.counts, masked=audience.masks_counts, threshold=audience.threshold
    )
    show_charts = audience.draws_people_charts
    bar_step = None if with_operations else DENSE_BAR_STEP  # the revue de projet's synthesis: thinner bars
    return {
        "indicators": indicators,
        "total_row": tables["total_row"],
        "key_figures": selectors.key_figures(tables["total_row"], threshold=audience.threshold),
        "threshold": audience.threshold,
        "tables": selectors.level_tables(
            tables, with_sectors=scope.sector is None, with_operations=with_operations
        ),
        "situation_chart": charts.situation_chart(indicators)
        if show_charts and scope.sector is None
        else None,
        "shares_chart": charts.shares_chart(indicators.total, bar_step=bar_step) if show_charts else None,
    }

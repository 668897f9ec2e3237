"""GUSP sections of the PDF packs: « Gestion urbaine de proximité » of the COPIL and the COTEC, and its
synthesis in the revue de projet.

The figures are the dashboard's (`gusp.selectors.gusp_figures`, shown through `gusp.display` and drawn by
`gusp.charts`): the reports made and handled in the pack's period (`period_start` to `period_end`, the
situation date), the reports open and late at the situation date, over the pack's scope (the programme, or
the sector of a sector's COPIL). A partners' pack masks the counts of reports and of walk participants
below the threshold, as the dashboard does for partners (docs/gusp.md). The revue de projet's synthesis is
shorter (about a page for a metropolitan programme): the handlers with the most open reports, the first
hotspot, walk audits and TFPB in sentences (templates/gusp/pack/body.html, `summary`).
"""

from core.pack_sections import PackScope, section
from gusp import display, selectors
from gusp.models import GuspAction, Report, TfpbAbatement, WalkAudit

# A pack lists the most reported hotspots (the dashboard has all of them, 20 at most); the revue de projet
# names the first one, and keeps the handlers with the most open reports (the others in one line), so that
# its GUSP synthesis stands on about one page for a metropolitan programme.
PACK_HOTSPOTS = 8
REVUE_HANDLERS = 6


def scope_querysets(scope: PackScope):
    """The reports, walk audits and actions of the pack's programme, or of its sector."""
    querysets = [
        Report.objects.filter(programme=scope.programme),
        WalkAudit.objects.filter(programme=scope.programme),
        GuspAction.objects.filter(programme=scope.programme),
    ]
    if scope.sector is not None:
        querysets = [queryset.filter(sector=scope.sector) for queryset in querysets]
    return querysets


def scope_figures(scope: PackScope) -> selectors.GuspFigures:
    """The dashboard's figures for the pack's scope and period, at its situation date."""
    reports, walks, actions = scope_querysets(scope)
    abatements = TfpbAbatement.objects.filter(programme=scope.programme)
    if scope.sector is not None:
        abatements = abatements.filter(sector=scope.sector)
    return selectors.gusp_figures(
        reports,
        walks,
        actions,
        today=scope.period_end,
        period=selectors.Period(scope.period_start, scope.period_end),
        abatements=abatements,
    )


def _context(scope: PackScope, *, hotspots_kept: int, handlers_kept: int | None = None) -> dict | None:
    reports, _walks, _actions = scope_querysets(scope)
    figures = scope_figures(scope)
    if display.is_empty(figures) and not reports.exists():
        return None  # no GUSP data at all in the scope: the section is left out
    context = display.figures_display(
        figures,
        scope.audience,
        hotspots_kept=hotspots_kept,
        handlers_kept=handlers_kept,
        # A partner reads only its own organisation's TFPB line; a partners' pack, read by every partner,
        # gives the landlords' total without each one's line (docs/gusp.md).
        tfpb_per_landlord=scope.audience.is_internal,
    )
    context.update(
        situation=scope.period_end,
        period_label=display.period_label(figures.period),
        threshold=scope.audience.threshold,
    )
    return context


@section(key="gusp", title="Gestion urbaine de proximité", template="gusp/pack/gusp.html")
def gusp(scope: PackScope) -> dict | None:
    """Open and late reports by theme and by handler (chart and table), handling within the target delay
    per handler, the most reported hotspots, walk audits and TFPB actions, over the pack's period."""
    return _context(scope, hotspots_kept=PACK_HOTSPOTS)


@section(key="gusp-synthese", title="Gestion urbaine de proximité", template="gusp/pack/gusp_revue.html")
def gusp_summary(scope: PackScope) -> dict | None:
    """The revue de projet's GUSP: the year's reports and their handling per handler, the open reports by
    theme, the walk audits and the landlords' TFPB actions of the year."""
    return _context(scope, hotspots_kept=1, handlers_kept=REVUE_HANDLERS)

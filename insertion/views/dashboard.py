"""Insertion dashboard and MOA page: the charte's hours (target vs achieved) and who benefits, for every
role of the programme. Only aggregates: participants are never shown one by one here. Partners see their
sectors' figures, counts of people masked below the disclosure threshold, and no chart of people."""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts.models import Organisation
from core.audience import audience_for_request
from core.decorators import programme_required
from core.exports import xlsx_sheets_response
from core.readonly import readonly
from insertion import display, exports
from insertion.views.figures import cached_figures, figures_context, people_context, scoped, situation


def _moa_rows(request, rows) -> list[dict]:
    """The MOAs' hours, each linked to its page for those who may open it (the mission team: any; a
    partner: its own organisation)."""
    audience = audience_for_request(request)
    own = request.membership.organisation_id if request.membership else None
    shown = display.hours_rows(rows)
    for row in shown:
        row["linked"] = row["key"] is not None and (audience.is_internal or row["key"] == own)
    return shown


@readonly
@programme_required
def dashboard(request):
    form = situation(request)
    as_of = form.as_of
    markets, contracts = scoped(request)
    figures = cached_figures(request, markets, contracts, as_of=as_of)
    context = figures_context(request, figures)
    context.update(
        programme=request.programme,
        situation=form,
        as_of=as_of,
        empty=not figures.markets,
        moa_rows=_moa_rows(request, figures.moas),
        sector_rows=display.hours_rows(figures.sectors),
        operation_count=sum(1 for row in figures.operations if row.key is not None),
        can_see_participants=rules.has_perm("insertion.view_participant", request.user, request.programme),
    )
    return render(request, "insertion/dashboard.html", context)


@readonly
@programme_required
def dashboard_operations(request):
    """The drill-down of the dashboard: the hours of each operation (and of the markets to link)."""
    form = situation(request)
    markets, contracts = scoped(request)
    figures = cached_figures(request, markets, contracts, as_of=form.as_of)
    context = {
        "situation": form,
        "as_of": form.as_of,
        "programme_hours": display.hours_rows([figures.programme])[0],
        "operation_rows": display.hours_rows(figures.operations),
    }
    return render(request, "insertion/dashboard_operations.html", context)


@readonly
@programme_required
def dashboard_export(request):
    """The dashboard's tables in one workbook (aggregates; counts of people masked for partners)."""
    as_of = situation(request).as_of
    markets, contracts = scoped(request)
    figures = cached_figures(request, markets, contracts, as_of=as_of)
    shown = people_context(figures, audience_for_request(request))
    sheets = exports.dashboard_sheets(
        figures, people=shown["people"], contracts=shown["contract_kinds"], exits=shown["exits"]
    )
    stamp = f"-au-{as_of.isoformat()}" if as_of else ""
    return xlsx_sheets_response(filename=f"insertion-{request.programme.slug}{stamp}", sheets=sheets)


@readonly
@programme_required
def moa_detail(request, pk: int):
    """One MOA's figures: any MOA for the mission team, its own organisation for a partner (404 else)."""
    audience = audience_for_request(request)
    own = request.membership.organisation_id if request.membership else None
    if not audience.is_internal and pk != own:
        raise Http404
    moa = get_object_or_404(Organisation, pk=pk)
    markets, contracts = scoped(request)
    markets, contracts = markets.filter(moa=moa), contracts.filter(market__moa=moa)
    if not markets.exists():
        raise Http404
    form = situation(request)
    figures = cached_figures(request, markets, contracts, as_of=form.as_of, part=f"moa-{moa.pk}")
    context = figures_context(request, figures, moa_chart=False)
    context.update(
        moa=moa,
        situation=form,
        as_of=form.as_of,
        market_rows=display.hours_rows(figures.markets),
        operation_rows=display.hours_rows(figures.operations),
        own_organisation=pk == own,
    )
    return render(request, "insertion/moa_detail.html", context)

"""Markets with a clause: the list (with their hours), one market's page (its figures, its contracts in
aggregate), its correction by the programme's editors, and its contracts one by one for the members
holding the insertion personal-data grant (access logged)."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, ExpressionWrapper, F, Func, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_tables2 import RequestConfig

from core.audience import audience_for_request
from core.decorators import personal_data, programme_required
from core.exports import xlsx_response
from core.forms import save_or_errors
from core.models import AccessAction
from core.readonly import readonly
from core.tables import scope_note
from core.widgets import autocomplete_response
from insertion import display, exports, selectors, services
from insertion.filters import MarketFilter
from insertion.forms import MarketForm
from insertion.history import market_history
from insertion.models import DOMAIN, TARGET_HOURS, Market, WorkContract
from insertion.tables import ContractTable, MarketTable
from insertion.views.figures import charts_context, month_rows, people_context
from projects import selectors as project_selectors

PAGE_SIZE = 50
HOURS_FIELD = DecimalField(max_digits=14, decimal_places=4)


def _contract_hours(expression):
    """A market's sum of `expression` over its contracts (a subquery: one query for a page of markets)."""
    rows = (
        WorkContract.objects.filter(market=OuterRef("pk"))
        .order_by()
        .values("market")
        .annotate(total=Sum(expression))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=HOURS_FIELD), Value(0), output_field=HOURS_FIELD)


def markets_with_hours(queryset):
    """Markets with their target, achieved (counted) and worked hours and achievement rate."""
    return (
        queryset.select_related("moa", "operation__sector", "contractor")
        .annotate(
            target=TARGET_HOURS,
            achieved=_contract_hours(selectors.counted_hours()),
            worked=_contract_hours(selectors.all_hours()),
        )
        .annotate(
            rate=ExpressionWrapper(
                F("achieved") / Func(F("target"), Value(0), function="NULLIF"), output_field=HOURS_FIELD
            )
        )
    )


def _visible(request):
    return Market.objects.visible_to(request.user).filter(programme=request.programme)


@readonly
@programme_required
def market_list(request):
    filterset = MarketFilter(request.GET, queryset=markets_with_hours(_visible(request)), request=request)
    table = MarketTable(filterset.qs.order_by("number", "pk"))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "out_of_scope": scope_note(
            request,
            table,
            filterset,
            Market.objects.filter(programme=request.programme),
            singular="marché",
            plural="marchés",
        ),
    }
    template = "insertion/includes/market_table.html" if request.htmx else "insertion/market_list.html"
    return render(request, template, context)


@readonly
@programme_required
def market_export(request):
    queryset = markets_with_hours(_visible(request)).order_by("number", "pk")
    filterset = MarketFilter(request.GET, queryset=queryset, request=request)
    return xlsx_response(
        filename=f"marches-insertion-{request.programme.slug}",
        sheet_title="Marchés",
        columns=exports.MARKET_COLUMNS,
        rows=filterset.qs.iterator(chunk_size=500),
    )


@readonly
@programme_required
def market_detail(request, pk: int):
    market = get_object_or_404(markets_with_hours(_visible(request)), pk=pk)
    audience = audience_for_request(request)
    one = Market.objects.filter(pk=market.pk)
    contracts = WorkContract.objects.filter(market=market)
    hours = selectors.hours_by("programme", one, contracts)
    row = hours[0] if hours else selectors.HoursRow(None, selectors.TOTAL_LABEL)
    figures = selectors.Figures(
        as_of=None,
        programme=row,
        markets=[],
        moas=[],
        operations=[],
        sectors=[],
        dispersion=selectors.Dispersion(),
        months=selectors.hours_by_month(contracts),
        people=selectors.people(contracts),
        contracts=selectors.contract_kinds(contracts),
        exits=selectors.exits(contracts),
    )
    context = {
        "market": market,
        "audience": audience,
        "figures": figures,
        "market_hours": display.hours_cells(row.total),
        "months": month_rows(figures.months, row.total.target),
        "can_edit": rules.has_perm("insertion.change_market", request.user, market),
        "can_see_contracts": rules.has_perm("insertion.view_workcontract", request.user, market),
        "history": market_history(market) if audience.is_internal else None,
        **people_context(figures, audience),
        **charts_context(figures, audience, moas=False),
    }
    return render(request, "insertion/market_detail.html", context)


def _editable(request, pk: int) -> Market:
    market = get_object_or_404(_visible(request).select_related("operation"), pk=pk)
    if not rules.has_perm("insertion.change_market", request.user, market):
        raise PermissionDenied
    return market


@programme_required
def market_edit(request, pk: int):
    market = _editable(request, pk)
    form = MarketForm(
        request.POST or None,
        instance=market,
        user=request.user,
        operation_url=reverse("insertion:operation_choices"),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if save_or_errors(form, lambda: services.market_update(market=market, **fields)):
            messages.success(request, f"Le marché {market.number} a été mis à jour.")
            return redirect("insertion:market_detail", pk=market.pk)
    return render(request, "insertion/market_form.html", {"form": form, "market": market})


@readonly
@programme_required
def operation_choices(request):
    """Search-as-you-type choices of an operation (the markets' filter, a market's form): the operations
    of the programme the user sees."""
    operations = project_selectors.visible_operations(user=request.user, programme=request.programme)
    return autocomplete_response(
        request, operations, fields=["identifier", "label"], order_by=["identifier", "pk"]
    )


@personal_data(DOMAIN, AccessAction.LIST, model="WorkContract", object_page=True)
def market_contracts(request, pk: int):
    """The market's contracts one by one, each naming its participant by reference."""
    market = get_object_or_404(_visible(request).select_related("moa"), pk=pk)
    contracts = (
        WorkContract.objects.visible_to(request.user)
        .filter(market=market)
        .select_related("participant", "market", "employer")
        .order_by("starts_on", "reference", "pk")
    )
    table = ContractTable(contracts, exclude=["market"])
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    request.access_record.record(object_ref=market.number, count=len(table.page.object_list))
    context = {"market": market, "table": table, "count": table.paginator.count}
    return render(request, "insertion/market_contracts.html", context)

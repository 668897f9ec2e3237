"""Household pages: personal data. Only memberships with the relogement personal-data grant (and MFA)
see households one by one, and every page that shows them writes an access-log event (never the data):
both through `core.decorators.personal_data`."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django_tables2 import RequestConfig

from core.decorators import personal_data
from core.exports import xlsx_response
from core.forms import apply_service_errors
from core.models import AccessAction
from relogement import services
from relogement.exports import HOUSEHOLD_COLUMNS
from relogement.filters import CLOSED, TO_PROCESS, HouseholdFilter, work_order
from relogement.forms import HouseholdForm, OfferAnswerForm, OfferForm, RehousingForm
from relogement.models import Household
from relogement.tables import HouseholdTable

PAGE_SIZE = 50
DOMAIN = "relogement"  # registered in relogement/apps.py
HOUSEHOLD = "Household"


def _visible(request):
    return Household.objects.visible_to(request.user).select_related(
        "origin_operation__sector", "origin_landlord", "programme"
    )


def _programme_households(request):
    return (
        _visible(request)
        .filter(programme=request.programme)
        .annotate(offer_count=Count("offers", distinct=True))
    )


@personal_data(DOMAIN, AccessAction.LIST, model=HOUSEHOLD)
def household_list(request):
    filterset = HouseholdFilter(request.GET, queryset=_programme_households(request), request=request)
    # Unsorted, the households to process come first: least advanced, then the longest without contact.
    table = HouseholdTable(work_order(filterset.qs))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    request.access_record.record(count=len(table.page.object_list) if hasattr(table, "page") else 0)
    situation = filterset.form.cleaned_data.get("situation") if filterset.is_valid() else TO_PROCESS
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "situation": "" if filterset.form.cleaned_data.get("status") else situation,
        "closed_situation": CLOSED,
        "to_process_situation": TO_PROCESS,
        "can_edit": rules.has_perm("relogement.add_household", request.user, request.programme),
    }
    template = (
        "relogement/includes/household_table.html" if request.htmx else "relogement/household_list.html"
    )
    return render(request, template, context)


@personal_data(DOMAIN, AccessAction.EXPORT, model=HOUSEHOLD, editors_only=True)
def household_export(request):
    queryset = _programme_households(request).order_by("reference", "pk")
    rows = list(HouseholdFilter(request.GET, queryset=queryset, request=request).qs)
    request.access_record.record(count=len(rows))
    return xlsx_response(
        filename=f"menages-{request.programme.slug}",
        sheet_title="Ménages",
        columns=HOUSEHOLD_COLUMNS,
        rows=rows,
    )


def household_timeline(household: Household) -> list[dict]:
    """Dated events of one household, oldest first: diagnostic, offers, CAL, answers, moves, survey."""
    events = []

    def add(date, kind: str, label: str, detail: str = ""):
        if date:
            events.append({"date": date, "kind": kind, "label": label, "detail": detail})

    add(household.diagnostic_on, "diagnostic", "Diagnostic social")
    for offer in household.offers.all():
        place = f"{offer.commune} — {offer.get_typology_display()} — {offer.landlord}"
        add(offer.offered_on, "offer", "Proposition de logement", place)
        add(offer.technical_committee_on, "committee", "Comité technique", place)
        add(offer.cal_on, "cal", "Commission d'attribution (CAL)", place)
        answer = offer.get_answer_display()
        if offer.refusal_reason:
            answer = f"{answer} ({offer.get_refusal_reason_display()})"
        add(offer.cal_on or offer.offered_on, "answer", "Réponse du ménage", answer)
    for rehousing in household.rehousings.all():
        add(
            rehousing.rehoused_on,
            "rehousing",
            f"Relogement {rehousing.get_kind_display().lower()}",
            f"{rehousing.commune} — {rehousing.get_typology_display()} — {rehousing.landlord}",
        )
        if rehousing.survey_on:
            detail = f"Satisfaction : {rehousing.satisfaction} / 5" if rehousing.satisfaction else ""
            add(rehousing.survey_on, "survey", "Enquête de satisfaction", detail)
    add(household.closed_on, "closed", "Clôture", household.get_status_display())
    order = {"diagnostic": 0, "offer": 1, "committee": 2, "cal": 3, "answer": 4, "rehousing": 5, "survey": 6}
    events.sort(key=lambda event: (event["date"], order.get(event["kind"], 9)))
    return events


@personal_data(DOMAIN, AccessAction.VIEW, model=HOUSEHOLD, object_page=True)
def household_detail(request, pk):
    household = get_object_or_404(_visible(request), pk=pk)
    request.access_record.record(object_ref=household.reference)
    offers = household.offers.select_related("landlord")
    rehousings = household.rehousings.select_related("landlord")
    context = {
        "household": household,
        "offers": offers,
        "rehousings": rehousings,
        "timeline": household_timeline(household),
        "can_edit": rules.has_perm("relogement.change_household", request.user, household),
    }
    return render(request, "relogement/household_detail.html", context)


@personal_data(DOMAIN, None, model=HOUSEHOLD)  # the blank form shows nobody: an event once created
def household_create(request):
    if not rules.has_perm("relogement.add_household", request.user, request.programme):
        raise PermissionDenied
    form = HouseholdForm(request.POST or None, programme=request.programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(programme=request.programme, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            request.access_record.record(action=AccessAction.EDIT, object_ref=household.reference)
            messages.success(request, f"Le ménage {household.reference} a été créé.")
            return redirect("relogement:household_detail", pk=household.pk)
    return render(request, "relogement/household_form.html", {"form": form, "household": None})


@personal_data(DOMAIN, AccessAction.VIEW, model=HOUSEHOLD, object_page=True)  # the form shows the household
def household_edit(request, pk):
    household = get_object_or_404(_visible(request), pk=pk)
    if not rules.has_perm("relogement.change_household", request.user, household):
        raise PermissionDenied
    request.access_record.record(object_ref=household.reference)
    form = HouseholdForm(
        request.POST or None, instance=household, programme=household.programme, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(household=household, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            request.access_record.record(action=AccessAction.EDIT)
            messages.success(request, f"Le ménage {household.reference} a été mis à jour.")
            return redirect("relogement:household_detail", pk=household.pk)
    return render(request, "relogement/household_form.html", {"form": form, "household": household})


def _child_form(request, pk, *, form_class, record, perm: str, model: str, template: str, field_map=None):
    household = get_object_or_404(_visible(request), pk=pk)
    if not rules.has_perm(perm, request.user, household):
        raise PermissionDenied
    request.access_record.record(object_ref=household.reference)  # the form shows the household
    form = form_class(request.POST or None, programme=household.programme)
    if request.method == "POST" and form.is_valid():
        try:
            record(household=household, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error, field_map)
        else:
            request.access_record.record(action=AccessAction.EDIT, model=model)
            messages.success(request, f"Enregistré pour le ménage {household.reference}.")
            return redirect("relogement:household_detail", pk=household.pk)
    return render(request, template, {"form": form, "household": household})


@personal_data(DOMAIN, AccessAction.VIEW, model=HOUSEHOLD, object_page=True)
def offer_add(request, pk):
    return _child_form(
        request,
        pk,
        form_class=OfferForm,
        record=services.offer_record,
        perm="relogement.add_offer",
        model="Offer",
        template="relogement/household_offer_form.html",
    )


@personal_data(DOMAIN, AccessAction.VIEW, model=HOUSEHOLD, object_page=True)
def rehousing_add(request, pk):
    return _child_form(
        request,
        pk,
        form_class=RehousingForm,
        record=services.rehousing_record,
        perm="relogement.add_rehousing",
        model="Rehousing",
        template="relogement/household_rehousing_form.html",
        # The move changes the household's status: an impossible change is reported on "nature".
        field_map={"status": "kind"},
    )


@personal_data(DOMAIN, AccessAction.VIEW, model=HOUSEHOLD, object_page=True)
def offer_answer(request, pk, offer_pk):
    household = get_object_or_404(_visible(request), pk=pk)
    offer = get_object_or_404(household.offers.select_related("landlord"), pk=offer_pk)
    if not rules.has_perm("relogement.add_offer", request.user, household):
        raise PermissionDenied
    request.access_record.record(object_ref=household.reference)
    form = OfferAnswerForm(request.POST or None, instance=offer, programme=household.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_answer(offer=offer, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            request.access_record.record(action=AccessAction.EDIT, model="Offer")
            messages.success(request, f"Réponse enregistrée pour le ménage {household.reference}.")
            return redirect("relogement:household_detail", pk=household.pk)
    context = {"form": form, "household": household, "offer": offer}
    return render(request, "relogement/household_offer_answer.html", context)

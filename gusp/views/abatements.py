"""The landlords' yearly TFPB abatement amounts (« Montants d'abattement de TFPB »), linked from the action
plan: per year, the amounts recorded and, per landlord, how far its valued actions cover its abatement.

The GUSP editors (`gusp.rules.edits_gusp`) record, change and remove amounts (removal after a confirmation
page); the others read by the rule of the TFPB actions (`TfpbAbatement.objects.readable_by`): the
programme's people within their perimeter, a landlord's partner its own amounts, another partner none."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.audience import audience_for_request
from core.decorators import programme_required
from core.forms import save_or_errors
from gusp import display, selectors, services
from gusp.forms import TfpbAbatementForm
from gusp.models import TFPB_FIRST_YEAR, TFPB_YEARS_AHEAD
from gusp.views.common import programme_abatements, programme_actions, require_perm
from projects.models import Sector


def _sectors(request):
    return Sector.objects.visible_to(request.user).filter(programme=request.programme).order_by("name", "pk")


def _year(request) -> int:
    """`?annee=`: a year between 2015 and a few years ahead; otherwise the current year."""
    today = timezone.localdate()
    value = request.GET.get("annee", "")
    if (
        value.isascii()
        and value.isdigit()
        and len(value) == 4
        and TFPB_FIRST_YEAR <= int(value) <= today.year + TFPB_YEARS_AHEAD
    ):
        return int(value)
    return today.year


def _years(request, year: int) -> list[int]:
    """The years offered: those with an amount or a valued action the user reads, the current one and the
    year shown."""
    years = set(programme_abatements(request).values_list("year", flat=True).distinct())
    years |= set(programme_actions(request).tfpb().values_list("tfpb_year", flat=True).distinct())
    years |= {timezone.localdate().year, year}
    return sorted((y for y in years if y is not None), reverse=True)


def _list_url(year: int) -> str:
    return f"{reverse('gusp:abatement_list')}?annee={year}"


@programme_required
def abatement_list(request):
    """GET: the year's amounts and the comparison per landlord; POST (editors): record an amount."""
    year = _year(request)
    can_edit = request.user.has_perm("gusp.add_tfpbabatement", request.programme)
    form = None
    if can_edit or request.method == "POST":
        require_perm(request, "gusp.add_tfpbabatement", request.programme)
        form = TfpbAbatementForm(
            request.POST or None,
            programme=request.programme,
            sectors=_sectors(request),
            initial={"year": year},
        )
        if request.method == "POST" and form.is_valid():
            created = []
            if save_or_errors(
                form,
                lambda: created.append(
                    services.tfpb_abatement_create(programme=request.programme, **form.cleaned_data)
                ),
            ):
                abatement = created[0]
                messages.success(request, f"Abattement {abatement.year} de {abatement.landlord} enregistré.")
                return redirect(_list_url(abatement.year))
    abatements = programme_abatements(request).filter(year=year).select_related("landlord", "sector")
    rows = selectors.tfpb_by_landlord(
        programme_actions(request), years=(year,), abatements=programme_abatements(request)
    )
    context = {
        "year": year,
        "years": _years(request, year),
        "abatements": abatements,
        "comparison": display.tfpb_display(rows),
        "form": form,
        "can_edit": can_edit,
        "is_internal": audience_for_request(request).is_internal,
        "action_list_url": reverse("gusp:action_list"),
    }
    return render(request, "gusp/abatement_list.html", context)


@programme_required
def abatement_edit(request, pk: int):
    abatement = get_object_or_404(programme_abatements(request).select_related("landlord", "sector"), pk=pk)
    require_perm(request, "gusp.change_tfpbabatement", abatement)
    title = f"Modifier l'abattement {abatement.year} de {abatement.landlord}"
    form = TfpbAbatementForm(
        request.POST or None, instance=abatement, programme=request.programme, sectors=_sectors(request)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_errors(
            form, lambda: services.tfpb_abatement_update(abatement=abatement, **form.cleaned_data)
        )
    ):
        messages.success(request, f"Abattement {abatement.year} de {abatement.landlord} mis à jour.")
        return redirect(_list_url(abatement.year))
    list_url = _list_url(abatement.year)
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel_url": list_url,
            "breadcrumb": [
                (reverse("gusp:action_list"), "Plan d'actions"),
                (list_url, "Abattements de TFPB"),
            ],
        },
    )


@programme_required
def abatement_delete(request, pk: int):
    """GET: the confirmation page (landlord, year, quartier, amount); POST: the removal."""
    abatement = get_object_or_404(programme_abatements(request).select_related("landlord", "sector"), pk=pk)
    require_perm(request, "gusp.delete_tfpbabatement", abatement)
    list_url = _list_url(abatement.year)
    if request.method == "POST":
        services.tfpb_abatement_delete(abatement=abatement)
        messages.success(request, f"Abattement {abatement.year} de {abatement.landlord} retiré.")
        return redirect(list_url)
    return render(
        request,
        "gusp/abatement_confirm_delete.html",
        {
            "abatement": abatement,
            "title": "Retirer le montant d'abattement",
            "breadcrumb": [
                (reverse("gusp:action_list"), "Plan d'actions"),
                (list_url, "Abattements de TFPB"),
            ],
            "cancel_url": list_url,
        },
    )

"""The GUSP conventions (« Convention GUSP »): the list, one convention's page (quartiers, period,
signatories, the NPNRU convention and its « projet de gestion », commitments by volet) and the team's
forms for a convention and its commitments.

Everyone reads through `GuspConvention.objects.visible_to(user)`: the programme's members without a
quartier limit, and those limited to quartiers the conventions covering one of them. The GUSP referent
and the mission team write (`gusp.change_guspconvention`)."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.audience import audience_for_request
from core.decorators import programme_required
from core.forms import save_or_errors
from core.readonly import readonly
from gusp import services
from gusp.forms import CommitmentForm, GuspConventionForm
from gusp.models import Commitment, GuspConvention, Volet
from gusp.views.common import programme_actions, require_perm


def _conventions(request):
    return GuspConvention.objects.visible_to(request.user).filter(programme=request.programme)


def _convention(request, pk: int) -> GuspConvention:
    return get_object_or_404(_conventions(request).select_related("npnru_convention"), pk=pk)


@readonly
@programme_required
def convention_list(request):
    conventions = (
        _conventions(request)
        .select_related("npnru_convention")
        .prefetch_related("sectors", "signatories")
        .annotate(commitment_count=Count("commitments", distinct=True))
        .order_by("-starts_on", "pk")
    )
    context = {
        "conventions": conventions,
        "can_add": request.user.has_perm("gusp.add_guspconvention", request.programme),
    }
    return render(request, "gusp/convention_list.html", context)


def commitments_by_volet(commitments) -> list[tuple[str, list[Commitment]]]:
    """The commitments grouped by volet, in the volets' order (every volet, even without commitment)."""
    grouped: dict[str, list[Commitment]] = {value: [] for value in Volet.values}
    for commitment in commitments:
        grouped[commitment.volet].append(commitment)
    return [(label, grouped[value]) for value, label in Volet.choices]


@readonly
@programme_required
def convention_detail(request, pk: int):
    convention = get_object_or_404(
        _conventions(request)
        .select_related("npnru_convention")
        .prefetch_related(
            "sectors",
            "signatories",
            Prefetch("commitments", Commitment.objects.select_related("organisation")),
        ),
        pk=pk,
    )
    actions = programme_actions(request).filter(convention=convention)
    context = {
        "convention": convention,
        "volets": commitments_by_volet(convention.commitments.all()),
        "action_count": actions.count(),
        "open_action_count": actions.open().count(),
        "is_internal": audience_for_request(request).is_internal,
        "can_edit": request.user.has_perm("gusp.change_guspconvention", convention),
    }
    return render(request, "gusp/convention_detail.html", context)


def _form_page(request, form, title: str, breadcrumb: list, cancel_url: str, template: str):
    return render(
        request,
        template,
        {"form": form, "title": title, "breadcrumb": breadcrumb, "cancel_url": cancel_url},
    )


def _list_crumb() -> tuple[str, str]:
    return (reverse("gusp:convention_list"), "Conventions GUSP")


@programme_required
def convention_create(request):
    require_perm(request, "gusp.add_guspconvention", request.programme)
    form = GuspConventionForm(request.POST or None, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        created = []
        if save_or_errors(
            form,
            lambda: created.append(
                services.convention_create(programme=request.programme, **form.service_fields())
            ),
        ):
            messages.success(request, f"Convention « {created[0].title} » enregistrée.")
            return redirect("gusp:convention_detail", pk=created[0].pk)
    list_url, _ = _list_crumb()
    return _form_page(
        request, form, "Nouvelle convention GUSP", [_list_crumb()], list_url, "gusp/convention_form.html"
    )


@programme_required
def convention_edit(request, pk: int):
    convention = _convention(request, pk)
    require_perm(request, "gusp.change_guspconvention", convention)
    title = f"Modifier « {convention.title} »"
    detail_url = reverse("gusp:convention_detail", args=[convention.pk])
    breadcrumb = [_list_crumb(), (detail_url, convention.title)]
    form = GuspConventionForm(request.POST or None, instance=convention, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if save_or_errors(form, lambda: services.convention_update(convention=convention, **fields)):
            messages.success(request, f"Convention « {convention.title} » mise à jour.")
            return redirect(detail_url)
    return _form_page(request, form, title, breadcrumb, detail_url, "gusp/convention_form.html")


def _commitment_page(request, convention, form, title: str):
    detail_url = reverse("gusp:convention_detail", args=[convention.pk])
    breadcrumb = [_list_crumb(), (detail_url, convention.title)]
    return _form_page(request, form, title, breadcrumb, detail_url, "gusp/convention_commitment_form.html")


@programme_required
def commitment_create(request, pk: int):
    convention = _convention(request, pk)
    require_perm(request, "gusp.change_guspconvention", convention)
    form = CommitmentForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        saved = save_or_errors(
            form, lambda: services.commitment_add(convention=convention, **form.cleaned_data)
        )
        if saved:
            messages.success(request, "Engagement ajouté.")
            return redirect("gusp:convention_detail", pk=convention.pk)
    return _commitment_page(request, convention, form, "Nouvel engagement")


def _commitment(request, pk: int, commitment_pk: int) -> tuple[GuspConvention, Commitment]:
    convention = _convention(request, pk)
    commitment = get_object_or_404(Commitment.objects.filter(convention=convention), pk=commitment_pk)
    require_perm(request, "gusp.change_guspconvention", convention)
    return convention, commitment


@programme_required
def commitment_edit(request, pk: int, commitment_pk: int):
    convention, commitment = _commitment(request, pk, commitment_pk)
    form = CommitmentForm(request.POST or None, instance=commitment, convention=convention)
    if request.method == "POST" and form.is_valid():
        saved = save_or_errors(
            form, lambda: services.commitment_update(commitment=commitment, **form.cleaned_data)
        )
        if saved:
            messages.success(request, "Engagement mis à jour.")
            return redirect("gusp:convention_detail", pk=convention.pk)
    return _commitment_page(request, convention, form, "Modifier l'engagement")


@programme_required
def commitment_delete(request, pk: int, commitment_pk: int):
    """GET: the confirmation page (what is removed, from which convention); POST: the removal (recorded in
    the commitments' history), as the operations' milestones and funding lines are removed."""
    convention, commitment = _commitment(request, pk, commitment_pk)
    detail_url = reverse("gusp:convention_detail", args=[convention.pk])
    if request.method == "POST":
        services.commitment_delete(commitment=commitment)
        messages.success(request, "Engagement retiré de la convention.")
        return redirect(detail_url)
    return render(
        request,
        "gusp/commitment_confirm_delete.html",
        {
            "convention": convention,
            "commitment": commitment,
            "title": "Retirer l'engagement",
            "breadcrumb": [_list_crumb(), (detail_url, convention.title)],
            "cancel_url": detail_url,
        },
    )

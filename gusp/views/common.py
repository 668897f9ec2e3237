"""What the GUSP pages share: the reports a request may see, and who may act on them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from accounts.selectors import scope_cache_key
from core.audience import audience_for_request
from core.http import safe_next
from gusp.models import GuspAction, Report, TfpbAbatement


def programme_reports(request):
    """The reports of the current programme the user sees one by one (`Report.objects.visible_to`)."""
    return Report.objects.visible_to(request.user).filter(programme=request.programme)


def _reader(request) -> dict:
    """Who reads the TFPB lines (`readable_by`): the programme's people, or a partner's organisation."""
    membership = request.membership
    return {
        "internal": audience_for_request(request).is_internal,
        "organisation_id": membership.organisation_id if membership is not None else None,
    }


def programme_actions(request):
    """The actions of the current programme the user reads (`GuspAction.objects.readable_by`: a partner
    reads the TFPB actions of its own organisation only)."""
    return GuspAction.objects.filter(programme=request.programme).readable_by(
        request.user, **_reader(request)
    )


def programme_abatements(request):
    """The TFPB abatement amounts of the current programme the user reads, by the rule of the TFPB actions
    (`TfpbAbatement.objects.readable_by`: a landlord's partner its own, another partner none)."""
    return TfpbAbatement.objects.filter(programme=request.programme).readable_by(
        request.user, **_reader(request)
    )


def actions_scope_key(request) -> str:
    """Which TFPB actions the user reads, for the figures' cache: all of its perimeter for the programme's
    people, its organisation's for a partner (two partners with the same quartiers may not share them)."""
    reader = _reader(request)
    if reader["internal"]:
        return "tfpb-tout"
    organisation_id = reader["organisation_id"]
    return f"tfpb-organisation-{organisation_id}" if organisation_id else "tfpb-aucune"


def visible_report(request, pk: int, queryset=None) -> Report:
    """One report of the programme the user sees, or a 404."""
    return get_object_or_404(queryset if queryset is not None else programme_reports(request), pk=pk)


def require_perm(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def reports_scope_key(request) -> str:
    """A short key naming which reports the user sees, for caches shared by users who see the same: the
    programme's people by their perimeter, a partner by its organisation (the reports routed to it)."""
    if audience_for_request(request).is_internal:
        return scope_cache_key(request.user, programme_id=request.programme.pk)
    membership = request.membership
    return f"organisation-{membership.organisation_id}" if membership is not None else "rien"


# The lists with a form for the ticked reports (triage queue, report list) ------------------------------


def ticked_report_ids(request) -> frozenset[int]:
    """The reports ticked in the POSTed list (kept ticked when the page comes back with an error)."""
    return frozenset(int(pk) for pk in request.POST.getlist("lot-reports") if pk.isdigit() and len(pk) < 19)


def list_return_url(request, url_name: str) -> str:
    """Where the list's form sends the user back: the list as shown (its filters, sort and page), also
    when a refused POST re-renders it at the form's URL."""
    if request.method == "POST":
        return safe_next(request, reverse(url_name))
    return request.get_full_path()


def back_to_list(request, url_name: str):
    """A GET on a list form's URL (a sort or page link of the list re-rendered there after a refused POST):
    the list itself, with the same query."""
    query = request.GET.urlencode()
    return redirect(reverse(url_name) + (f"?{query}" if query else ""))

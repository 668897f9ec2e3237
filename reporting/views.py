"""PDF packs: list and request form, detail with progress (htmx polling), download, publication."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import jobs
from core.audience import audience_for_request
from core.decorators import programme_required
from core.readonly import readonly
from projects.models import Sector
from reporting import selectors
from reporting import services as packs
from reporting.forms import PackRequestForm
from reporting.models import Pack, PackStatus

PAGE_SIZE = 25
POLLING_STATUSES = (PackStatus.PENDING, PackStatus.RUNNING)


def _packs(request):
    return (
        Pack.objects.visible_to(request.user)
        .filter(programme=request.programme)
        .select_related("programme", "sector", "requested_by")
    )


def _request_form(request, data=None) -> PackRequestForm | None:
    if not packs.can_request_packs(request.user, request.membership):
        return None
    sectors = Sector.objects.visible_to(request.user).filter(programme=request.programme)
    restricted = request.membership is not None and request.membership.sectors.exists()
    return PackRequestForm(data, sectors=sectors, sector_required=restricted, today=timezone.localdate())


def _list_page(request, form, status=200):
    packs_page = Paginator(_packs(request).order_by("-requested_at", "-pk"), PAGE_SIZE)
    page = packs_page.get_page(request.GET.get("page"))
    internal = audience_for_request(request).is_internal
    membership = request.membership
    context = {
        "page_obj": page,
        "packs": page.object_list,
        "form": form,
        "polling": POLLING_STATUSES,
        # Partners see what a pack holds, not the name of the person who asked for it.
        "show_requester": internal,
        # A partner limited to some sectors is told why it sees no programme-wide pack.
        "partner_sectors": (
            [sector.name for sector in membership.sectors.all()]
            if not internal and membership is not None and not request.user.is_superuser
            else []
        ),
    }
    return render(request, "reporting/pack_list.html", context, status=status)


@readonly
@programme_required
def pack_list(request):
    return _list_page(request, _request_form(request))


@require_POST
@programme_required
def pack_request(request):
    form = _request_form(request, request.POST)
    if form is None:
        raise PermissionDenied
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        pack = packs.pack_request(programme=request.programme, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _list_page(request, form, status=400)
    # No flash message: "prêt dans quelques instants" is in the status block the page polls, so it goes
    # when the pack is ready (a banner above it stayed next to the download link).
    return redirect("reporting:pack_detail", pk=pack.pk)


def _detail_context(request, pk) -> dict:
    pack = get_object_or_404(_packs(request).select_related("published_by", "withdrawn_by"), pk=pk)
    seconds = f"{pack.duration_ms / 1000:.1f}".replace(".", ",") if pack.duration_ms else ""
    internal = audience_for_request(request).is_internal
    # A pack for partners is a draft until published: the team sees its publication state, who may
    # publish gets the buttons (in the polled block, so that "Publier" shows up once the pack is ready).
    publication = pack.for_partners and internal
    return {
        "pack": pack,
        "polling": POLLING_STATUSES,
        "duration": seconds,
        # The worker's figure, from the cache (0 until it starts).
        "progress": (jobs.progress_get(pack) or 0) if pack.status in POLLING_STATUSES else None,
        "show_requester": internal,
        "show_publication": publication,
        "can_publish": publication and request.user.has_perm("reporting.publish_pack", pack),
        "publication_history": selectors.publication_history(pack) if publication else [],
    }


@readonly
@programme_required
def pack_detail(request, pk):
    return render(request, "reporting/pack_detail.html", _detail_context(request, pk))


@readonly
@programme_required
def pack_status(request, pk):
    """The status block alone: htmx polls it every 2 s while the pack waits or is being built."""
    return render(request, "reporting/pack_detail.html#status", _detail_context(request, pk))


@readonly
@programme_required
def pack_download(request, pk):
    pack = get_object_or_404(_packs(request), pk=pk)
    if pack.status != PackStatus.READY or not pack.file:
        raise Http404("Ce dossier n'est pas prêt.")
    return FileResponse(
        pack.file.open("rb"),
        as_attachment=True,
        filename=packs.pack_filename(pack),
        content_type="application/pdf",
    )


def _publication_change(request, pk, change, done: str):
    pack = get_object_or_404(_packs(request), pk=pk)
    if not request.user.has_perm("reporting.publish_pack", pack):
        raise PermissionDenied
    try:
        change(pack=pack, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("reporting:pack_detail", pk=pack.pk)


@require_POST
@programme_required
def pack_publish(request, pk):
    return _publication_change(
        request, pk, packs.pack_publish, "Dossier publié : les partenaires de son périmètre le voient."
    )


@require_POST
@programme_required
def pack_withdraw(request, pk):
    return _publication_change(
        request, pk, packs.pack_withdraw, "Dossier retiré : les partenaires ne le voient plus."
    )

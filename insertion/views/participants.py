"""Participant pages: personal data. Only memberships holding the insertion personal-data grant (and a
second factor) see participants one by one, and every page or export that shows them writes an
access-log event (never the data): both through `core.decorators.personal_data`. No name anywhere: a
pseudonymous reference and the facilitator's own id."""

from django.db.models import Count, Max, Q, Sum
from django.shortcuts import get_object_or_404, render
from django_tables2 import RequestConfig

from core.decorators import personal_data
from core.exports import Sheet, xlsx_sheets_response
from core.models import AccessAction
from core.readonly import readonly
from insertion import exports
from insertion.filters import ParticipantFilter
from insertion.models import DOMAIN, Participant, Public, WorkContract
from insertion.tables import ContractTable, ParticipantTable

PAGE_SIZE = 50
PARTICIPANT = "Participant"


def _visible(request):
    return Participant.objects.visible_to(request.user).filter(programme=request.programme)


def _with_list_data(queryset):
    return queryset.annotate(
        contract_count=Count("contracts"),
        hours=Sum("contracts__hours_worked"),
        last_end=Max("contracts__ends_on"),
        running_contracts=Count("contracts", filter=Q(contracts__ends_on__isnull=True)),
    )


@personal_data(DOMAIN, AccessAction.LIST, model=PARTICIPANT)
@readonly
def participant_list(request):
    queryset = _with_list_data(_visible(request)).order_by("reference", "pk")
    filterset = ParticipantFilter(request.GET, queryset=queryset, request=request)
    table = ParticipantTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    request.access_record.record(count=len(table.page.object_list))
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "can_export": request.membership.writes_domain(DOMAIN),
    }
    template = (
        "insertion/includes/participant_table.html" if request.htmx else "insertion/participant_list.html"
    )
    return render(request, template, context)


@personal_data(DOMAIN, AccessAction.EXPORT, model=PARTICIPANT, editors_only=True)
@readonly
def participant_export(request):
    """The filtered participants, and their contracts on a second sheet."""
    queryset = _with_list_data(_visible(request)).order_by("reference", "pk")
    participants = list(ParticipantFilter(request.GET, queryset=queryset, request=request).qs)
    chosen = ParticipantFilter(request.GET, queryset=_visible(request), request=request).qs
    contracts = (
        WorkContract.objects.visible_to(request.user)
        .filter(participant__in=chosen.values("pk"))
        .select_related("participant", "market__moa", "market__operation", "employer", "user_company")
        .order_by("participant__reference", "starts_on", "reference", "pk")
    )
    request.access_record.record(count=len(participants))
    return xlsx_sheets_response(
        filename=f"participants-insertion-{request.programme.slug}",
        sheets=[
            Sheet("Participants", exports.PARTICIPANT_COLUMNS, participants),
            Sheet("Contrats", exports.CONTRACT_COLUMNS, contracts.iterator(chunk_size=500)),
        ],
    )


@personal_data(DOMAIN, AccessAction.VIEW, model=PARTICIPANT, object_page=True)
@readonly
def participant_detail(request, pk: int):
    participant = get_object_or_404(_visible(request), pk=pk)
    request.access_record.record(object_ref=participant.reference)
    contracts = (
        WorkContract.objects.visible_to(request.user)
        .filter(participant=participant)
        .select_related("participant", "market", "employer")
        .order_by("starts_on", "reference", "pk")
    )
    table = ContractTable(contracts, exclude=["participant"], orderable=False)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    context = {
        "participant": participant,
        "table": table,
        "totals": contracts.aggregate(hours=Sum("hours_worked"), training=Sum("training_hours")),
        "count": table.paginator.count,
        "public_labels": [dict(Public.choices).get(value, value) for value in participant.publics],
    }
    return render(request, "insertion/participant_detail.html", context)

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from core.decorators import programme_required
from core.filters import YEAR_MAX, YEAR_MIN
from core.forms import apply_service_errors
from core.readonly import readonly
from core.richtext import sanitize_html
from core.scoping import out_of_scope_count, out_of_scope_text
from core.tables import scope_note
from core.widgets import autocomplete_response
from governance import selectors, services
from governance.filters import MeetingFilter, MeetingListFilter
from governance.forms import AgendaItemForm, AttendanceForm, DecisionForm, MeetingCreateForm, MeetingForm
from governance.ics import feed_token
from governance.models import AgendaItem, Meeting
from governance.tables import MeetingTable
from governance.views.common import (
    flash_form_errors,
    require_perm,
    service_error_message,
)
from projects import selectors as project_selectors
from projects.forms import DocumentForm

PAGE_SIZE = 50
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def _meetings(request):
    return selectors.visible_meetings(user=request.user, programme=request.programme)


def _month(value: str | None, today: datetime.date) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        datetime.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    if not YEAR_MIN <= year <= YEAR_MAX:  # the calendar reaches into the next month: never year 10000
        return today.year, today.month
    return year, month


def _shift(year: int, month: int, delta: int) -> str:
    index = year * 12 + month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@readonly
@programme_required
def meeting_calendar(request):
    today = timezone.localdate()
    year, month = _month(request.GET.get("mois"), today)
    filterset = MeetingFilter(request.GET, queryset=_meetings(request), request=request)
    meetings = selectors.meetings_of_month(filterset.qs, year=year, month=month)
    query = request.GET.copy()
    query.pop("mois", None)
    filters = query.urlencode()
    context = {
        "filter": filterset,
        "filters": filters,
        "weeks": selectors.month_grid(meetings, year=year, month=month),
        "meetings": meetings,
        "month_label": f"{MONTHS[month - 1]} {year}",
        "month_value": f"{year:04d}-{month:02d}",
        "previous_month": _shift(year, month, -1),
        "next_month": _shift(year, month, 1),
        "previous_label": f"{MONTHS[(month - 2) % 12]} {year - (month == 1)}",
        "next_label": f"{MONTHS[month % 12]} {year + (month == 12)}",
        "current_month": f"{today.year:04d}-{today.month:02d}",
        "today": today,
        "feed_url": request.build_absolute_uri(
            reverse("governance:ics_feed", args=[feed_token(request.user)])
        ),
        "can_add": request.user.has_perm("governance.add_meeting", request.programme),
    }
    template = (
        "governance/includes/calendar_month.html" if request.htmx else "governance/meeting_calendar.html"
    )
    return render(request, template, context)


@readonly
@programme_required
def meeting_list(request):
    meetings = _meetings(request).select_related("body").annotate(decision_count=Count("decisions"))
    filterset = MeetingListFilter(
        request.GET, queryset=meetings.order_by("-starts_at", "pk"), request=request
    )
    table = MeetingTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    in_programme = Meeting.objects.filter(body__programme=request.programme)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "out_of_scope": scope_note(
            request, table, filterset, in_programme, singular="séance", plural="séances"
        ),
    }
    template = "governance/includes/meeting_table.html" if request.htmx else "governance/meeting_list.html"
    return render(request, template, context)


@programme_required
def meeting_create(request):
    require_perm(request, "governance.add_meeting", request.programme)
    bodies = selectors.visible_bodies(user=request.user, programme=request.programme).filter(is_active=True)
    initial = {}
    if request.GET.get("instance", "").isdigit():
        initial["body"] = bodies.filter(pk=request.GET["instance"]).first()
    form = MeetingCreateForm(request.POST or None, bodies=bodies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(**form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "La séance a été planifiée.")
            return redirect("governance:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": "Planifier une séance",
            "submit_label": "Planifier la séance",
            "cancel_url": reverse("governance:meeting_calendar"),
            "breadcrumb": [(reverse("governance:meeting_calendar"), "Séances")],
        },
    )


def _editable_meeting(request, pk: int):
    meeting = get_object_or_404(_meetings(request).select_related("body"), pk=pk)
    require_perm(request, "governance.change_meeting", meeting)
    return meeting


@readonly
@programme_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(
        selectors.meeting_with_detail_data(_meetings(request), user=request.user), pk=pk
    )
    can_edit = request.user.has_perm("governance.change_meeting", meeting)
    programme = meeting.body.programme
    context = {
        "meeting": meeting,
        "minutes_html": sanitize_html(meeting.minutes),
        "today": timezone.localdate(),
        "documents": selectors.meeting_documents(
            meeting=meeting, user=request.user, membership=request.membership
        ),
        "can_edit": can_edit,
        "actions_out_of_scope": out_of_scope_text(
            out_of_scope_count(
                user=request.user,
                membership=request.membership,
                visible=len(meeting.visible_actions),
                in_programme=meeting.actions.all(),
            ),
            "action",
            "actions",
        ),
        "can_add_action": request.user.has_perm("governance.add_action", programme),
        "attendance_form": AttendanceForm(programme=programme, prefix="presence") if can_edit else None,
        "document_form": DocumentForm() if can_edit else None,
    }
    return render(request, "governance/meeting_detail.html", context)


@readonly
@programme_required
def meeting_operation_choices(request, pk: int):
    """Search-as-you-type choices of the séance's operation fields: the operations the user sees, in
    the body's sectors when it has some."""
    meeting = get_object_or_404(_meetings(request).select_related("body"), pk=pk)
    operations = project_selectors.visible_operations(user=request.user, programme=request.programme)
    sector_ids = list(meeting.body.sectors.values_list("pk", flat=True))
    if sector_ids:
        operations = operations.filter(sector__in=sector_ids)
    return autocomplete_response(
        request, operations, fields=["identifier", "label"], order_by=["identifier", "pk"]
    )


@programme_required
def meeting_edit(request, pk: int):
    meeting = _editable_meeting(request, pk)
    form = MeetingForm(request.POST or None, request.FILES or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "La séance a été mise à jour.")
            return redirect("governance:meeting_detail", pk=meeting.pk)
    detail_url = reverse("governance:meeting_detail", args=[meeting.pk])
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": f"Modifier la séance : {meeting}",
            "multipart": True,
            "cancel_url": detail_url,
            "breadcrumb": [(reverse("governance:meeting_calendar"), "Séances"), (detail_url, str(meeting))],
        },
    )


def _back(meeting, anchor: str):
    return redirect(reverse("governance:meeting_detail", args=[meeting.pk]) + f"#{anchor}")


def _choices_url(meeting) -> str:
    return reverse("governance:meeting_operation_choices", args=[meeting.pk])


def _form_opened(request, meeting, form, *, partial: str, title: str, submit_label: str):
    """GET of a séance's add form, loaded when its panel is opened: the bare form for htmx, a form
    page when JavaScript is off."""
    if request.htmx:
        return render(request, partial, {"meeting": meeting, "form": form})
    detail_url = reverse("governance:meeting_detail", args=[meeting.pk])
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": title,
            "submit_label": submit_label,
            "cancel_url": detail_url,
            "breadcrumb": [(reverse("governance:meeting_calendar"), "Séances"), (detail_url, str(meeting))],
        },
    )


@require_http_methods(["GET", "POST"])
@programme_required
def agenda_item_add(request, pk: int):
    meeting = _editable_meeting(request, pk)
    if request.method == "GET":
        form = AgendaItemForm(
            programme=meeting.body.programme, prefix="odj", operation_url=_choices_url(meeting)
        )
        return _form_opened(
            request,
            meeting,
            form,
            partial="governance/includes/agenda_item_form.html",
            title="Ajouter un point à l'ordre du jour",
            submit_label="Ajouter le point",
        )
    form = AgendaItemForm(request.POST, programme=meeting.body.programme, prefix="odj")
    if not form.is_valid():
        flash_form_errors(request, "Point non ajouté.", form)
        return _back(meeting, "titre-odj")
    try:
        services.agenda_item_add(meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, f"Point non ajouté. {service_error_message(error)}")
    else:
        messages.success(request, f"Point « {form.cleaned_data['title']} » ajouté à l'ordre du jour.")
    return _back(meeting, "titre-odj")


@require_POST
@programme_required
def agenda_item_remove(request, pk: int, item_pk: int):
    meeting = _editable_meeting(request, pk)
    item = get_object_or_404(AgendaItem.objects.filter(meeting=meeting), pk=item_pk)
    try:
        services.agenda_item_remove(item=item)
    except ValidationError as error:
        messages.error(request, service_error_message(error))
    else:
        messages.success(request, f"Point « {item.title} » retiré de l'ordre du jour.")
    return _back(meeting, "titre-odj")


@require_POST
@programme_required
def attendance_set(request, pk: int):
    meeting = _editable_meeting(request, pk)
    form = AttendanceForm(request.POST, programme=meeting.body.programme, prefix="presence")
    if not form.is_valid():
        flash_form_errors(request, "Présence non enregistrée.", form)
        return _back(meeting, "titre-presences")
    try:
        services.attendance_set(meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, f"Présence non enregistrée. {service_error_message(error)}")
    else:
        messages.success(request, f"Présence de « {form.cleaned_data['organisation']} » enregistrée.")
    return _back(meeting, "titre-presences")


@require_http_methods(["GET", "POST"])
@programme_required
def decision_add(request, pk: int):
    meeting = _editable_meeting(request, pk)
    if request.method == "GET":
        form = DecisionForm(
            programme=meeting.body.programme, prefix="decision", operation_url=_choices_url(meeting)
        )
        return _form_opened(
            request,
            meeting,
            form,
            partial="governance/includes/decision_form.html",
            title="Ajouter une décision",
            submit_label="Ajouter la décision",
        )
    form = DecisionForm(request.POST, programme=meeting.body.programme, prefix="decision")
    if not form.is_valid():
        flash_form_errors(request, "Décision non enregistrée.", form)
        return _back(meeting, "titre-decisions")
    try:
        services.decision_record(meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, f"Décision non enregistrée. {service_error_message(error)}")
    else:
        messages.success(request, "Décision ajoutée au relevé.")
    return _back(meeting, "titre-decisions")


@programme_required
def decision_edit(request, pk: int):
    decision = get_object_or_404(
        selectors.visible_decisions(user=request.user, programme=request.programme).select_related(
            "meeting__body"
        ),
        pk=pk,
    )
    require_perm(request, "governance.change_decision", decision)
    meeting = decision.meeting
    form = DecisionForm(request.POST or None, instance=decision, programme=meeting.body.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(decision=decision, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "La décision a été mise à jour.")
            return _back(meeting, "titre-decisions")
    detail_url = reverse("governance:meeting_detail", args=[meeting.pk])
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": "Modifier la décision",
            "cancel_url": detail_url,
            "breadcrumb": [(reverse("governance:meeting_calendar"), "Séances"), (detail_url, str(meeting))],
        },
    )


@require_POST
@programme_required
def meeting_document_upload(request, pk: int):
    meeting = _editable_meeting(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_form_errors(request, "Document non ajouté.", form)
        return _back(meeting, "titre-documents")
    try:
        services.meeting_document_attach(meeting=meeting, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, f"Document non ajouté. {service_error_message(error)}")
    else:
        messages.success(request, f"Document « {form.cleaned_data['title']} » ajouté.")
    return _back(meeting, "titre-documents")


@programme_required
def meeting_document_download(request, pk: int, document_pk: int):
    meeting = get_object_or_404(_meetings(request).select_related("body"), pk=pk)
    documents = selectors.meeting_documents(meeting=meeting, user=request.user, membership=request.membership)
    document = get_object_or_404(documents, pk=document_pk)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.file.name.split("/")[-1]
    )


@programme_required
def meeting_minutes_download(request, pk: int):
    meeting = get_object_or_404(_meetings(request), pk=pk)
    if not meeting.minutes_file:
        raise Http404
    return FileResponse(
        meeting.minutes_file.open("rb"), as_attachment=True, filename=meeting.minutes_file.name.split("/")[-1]
    )

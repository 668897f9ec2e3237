from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.audience import audience_for_request
from core.decorators import internal_required, programme_required
from core.forms import apply_service_errors
from core.readonly import readonly
from core.richtext import sanitize_html
from core.tables import scope_note
from governance import selectors, services
from governance.charts import attendance_chart, feedback_chart
from governance.disclosure_tables import attendance_table, remarks_table
from governance.filters import FeedbackFilter, PublicEventFilter
from governance.forms import FeedbackAnswerForm, FeedbackConvertForm, FeedbackForm, PublicEventForm
from governance.models import PublicEvent
from governance.tables import FeedbackTable, PublicEventTable
from governance.views.common import require_perm, service_error_message
from projects.models import Sector

PAGE_SIZE = 50


def _events(request):
    return selectors.visible_events(user=request.user, programme=request.programme)


def _feedbacks(request):
    return selectors.visible_feedbacks(user=request.user, programme=request.programme)


class DashboardForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", coerce=int)
    quartier = forms.ModelChoiceField(label="Quartier", queryset=Sector.objects.none(), required=False)

    def __init__(self, *args, years: list[int], sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(year, str(year)) for year in years]
        self.fields["quartier"].queryset = sectors
        self.fields["quartier"].empty_label = "Tous les quartiers"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


@readonly
@programme_required
def concertation_dashboard(request):
    today = timezone.localdate()
    sectors = Sector.objects.visible_to(request.user).filter(programme=request.programme)
    years = selectors.concertation_years(events=_events(request), feedbacks=_feedbacks(request), today=today)
    form = DashboardForm(request.GET or None, years=years, sectors=sectors, initial={"annee": today.year})
    year, sector = today.year, None
    if form.is_bound and form.is_valid():
        year, sector = form.cleaned_data["annee"], form.cleaned_data["quartier"]
    events = _events(request).filter(held_on__year=year)
    feedbacks = _feedbacks(request).filter(received_on__year=year)
    if sector is not None:
        events, feedbacks = events.filter(sector=sector), feedbacks.filter(sector=sector)
    figures = selectors.concertation_figures(events=events, feedbacks=feedbacks)
    audience = audience_for_request(request)
    *attendance, attendance_total = attendance_table(figures, audience.counts)
    *themes, themes_total = remarks_table(figures.by_theme, audience.counts, attendance=True)
    *sectors, sectors_total = remarks_table(figures.by_sector, audience.counts, attendance=True)
    context = {
        "form": form,
        "year": year,
        "sector": sector,
        "figures": figures,
        "audience": audience,
        "can_see_feedback": audience.is_internal,
        "attendance": attendance,
        "attendance_total": attendance_total,
        "themes": themes,
        "themes_total": themes_total,
        "sectors": sectors,
        "sectors_total": sectors_total,
    }
    if audience.draws_people_charts:
        context.update(attendance_chart=attendance_chart(figures), feedback_chart=feedback_chart(figures))
    return render(request, "governance/concertation_dashboard.html", context)


# --- Temps de concertation --------------------------------------------------------------------------


@readonly
@programme_required
def event_list(request):
    events = _events(request).select_related("sector").order_by("-held_on", "pk")
    filterset = PublicEventFilter(request.GET, queryset=events, request=request)
    table = PublicEventTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    in_programme = PublicEvent.objects.filter(programme=request.programme)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "out_of_scope": scope_note(
            request,
            table,
            filterset,
            in_programme,
            singular="temps de concertation",
            plural="temps de concertation",
        ),
        "can_add": request.user.has_perm("governance.add_publicevent", request.programme),
    }
    template = "governance/includes/event_table.html" if request.htmx else "governance/event_list.html"
    return render(request, template, context)


@readonly
@programme_required
def event_detail(request, pk: int):
    event = get_object_or_404(_events(request).select_related("sector"), pk=pk)
    can_see_feedback = audience_for_request(request).is_internal
    context = {
        "event": event,
        "summary_html": sanitize_html(event.summary),
        "feedbacks": _feedbacks(request).filter(event=event).order_by("-received_on", "pk")
        if can_see_feedback
        else None,
        "can_edit": request.user.has_perm("governance.change_publicevent", event),
        "can_add_feedback": request.user.has_perm("governance.add_feedback", request.programme),
    }
    return render(request, "governance/event_detail.html", context)


def _event_page(request, form, *, title: str, cancel_url: str):
    breadcrumb = [
        (reverse("governance:concertation_dashboard"), "Concertation"),
        (reverse("governance:event_list"), "Temps de concertation"),
    ]
    return render(
        request,
        "governance/form_page.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "breadcrumb": breadcrumb},
    )


@programme_required
def event_create(request):
    require_perm(request, "governance.add_publicevent", request.programme)
    form = PublicEventForm(request.POST or None, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            event = services.public_event_record(
                programme=request.programme,
                title=fields.pop("title"),
                kind=fields.pop("kind"),
                theme=fields.pop("theme"),
                held_on=fields.pop("held_on"),
                **fields,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Temps de concertation « {event.title} » enregistré.")
            return redirect("governance:event_detail", pk=event.pk)
    return _event_page(
        request, form, title="Nouveau temps de concertation", cancel_url=reverse("governance:event_list")
    )


@programme_required
def event_edit(request, pk: int):
    event = get_object_or_404(_events(request), pk=pk)
    require_perm(request, "governance.change_publicevent", event)
    form = PublicEventForm(request.POST or None, instance=event, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.public_event_update(event=event, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Temps de concertation « {event.title} » mis à jour.")
            return redirect("governance:event_detail", pk=event.pk)
    return _event_page(
        request,
        form,
        title=f"Modifier « {event.title} »",
        cancel_url=reverse("governance:event_detail", args=[event.pk]),
    )


# --- Remontées des habitants (internal: raw words of residents stay with the project team) ----------


@readonly
@internal_required
def feedback_list(request):
    feedbacks = _feedbacks(request).select_related("sector", "action").order_by("-received_on", "pk")
    filterset = FeedbackFilter(request.GET, queryset=feedbacks, request=request)
    table = FeedbackTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "can_add": request.user.has_perm("governance.add_feedback", request.programme),
    }
    template = "governance/includes/feedback_table.html" if request.htmx else "governance/feedback_list.html"
    return render(request, template, context)


@internal_required
def feedback_create(request):
    require_perm(request, "governance.add_feedback", request.programme)
    initial = {}
    events = _events(request)
    if request.GET.get("temps", "").isdigit():
        event = events.filter(pk=request.GET["temps"]).first()
        if event:
            initial.update(event=event, sector=event.sector_id, theme=event.theme, received_on=event.held_on)
    form = FeedbackForm(request.POST or None, programme=request.programme, events=events, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            feedback = services.feedback_record(
                programme=request.programme,
                text=fields.pop("text"),
                theme=fields.pop("theme"),
                received_on=fields.pop("received_on"),
                **fields,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Remontée enregistrée.")
            return redirect("governance:feedback_detail", pk=feedback.pk)
    breadcrumb = [
        (reverse("governance:concertation_dashboard"), "Concertation"),
        (reverse("governance:feedback_list"), "Remontées des habitants"),
    ]
    return render(
        request,
        "governance/form_page.html",
        {
            "form": form,
            "title": "Nouvelle remontée d'habitants",
            "cancel_url": reverse("governance:feedback_list"),
            "breadcrumb": breadcrumb,
        },
    )


def _feedback(request, pk: int):
    return get_object_or_404(_feedbacks(request).select_related("sector", "event", "action"), pk=pk)


def _feedback_page(request, feedback, *, answer_form=None, convert_form=None, status=200):
    can_edit = request.user.has_perm("governance.change_feedback", feedback)
    if can_edit:
        answer_form = answer_form or FeedbackAnswerForm(feedback=feedback)
        if not feedback.action_id:
            convert_form = convert_form or FeedbackConvertForm(programme=request.programme)
    context = {
        "feedback": feedback,
        "can_edit": can_edit,
        "answer_form": answer_form if can_edit else None,
        "convert_form": convert_form if can_edit and not feedback.action_id else None,
    }
    return render(request, "governance/feedback_detail.html", context, status=status)


@readonly
@internal_required
def feedback_detail(request, pk: int):
    return _feedback_page(request, _feedback(request, pk))


@require_POST
@internal_required
def feedback_answer(request, pk: int):
    feedback = _feedback(request, pk)
    require_perm(request, "governance.change_feedback", feedback)
    form = FeedbackAnswerForm(request.POST, feedback=feedback)
    if form.is_valid():
        try:
            services.feedback_answer(feedback=feedback, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            feedback.refresh_from_db()
        else:
            messages.success(request, "Réponse enregistrée.")
            return redirect("governance:feedback_detail", pk=feedback.pk)
    return _feedback_page(request, feedback, answer_form=form, status=422)


@require_POST
@internal_required
def feedback_convert(request, pk: int):
    """« Transformer en action »: the remontée becomes an action followed on the board."""
    feedback = _feedback(request, pk)
    require_perm(request, "governance.change_feedback", feedback)
    require_perm(request, "governance.add_action", request.programme)
    form = FeedbackConvertForm(request.POST, programme=request.programme)
    if form.is_valid():
        try:
            action = services.feedback_to_action(feedback=feedback, **form.cleaned_data)
        except ValidationError as error:
            if feedback.action_id:  # converted already (another tab, a double click)
                messages.error(request, service_error_message(error))
                return redirect("governance:feedback_detail", pk=feedback.pk)
            apply_service_errors(form, error)
        else:
            messages.success(request, f"La remontée est devenue l'action « {action.title} ».")
            return redirect("governance:action_detail", pk=action.pk)
    return _feedback_page(request, feedback, convert_form=form, status=422)

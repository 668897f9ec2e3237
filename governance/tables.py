import django_tables2 as tables
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.scoping import EditorScope
from core.tables import RowUrl, Table
from governance.models import Action, Body, Feedback, Meeting, PublicEvent
from governance.services import ACTION_LIFECYCLE

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

BODY_URL = RowUrl("governance:body_detail")
MEETING_URL = RowUrl("governance:meeting_detail")
ACTION_URL = RowUrl("governance:action_detail")
ACTION_STATUS_URL = RowUrl("governance:action_status")
EVENT_URL = RowUrl("governance:event_detail")
FEEDBACK_URL = RowUrl("governance:feedback_detail")


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _datetime(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "—"


class BodyTable(Table):
    name = tables.Column(verbose_name="Instance")
    kind = tables.Column(verbose_name="Type")
    sectors = tables.Column(verbose_name="Périmètre", empty_values=(), orderable=False)
    chair = tables.Column(verbose_name="Présidence", default="—", order_by=("chair__name", "pk"))
    periodicity_months = tables.Column(verbose_name="Périodicité", empty_values=())
    next_meeting_at = tables.Column(verbose_name="Prochaine séance", empty_values=())
    last_meeting_at = tables.Column(verbose_name="Dernière séance", empty_values=())

    class Meta:
        model = Body
        fields = [
            "name",
            "kind",
            "sectors",
            "chair",
            "periodicity_months",
            "next_meeting_at",
            "last_meeting_at",
        ]
        order_by = ("kind",)
        empty_text = "Aucune instance n'est enregistrée dans votre périmètre."
        attrs = {**TABLE_ATTRS, "id": "bodies-table"}

    def render_name(self, record):
        url = BODY_URL(record.pk)
        inactive = format_html(' <span class="badge text-bg-secondary">{}</span>', "inactive")
        return format_html('<a href="{}">{}</a>{}', url, record.name, "" if record.is_active else inactive)

    def render_sectors(self, record):
        names = [sector.name for sector in record.sectors.all()]
        return ", ".join(names) if names else "Tout le programme"

    def render_periodicity_months(self, value):
        if not value:
            return "À la demande"
        return "Tous les mois" if value == 1 else f"Tous les {value} mois"

    def render_next_meeting_at(self, value):
        return _datetime(value)

    def render_last_meeting_at(self, value):
        return _datetime(value)

    def order_kind(self, queryset, is_descending):
        prefix = "-" if is_descending else ""
        return queryset.order_by(f"{prefix}kind", "name", "pk"), True


class MeetingTable(Table):
    starts_at = tables.Column(verbose_name="Date", attrs={"td": {"class": "text-nowrap"}})
    body = tables.Column(verbose_name="Instance", order_by=("body__name", "starts_at", "pk"))
    place = tables.Column(verbose_name="Lieu", default="—")
    status = tables.Column(verbose_name="Statut")
    decision_count = tables.Column(verbose_name="Décisions", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Meeting
        fields = ["starts_at", "body", "place", "status", "decision_count"]
        empty_text = "Aucune séance ne correspond à ces critères."
        attrs = {**TABLE_ATTRS, "id": "meetings-table"}

    def render_starts_at(self, record):
        url = MEETING_URL(record.pk)
        return format_html('<a href="{}">{}</a>', url, _datetime(record.starts_at))

    def render_status(self, record):
        return format_html(
            '<span class="badge meeting-{}">{}</span>', record.status, record.get_status_display()
        )

    def order_starts_at(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "starts_at", "pk"), True


class ActionTable(Table):
    title = tables.Column(verbose_name="Action")
    owner_organisation = tables.Column(verbose_name="Porteur", order_by=("owner_organisation__name", "pk"))
    # The date never breaks; "en retard" goes below it on a phone.
    due_on = tables.Column(verbose_name="Échéance")
    status = tables.Column(verbose_name="Statut", attrs={"td": {"class": "action-status"}})
    sector = tables.Column(verbose_name="Quartier", default="—", order_by=("sector__name", "pk"))
    meeting = tables.Column(
        verbose_name="Séance", default="—", order_by=("meeting__starts_at", "pk"), empty_values=(None,)
    )

    class Meta:
        model = Action
        fields = ["title", "owner_organisation", "due_on", "status", "sector", "meeting"]
        empty_text = "Aucune action ne correspond à ces critères."
        attrs = {**TABLE_ATTRS, "id": "actions-table"}
        row_attrs = {"id": lambda record: f"action-{record.pk}"}

    def __init__(self, *args, editor_scope: EditorScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor_scope = editor_scope

    def render_title(self, record):
        url = ACTION_URL(record.pk)
        operation = (
            format_html('<span class="small text-secondary d-block">{}</span>', record.operation.identifier)
            if record.operation_id
            else ""
        )
        return format_html('<a href="{}">{}</a>{}', url, record.title, operation)

    def render_owner_organisation(self, record):
        if record.owner_name:
            return format_html(
                '{}<span class="small text-secondary d-block">{}</span>',
                record.owner_organisation,
                record.owner_name,
            )
        return str(record.owner_organisation)

    def render_due_on(self, record):
        if record.is_overdue:
            return format_html(
                '<span class="{}">{}</span> <span class="badge {}">{}</span>',
                "text-danger fw-semibold text-nowrap",
                _date(record.due_on),
                "text-bg-danger",
                "en retard",
            )
        return _date(record.due_on)

    def render_status(self, record):
        request = getattr(self, "request", None)
        if not hasattr(self, "_status_form_fields"):
            self._status_form_fields = action_status_form_fields(request)
        return action_status_html(record, self.editor_scope, form_fields=self._status_form_fields)

    def render_meeting(self, record):
        url = MEETING_URL(record.meeting_id)
        return format_html(
            '<a href="{}">{}</a>',
            url,
            f"{record.meeting.body} — {_date(timezone.localdate(record.meeting.starts_at))}",
        )

    def order_due_on(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "due_on", "pk"), True

    def order_title(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "title", "pk"), True


def action_status_form_fields(request) -> SafeString:
    """The hidden fields of the status forms of one page (CSRF token, page to come back to)."""
    if request is None:
        return format_html('<input type="hidden" name="next" value="">')
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">',
        get_token(request),
        request.get_full_path(),
    )


def action_status_html(
    action: Action,
    editor_scope: EditorScope,
    *,
    form_fields: SafeString,
    error: str = "",
    updated: bool = False,
) -> SafeString:
    """An action's status: a select that saves on change (htmx swaps this block) for its editors, a
    badge for the others; with the error or confirmation of the last change. Rendered in Python, once
    per row of the action board, on the action's page and as the htmx answer."""
    pk = int(action.pk)
    if editor_scope.allows(action):
        url = ACTION_STATUS_URL(pk)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, " selected" if value == action.status else "", label)
                for value, label in ACTION_LIFECYCLE.choices(action.status)
            ),
        )
        status = format_html(
            '<form method="post" action="{url}" class="d-flex gap-1 align-items-center" hx-post="{url}"'
            ' hx-trigger="change" hx-target="#statut-action-{pk}" hx-swap="outerHTML">{fields}'
            '<label class="visually-hidden" for="statut-{pk}">Statut de l\'action « {title} »</label>'
            '<select class="form-select form-select-sm" id="statut-{pk}" name="status">{options}</select>'
            '<noscript><button type="submit" class="btn btn-outline-primary btn-sm">OK</button></noscript>'
            "</form>",
            url=url,
            pk=pk,
            fields=form_fields,
            title=action.title,
            options=options,
        )
    else:
        status = format_html(
            '<span class="badge action-{}">{}</span>', action.status, action.get_status_display()
        )
    if error:
        message = format_html('<div class="small text-danger mt-1" role="alert">{}</div>', error)
    elif updated:
        message = format_html(
            '<div class="small text-success mt-1" role="status">{}</div>', "Statut enregistré."
        )
    else:
        message = ""
    return format_html('<div id="statut-action-{}">{}{}</div>', pk, status, message)


class PublicEventTable(Table):
    held_on = tables.Column(verbose_name="Date", attrs={"td": {"class": "text-nowrap"}})
    title = tables.Column(verbose_name="Intitulé")
    kind = tables.Column(verbose_name="Type")
    theme = tables.Column(verbose_name="Thème")
    sector = tables.Column(verbose_name="Quartier", default="—", order_by=("sector__name", "pk"))
    attendance = tables.Column(
        verbose_name="Participants",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )

    class Meta:
        model = PublicEvent
        fields = ["held_on", "title", "kind", "theme", "sector", "attendance"]
        empty_text = "Aucun temps de concertation ne correspond à ces critères."
        attrs = {**TABLE_ATTRS, "id": "events-table"}

    def render_held_on(self, value):
        return _date(value)

    def render_title(self, record):
        url = EVENT_URL(record.pk)
        return format_html('<a href="{}">{}</a>', url, record.title)

    def render_attendance(self, record):
        return format_html(
            '{} <span class="small text-secondary d-block">{}</span>',
            record.attendance,
            f"{record.residents} hab. · {record.conseil_citoyen} CC · {record.partners} part.",
        )

    def order_held_on(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "held_on", "pk"), True


class FeedbackTable(Table):
    received_on = tables.Column(verbose_name="Reçue le", attrs={"td": {"class": "text-nowrap"}})
    text = tables.Column(verbose_name="Remontée")
    theme = tables.Column(verbose_name="Thème")
    sector = tables.Column(verbose_name="Quartier", default="—", order_by=("sector__name", "pk"))
    status = tables.Column(verbose_name="Statut")
    action = tables.Column(verbose_name="Action", default="—", orderable=False)

    class Meta:
        model = Feedback
        fields = ["received_on", "text", "theme", "sector", "status", "action"]
        empty_text = "Aucune remontée ne correspond à ces critères."
        attrs = {**TABLE_ATTRS, "id": "feedbacks-table"}

    def render_received_on(self, value):
        return _date(value)

    def render_text(self, record):
        url = FEEDBACK_URL(record.pk)
        text = record.text if len(record.text) <= 120 else record.text[:119] + "…"
        return format_html('<a href="{}">{}</a>', url, text)

    def render_status(self, record):
        return format_html(
            '<span class="badge feedback-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_action(self, record):
        url = ACTION_URL(record.action_id)
        return format_html('<a href="{}">{}</a>', url, record.action.get_status_display())

    def order_received_on(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "received_on", "pk"), True

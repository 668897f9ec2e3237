"""Tables of the report pages: the list (every report the user sees) and the triage queue (new reports,
with a box to tick for the decision in bulk and each row's own routing form for its editors)."""

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.scoping import EditorScope
from core.tables import RowUrl, Table
from gusp.models import OPEN_STATUSES, Report

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
REPORT_URL = RowUrl("gusp:report_detail")
ROUTE_URL = RowUrl("gusp:report_route")
EXCERPT = 110


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _datetime(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "—"


def excerpt(text: str, length: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def status_badge(report: Report) -> SafeString:
    return format_html(
        '<span class="badge gusp-status gusp-status-{}">{}</span>', report.status, report.get_status_display()
    )


def due_html(report: Report, today) -> SafeString:
    """The due date, and « en retard » when the report is open past it."""
    if report.status in OPEN_STATUSES and report.due_on < today:
        return format_html(
            '<span class="text-danger fw-semibold text-nowrap">{}</span>'
            ' <span class="badge text-bg-danger">en retard</span>',
            _date(report.due_on),
        )
    return format_html('<span class="text-nowrap">{}</span>', _date(report.due_on))


def pick_box(record, *, form_id: str, checked: frozenset[int]) -> SafeString:
    """The box that ticks a row for a decision in bulk (the form named by its id, elsewhere on the page)."""
    return format_html(
        '<input class="form-check-input" type="checkbox" name="lot-reports" value="{pk}" form="{form}"'
        ' id="choisir-{pk}"{checked}>'
        '<label class="visually-hidden" for="choisir-{pk}">Choisir {ref}</label>',
        pk=int(record.pk),
        form=form_id,
        checked=mark_safe(" checked") if record.pk in checked else "",
        ref=record.reference,
    )


def pick_column() -> tables.Column:
    return tables.Column(
        verbose_name=mark_safe('<span class="visually-hidden">Choisir</span>'),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "text-center"}},
    )


class ReportTable(Table):
    """Every report the user sees. For the GUSP editors, a box per row they may edit (the list's change of
    status in bulk, its form named by `bulk_form_id`); partners and readers have none."""

    pick = pick_column()
    reference = tables.Column(verbose_name="Numéro", attrs={"td": {"class": "text-nowrap"}})
    reported_at = tables.Column(verbose_name="Signalé le", attrs={"td": {"class": "text-nowrap"}})
    theme = tables.Column(verbose_name="Thème", order_by=("theme__order", "theme__name", "pk"))
    description = tables.Column(verbose_name="Description", orderable=False)
    sector = tables.Column(verbose_name="Quartier", order_by=("sector__name", "pk"))
    handler = tables.Column(
        verbose_name="Organisation en charge", default="—", order_by=("handler__name", "pk")
    )
    status = tables.Column(verbose_name="Statut")
    due_on = tables.Column(verbose_name="Échéance")

    class Meta:
        model = Report
        fields = [
            "pick",
            "reference",
            "reported_at",
            "theme",
            "description",
            "sector",
            "handler",
            "status",
            "due_on",
        ]
        empty_text = "Aucun signalement ne correspond à ces critères."
        attrs = {**TABLE_ATTRS, "id": "reports-table"}
        row_attrs = {"id": lambda record: f"signalement-{record.pk}"}

    def __init__(
        self,
        *args,
        today,
        editor_scope: EditorScope | None = None,
        checked: frozenset[int] = frozenset(),
        bulk_form_id: str = "",
        **kwargs,
    ):
        if editor_scope is None or not editor_scope.any or not bulk_form_id:
            kwargs["exclude"] = ("pick",)
        super().__init__(*args, **kwargs)
        self.today = today
        self.editor_scope = editor_scope
        self.checked = checked
        self.bulk_form_id = bulk_form_id

    def render_pick(self, record):
        if self.editor_scope is None or not self.editor_scope.allows(record):
            return ""
        return pick_box(record, form_id=self.bulk_form_id, checked=self.checked)

    def render_reference(self, record):
        return format_html('<a href="{}">{}</a>', REPORT_URL(record.pk), record.reference)

    def render_reported_at(self, value):
        return _datetime(value)

    def render_theme(self, record):
        return record.theme.name

    def render_description(self, record):
        place = (
            format_html('<span class="small text-secondary d-block">{}</span>', record.address)
            if record.address
            else ""
        )
        return format_html("{}{}", excerpt(record.description), place)

    def render_sector(self, record):
        return record.sector.name

    def render_handler(self, record):
        return record.handler.name

    def render_status(self, record):
        return status_badge(record)

    def render_due_on(self, record):
        return due_html(record, self.today)

    def order_reference(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "reference", "pk"), True

    def order_reported_at(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "reported_at", "pk"), True

    def order_due_on(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "due_on", "pk"), True

    def order_status(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "status", "pk"), True


class TriageTable(Table):
    """New reports, oldest first. For the team: a box per row (the bulk decision's form, by its id) and
    a routing form per row, the suggested organisation (the theme's) already chosen."""

    pick = pick_column()
    reported_at = tables.Column(verbose_name="Signalé le", attrs={"td": {"class": "text-nowrap"}})
    reference = tables.Column(verbose_name="Signalement", orderable=False)
    sector = tables.Column(verbose_name="Lieu", order_by=("sector__name", "reported_at", "pk"))
    source = tables.Column(verbose_name="Origine")
    due_on = tables.Column(verbose_name="Échéance")
    route = tables.Column(verbose_name="Transmettre à", empty_values=(), orderable=False)

    class Meta:
        model = Report
        fields = ["pick", "reported_at", "reference", "sector", "source", "due_on", "route"]
        empty_text = "Aucun nouveau signalement à trier."
        attrs = {**TABLE_ATTRS, "id": "triage-table"}
        row_attrs = {"id": lambda record: f"signalement-{record.pk}"}

    def __init__(
        self,
        *args,
        today,
        editor_scope: EditorScope,
        handlers=(),
        checked: frozenset[int] = frozenset(),
        bulk_form_id: str = "",
        **kwargs,
    ):
        if not editor_scope.any:
            kwargs["exclude"] = ("pick", "route")
        super().__init__(*args, **kwargs)
        self.today = today
        self.editor_scope = editor_scope
        self.checked = checked
        self.bulk_form_id = bulk_form_id
        self.handler_options = [(int(organisation.pk), str(organisation)) for organisation in handlers]
        self._hidden_fields: SafeString | None = None

    def _form_fields(self) -> SafeString:
        """The hidden fields of the routing forms of the page (CSRF token, page to come back to)."""
        if self._hidden_fields is None:
            request = getattr(self, "request", None)
            self._hidden_fields = (
                format_html(
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                    '<input type="hidden" name="next" value="{}">',
                    get_token(request),
                    request.get_full_path(),
                )
                if request is not None
                else mark_safe("")
            )
        return self._hidden_fields

    def render_pick(self, record):
        if not self.editor_scope.allows(record):
            return ""
        return pick_box(record, form_id=self.bulk_form_id, checked=self.checked)

    def render_reported_at(self, record):
        days = (self.today - timezone.localdate(record.reported_at)).days
        age = "aujourd'hui" if days <= 0 else ("hier" if days == 1 else f"il y a {days} jours")
        return format_html(
            '{}<span class="small text-secondary d-block">{}</span>', _datetime(record.reported_at), age
        )

    def render_reference(self, record):
        priority = (
            format_html(' <span class="badge text-bg-warning">{}</span>', record.get_priority_display())
            if record.priority in ("haute", "urgente")
            else ""
        )
        return format_html(
            '<a href="{}">{}</a> · {}{}<span class="small d-block">{}</span>',
            REPORT_URL(record.pk),
            record.reference,
            record.theme.name,
            priority,
            excerpt(record.description),
        )

    def render_sector(self, record):
        place = (
            format_html('<span class="small text-secondary d-block">{}</span>', record.address)
            if record.address
            else ""
        )
        return format_html("{}{}", record.sector.name, place)

    def render_due_on(self, record):
        return due_html(record, self.today)

    def render_route(self, record):
        if not self.editor_scope.allows(record):
            return record.handler.name if record.handler_id else "—"
        pk = int(record.pk)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if value == record.handler_id else "", label)
                for value, label in self.handler_options
            ),
        )
        empty = (
            "" if record.handler_id else format_html('<option value="" selected>{}</option>', "— à choisir —")
        )
        return format_html(
            '<form method="post" action="{url}" class="d-flex gap-1 align-items-center gusp-route">{fields}'
            '<label class="visually-hidden" for="orienter-{pk}">Organisation à qui transmettre {ref}</label>'
            '<select class="form-select form-select-sm" id="orienter-{pk}" name="orientation-handler"'
            " required>"
            "{empty}{options}</select>"
            '<button type="submit" class="btn btn-outline-primary btn-sm">Transmettre</button></form>',
            url=ROUTE_URL(pk),
            fields=self._form_fields(),
            pk=pk,
            ref=record.reference,
            empty=empty,
            options=options,
        )

    def order_reported_at(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "reported_at", "pk"), True

    def order_due_on(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "due_on", "pk"), True


# --- Action plan ------------------------------------------------------------------------------------------

from core.formatting import format_euros  # noqa: E402
from gusp.models import ActionStatus, GuspAction  # noqa: E402

ACTION_EDIT_URL = RowUrl("gusp:action_edit")
ACTION_OPEN = (ActionStatus.TODO, ActionStatus.IN_PROGRESS)
ACTION_BADGES = {
    ActionStatus.TODO: "text-bg-secondary",
    ActionStatus.IN_PROGRESS: "text-bg-primary",
    ActionStatus.DONE: "text-bg-success",
    ActionStatus.DROPPED: "text-bg-dark",
}


def action_late(action: GuspAction, today) -> bool:
    return action.status in ACTION_OPEN and action.due_on < today


class ActionTable(Table):
    """The action plan: late actions (open past their due date) highlighted; a TFPB action shows its
    landlord's axis, year and euros. The title links to the edit form for those who may edit the row."""

    title = tables.Column(verbose_name="Action", order_by=("title", "pk"))
    sector = tables.Column(verbose_name="Quartier", default="—", order_by=("sector__name", "pk"))
    volet = tables.Column(verbose_name="Volet")
    owner = tables.Column(verbose_name="Porteur", order_by=("owner__name", "pk"))
    due_on = tables.Column(verbose_name="Échéance")
    status = tables.Column(verbose_name="Statut")
    tfpb_amount = tables.Column(
        verbose_name="Abattement TFPB", default="—", attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta:
        model = GuspAction
        fields = ["title", "sector", "volet", "owner", "due_on", "status", "tfpb_amount"]
        empty_text = "Aucune action ne correspond à ces critères."
        attrs = {**TABLE_ATTRS, "id": "actions-table"}
        row_attrs = {
            "class": lambda table, record: (
                "table-danger gusp-late" if action_late(record, table.today) else ""
            )
        }

    def __init__(self, *args, today, editor_scope: EditorScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.editor_scope = editor_scope

    def render_title(self, record):
        details = (
            format_html('<span class="small text-secondary d-block">{}</span>', excerpt(record.description))
            if record.description
            else ""
        )
        if self.editor_scope.allows(record):
            title = format_html('<a href="{}">{}</a>', ACTION_EDIT_URL(record.pk), record.title)
        else:
            title = format_html("{}", record.title)
        return format_html("{}{}", title, details)

    def render_sector(self, record):
        return record.sector.name

    def render_volet(self, record):
        return record.get_volet_display()

    def render_owner(self, record):
        return record.owner.name

    def render_due_on(self, record):
        if action_late(record, self.today):
            return format_html(
                '<span class="text-danger-emphasis fw-semibold text-nowrap">{}</span>'
                ' <span class="badge text-bg-danger">en retard</span>',
                _date(record.due_on),
            )
        return format_html('<span class="text-nowrap">{}</span>', _date(record.due_on))

    def render_status(self, record):
        done = f" le {_date(record.done_on)}" if record.done_on else ""
        return format_html(
            '<span class="badge {}">{}</span><span class="small text-nowrap">{}</span>',
            ACTION_BADGES.get(record.status, "text-bg-secondary"),
            record.get_status_display(),
            done,
        )

    def render_tfpb_amount(self, record):
        if not record.tfpb_axis:
            return "—"
        return format_html(
            '{}<span class="small text-secondary d-block text-wrap">Axe {} · {}</span>',
            format_euros(record.tfpb_amount),
            record.tfpb_axis,
            record.tfpb_year,
        )

    def order_due_on(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "due_on", "pk"), True

    def order_status(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "status", "pk"), True

    def order_volet(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "volet", "pk"), True

    def order_tfpb_amount(self, queryset, is_descending):
        direction = "-" if is_descending else ""
        return queryset.order_by(f"{direction}tfpb_amount", "pk"), True

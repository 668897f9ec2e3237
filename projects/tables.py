from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.utils.html import format_html

from core.formatting import group_thousands
from core.tables import RowUrl, Table
from projects.models import Operation
from projects.selectors import PROGRAMME_WIDE
from projects.semesters import semester_label

OPERATION_URL = RowUrl("projects:operation_detail")


class KiloEurosColumn(tables.Column):
    """Amounts in thousands of euros, the unit in the header: four amount columns then fit a 1366 px
    screen beside the operation's description (the Excel export gives the amounts to the euro)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return group_thousands(int((Decimal(value) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


class OperationTable(Table):
    identifier = tables.Column(verbose_name="Identifiant", attrs={"td": {"class": "text-nowrap"}})
    label = tables.Column(verbose_name="Libellé")
    sector = tables.Column(verbose_name="Quartier", order_by=("sector__name", "pk"), default=PROGRAMME_WIDE)
    family = tables.Column(verbose_name="Famille")
    moa = tables.Column(verbose_name="Maître d'ouvrage", order_by=("moa__name", "pk"))
    status = tables.Column(verbose_name="Statut")
    planned_end = tables.Column(verbose_name="Fin prévue", attrs={"td": {"class": "text-nowrap"}})
    cost_excl_tax = KiloEurosColumn(verbose_name="Coût HT (k€)")
    funding_planned = KiloEurosColumn(verbose_name="Prévu (k€)", default=0)
    funding_committed = KiloEurosColumn(verbose_name="Engagé (k€)", default=0)
    funding_paid = KiloEurosColumn(verbose_name="Versé (k€)", default=0)
    progress = tables.Column(
        verbose_name="Avancement",
        attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}},
    )

    class Meta:
        model = Operation
        fields = [
            "identifier",
            "label",
            "sector",
            "family",
            "moa",
            "status",
            "planned_end",
            "cost_excl_tax",
            "funding_planned",
            "funding_committed",
            "funding_paid",
            "progress",
        ]
        order_by = ("identifier",)
        empty_text = "Aucune opération ne correspond à ces critères."
        attrs = {"class": "table table-sm table-hover align-middle", "id": "operations-table"}

    def render_identifier(self, record):
        url = OPERATION_URL(record.pk)
        return format_html('<a href="{}">{}</a>', url, record.identifier)

    def render_label(self, record):
        if record.at_risk:
            return format_html(
                '{} <span class="badge text-bg-danger ms-1" title="{}">{}</span>',
                record.label,
                record.at_risk_reason,
                "à risque",
            )
        return record.label

    def render_status(self, record):
        return format_html(
            '<span class="badge status-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_progress(self, value):
        return f"{value}\u202f%"

    def render_planned_end(self, value):
        return semester_label(value) or "—"

    def order_identifier(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "identifier", "pk"), True

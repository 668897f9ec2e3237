import django_tables2 as tables
from django.utils.html import format_html

from core.tables import BooleanColumn, DateColumn, RowUrl, Table
from relogement.models import Household

HOUSEHOLD_URL = RowUrl("relogement:household_detail")


class HouseholdTable(Table):
    reference = tables.Column(verbose_name="Référence", attrs={"td": {"class": "text-nowrap"}})
    landlord_reference = tables.Column(verbose_name="Réf. bailleur")
    origin_operation = tables.Column(
        verbose_name="Opération", order_by=("origin_operation__identifier", "pk")
    )
    sector = tables.Column(
        verbose_name="Quartier",
        accessor="origin_operation__sector__name",
        order_by=("origin_operation__sector__name", "pk"),
        default="—",
    )
    origin_landlord = tables.Column(verbose_name="Bailleur", order_by=("origin_landlord__name", "pk"))
    status = tables.Column(verbose_name="Statut")
    composition = tables.Column(verbose_name="Composition", empty_values=(), orderable=False)
    reinforced_support = BooleanColumn(verbose_name="Renforcé", yesno="Oui,Non")
    offer_count = tables.Column(verbose_name="Propositions", attrs={"td": {"class": "text-end"}})
    last_contact_on = DateColumn(verbose_name="Dernier contact", default="—")

    class Meta:
        model = Household
        fields = [
            "reference",
            "landlord_reference",
            "origin_operation",
            "sector",
            "origin_landlord",
            "status",
            "composition",
            "reinforced_support",
            "offer_count",
            "last_contact_on",
        ]
        empty_text = "Aucun ménage ne correspond à ces critères."
        attrs = {"class": "table table-sm table-hover align-middle", "id": "households-table"}

    def render_reference(self, record):
        url = HOUSEHOLD_URL(record.pk)
        return format_html('<a href="{}">{}</a>', url, record.reference)

    def render_origin_operation(self, record):
        return record.origin_operation.identifier

    def render_status(self, record):
        return format_html('<span class="badge text-bg-light border">{}</span>', record.get_status_display())

    def render_composition(self, record):
        return record.composition

    def order_reference(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "reference", "pk"), True

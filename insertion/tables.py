import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.formatting import format_percent
from core.tables import BooleanColumn, DateColumn, RowUrl, Table
from insertion.display import hours_text
from insertion.models import Market, Participant, Public, WorkContract

MARKET_URL = RowUrl("insertion:market_detail")
PARTICIPANT_URL = RowUrl("insertion:participant_detail")
TO_LINK = mark_safe('<span class="badge text-bg-warning">À rattacher</span>')
NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
PUBLIC_SHORT = {
    Public.LONG_TERM_JOBSEEKER: "DELD",
    Public.RSA: "RSA",
    Public.UNDER_26: "Moins de 26 ans",
    Public.OVER_50: "Plus de 50 ans",
    Public.RQTH: "RQTH",
    Public.ASS_AAH: "ASS / AAH",
    Public.SIAE: "SIAE",
    Public.OTHER: "Autre",
}


class MarketTable(Table):
    """Markets with their hours: rows come from `insertion.views.markets.markets_with_hours`."""

    number = tables.Column(verbose_name="Numéro", attrs={"td": {"class": "text-nowrap"}})
    title = tables.Column(verbose_name="Objet")
    moa = tables.Column(verbose_name="Maître d'ouvrage", order_by=("moa__name", "pk"))
    operation = tables.Column(
        verbose_name="Opération", order_by=("operation__identifier", "pk"), empty_values=()
    )
    kind = tables.Column(verbose_name="Nature")
    anru_funded = BooleanColumn(verbose_name="ANRU")
    target = tables.Column(verbose_name="Heures visées", attrs=NUMBER, order_by=("target", "pk"))
    achieved = tables.Column(verbose_name="Heures réalisées", attrs=NUMBER, order_by=("achieved", "pk"))
    rate = tables.Column(verbose_name="Réalisation", attrs=NUMBER, order_by=("rate", "pk"), empty_values=())

    class Meta:
        model = Market
        fields = ["number", "title", "moa", "operation", "kind", "anru_funded", "target", "achieved", "rate"]
        empty_text = "Aucun marché ne correspond à ces critères."
        attrs = {"class": "table table-sm table-hover align-middle", "id": "markets-table"}

    def render_number(self, record):
        return format_html('<a href="{}">{}</a>', MARKET_URL(record.pk), record.number)

    def render_moa(self, record):
        return record.moa.name

    def render_operation(self, record):
        if record.operation is None:
            return TO_LINK
        return record.operation.identifier

    def render_target(self, value):
        return hours_text(value)

    def render_achieved(self, value):
        return hours_text(value)

    def render_rate(self, record):
        return format_percent(record.achieved, record.target) if record.target else "—"

    def order_number(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "number", "pk"), True


class ParticipantTable(Table):
    """Participants one by one (personal data: the page that shows it writes the access log)."""

    reference = tables.Column(verbose_name="Référence", attrs={"td": {"class": "text-nowrap"}})
    facilitator_reference = tables.Column(verbose_name="Id. facilitateur")
    sex = tables.Column(verbose_name="Sexe")
    age_band = tables.Column(verbose_name="Âge à l'entrée")
    qpv_resident = BooleanColumn(verbose_name="QPV")
    publics = tables.Column(verbose_name="Publics", orderable=False, empty_values=())
    contract_count = tables.Column(verbose_name="Contrats", attrs=NUMBER)
    hours = tables.Column(verbose_name="Heures travaillées", attrs=NUMBER, order_by=("hours", "pk"))
    last_end = tables.Column(
        verbose_name="Fin du dernier contrat", empty_values=(), order_by=("last_end", "pk")
    )

    class Meta:
        model = Participant
        fields = [
            "reference",
            "facilitator_reference",
            "sex",
            "age_band",
            "qpv_resident",
            "publics",
            "contract_count",
            "hours",
            "last_end",
        ]
        empty_text = "Aucun participant ne correspond à ces critères."
        attrs = {"class": "table table-sm table-hover align-middle", "id": "participants-table"}

    def render_reference(self, record):
        return format_html('<a href="{}">{}</a>', PARTICIPANT_URL(record.pk), record.reference)

    def render_publics(self, record):
        return ", ".join(PUBLIC_SHORT.get(value, value) for value in record.publics) or "—"

    def render_hours(self, value):
        return hours_text(value)

    def render_last_end(self, record):
        if record.running_contracts:
            return "En cours"
        return record.last_end.strftime("%d/%m/%Y") if record.last_end else "—"

    def order_reference(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "reference", "pk"), True


class ContractTable(Table):
    """The contracts of a market or of a participant (personal data: each names its participant)."""

    reference = tables.Column(verbose_name="Contrat", attrs={"td": {"class": "text-nowrap"}})
    participant = tables.Column(verbose_name="Participant", order_by=("participant__reference", "pk"))
    market = tables.Column(verbose_name="Marché", order_by=("market__number", "pk"))
    employer = tables.Column(verbose_name="Employeur", order_by=("employer__name", "pk"))
    contract_type = tables.Column(verbose_name="Type")
    modality = tables.Column(verbose_name="Modalité")
    job_code = tables.Column(verbose_name="ROME", default="—")
    starts_on = DateColumn(verbose_name="Début")
    ends_on = DateColumn(verbose_name="Fin", default="En cours")
    hours_worked = tables.Column(verbose_name="Heures travaillées", attrs=NUMBER)
    training_hours = tables.Column(verbose_name="Heures de formation", attrs=NUMBER)
    situation_6_months = tables.Column(verbose_name="Situation à 6 mois")

    class Meta:
        model = WorkContract
        fields = [
            "reference",
            "participant",
            "market",
            "employer",
            "contract_type",
            "modality",
            "job_code",
            "starts_on",
            "ends_on",
            "hours_worked",
            "training_hours",
            "situation_6_months",
        ]
        empty_text = "Aucun contrat."
        attrs = {"class": "table table-sm table-hover align-middle", "id": "contracts-table"}

    def render_participant(self, record):
        return format_html('<a href="{}">{}</a>', PARTICIPANT_URL(record.participant_id), record.participant)

    def render_market(self, record):
        return format_html('<a href="{}">{}</a>', MARKET_URL(record.market_id), record.market.number)

    def render_employer(self, record):
        return record.employer.name

    def render_hours_worked(self, value):
        return hours_text(value)

    def render_training_hours(self, value):
        return hours_text(value)

    def order_reference(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "reference", "pk"), True

"""The xlsx export of reports, with their acknowledgement and closure times (docs/gusp.md).

Reports hold no personal data, but a description is free text: a partner exports only the reports it
sees one by one (those routed to its organisation, `Report.objects.visible_to`), never the programme's.
"""

from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.utils import timezone

from core.exports import DATE, TEXT, Column
from gusp import selectors
from gusp.models import OPEN_STATUSES, Report

DATETIME = "DD/MM/YYYY HH:MM"
HOURS = "0.0"
DAYS = "0.0"
CHUNK = 1000


def with_export_data(reports: QuerySet[Report]) -> QuerySet[Report]:
    """The export's rows: their relations in one query, and the two times computed in SQL (acknowledgement
    in hours, closure in days, as the figures count them)."""
    handled = Q(status__in=selectors.HANDLED, closed_at__isnull=False)
    return (
        reports.select_related("sector", "theme", "handler", "duplicate_of", "walk_audit")
        .annotate(
            ack_hours=Case(
                When(acknowledged_at__isnull=False, then=selectors.ACK_HOURS),
                default=Value(None),
                output_field=FloatField(),
            ),
            closure_days=Case(
                When(closed_at__isnull=False, then=selectors.HANDLING_DAYS),
                default=Value(None),
                output_field=FloatField(),
            ),
            within_target=Case(
                When(handled & Q(closed_at__date__lte=F("due_on")), then=Value(True)),
                When(handled, then=Value(False)),
                default=Value(None),
            ),
        )
        .order_by("reported_at", "pk")
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _late(report: Report) -> bool:
    return report.status in OPEN_STATUSES and report.due_on < timezone.localdate()


REPORT_COLUMNS = {
    "Numéro": Column(lambda r: r.reference, TEXT, 18),
    "Signalé le": Column(lambda r: r.reported_at, DATETIME, 17),
    "Quartier": Column(lambda r: r.sector.name, None, 22),
    "Thème": Column(lambda r: r.theme.name, None, 22),
    "Description": Column(lambda r: r.description, None, 50),
    "Adresse": Column(lambda r: r.address, None, 30),
    "Latitude": Column(lambda r: r.latitude, "0.000000", 11),
    "Longitude": Column(lambda r: r.longitude, "0.000000", 11),
    "Origine": Column(lambda r: r.get_source_display(), None, 18),
    "Diagnostic en marchant du": Column(
        lambda r: r.walk_audit.held_on if r.walk_audit_id else None, DATE, 12
    ),
    "Priorité": Column(lambda r: r.get_priority_display(), None, 10),
    "Organisation en charge": Column(lambda r: r.handler.name if r.handler_id else "", None, 28),
    "Statut": Column(lambda r: r.get_status_display(), None, 16),
    "Échéance": Column(lambda r: r.due_on, DATE, 12),
    "En retard": Column(_late, None, 10),
    "Pris en compte le": Column(lambda r: r.acknowledged_at, DATETIME, 17),
    "Délai de prise en compte (heures)": Column(lambda r: _rounded(r.ack_hours), HOURS, 14),
    "Clos le": Column(lambda r: r.closed_at, DATETIME, 17),
    "Délai de clôture (jours)": Column(lambda r: _rounded(r.closure_days), DAYS, 12),
    "Traité dans le délai": Column(lambda r: r.within_target, None, 12),
    "Organisme compétent": Column(lambda r: r.competent_body, None, 24),
    "Doublon de": Column(lambda r: r.duplicate_of.reference if r.duplicate_of_id else "", TEXT, 18),
    "Réponse": Column(lambda r: r.answer, None, 50),
}


# --- Action plan ------------------------------------------------------------------------------------------

from core.exports import EUROS  # noqa: E402
from gusp.models import ActionStatus, GuspAction  # noqa: E402


def action_is_late(action: GuspAction, today) -> bool:
    """Open (à faire, en cours) past its due date."""
    return action.status in (ActionStatus.TODO, ActionStatus.IN_PROGRESS) and action.due_on < today


ACTION_COLUMNS = {
    "Action": Column(lambda a: a.title, None, 40),
    "Précisions": Column(lambda a: a.description, None, 40),
    "Quartier": Column(lambda a: a.sector.name if a.sector_id else "", None, 22),
    "Volet": Column(lambda a: a.get_volet_display(), None, 22),
    "Porteur": Column(lambda a: a.owner.name, None, 28),
    "Convention": Column(lambda a: a.convention.title if a.convention_id else "", None, 30),
    "Échéance": Column(lambda a: a.due_on, DATE, 12),
    "Statut": Column(lambda a: a.get_status_display(), None, 12),
    "Réalisée le": Column(lambda a: a.done_on, DATE, 12),
    "En retard": Column(lambda a: action_is_late(a, timezone.localdate()), None, 10),
    "Axe TFPB": Column(lambda a: a.get_tfpb_axis_display() if a.tfpb_axis else "", None, 36),
    "Année de l'abattement": Column(lambda a: a.tfpb_year, "0", 10),
    "Montant valorisé (€)": Column(lambda a: a.tfpb_amount, EUROS, 14),
}

"""Insertion xlsx exports: markets with their hours, the dashboard's tables (aggregates, masked outside the
mission team), and participants with their contracts (personal data: the view writes the access log)."""

from collections.abc import Iterable
from decimal import Decimal

from core.exports import DATE, EUROS, INTEGER, PERCENT, TEXT, Column, Sheet
from insertion.display import CountRow, PeopleDisplay
from insertion.models import Public
from insertion.selectors import Figures, Hours, HoursRow, Month

HOURS = "#,##0.0"


def _rate(achieved, target) -> Decimal | None:
    return (Decimal(achieved) / Decimal(target)) if target else None


MARKET_COLUMNS = {
    "Numéro": Column(lambda m: m.number, TEXT, 14),
    "Objet": Column(lambda m: m.title, None, 40),
    "Lot": Column(lambda m: m.lot, None, 16),
    "Maître d'ouvrage": Column(lambda m: m.moa.name, None, 26),
    "Titulaire": Column(lambda m: m.contractor.name if m.contractor else "", None, 24),
    "Opération": Column(lambda m: m.operation.identifier if m.operation else "À rattacher", TEXT, 16),
    "Libellé de l'opération": Column(lambda m: m.operation.label if m.operation else "", None, 30),
    "Quartier": Column(
        lambda m: m.operation.sector.name if m.operation and m.operation.sector else "", None, 18
    ),
    "Nature": Column(lambda m: m.get_kind_display(), None, 16),
    "Financé par l'ANRU": Column(lambda m: m.anru_funded, None, 10),
    "Montant HT (€)": Column(lambda m: m.amount, EUROS, 14),
    "Heures de main-d'œuvre estimées": Column(lambda m: m.labour_hours, HOURS, 14),
    "Taux visé": Column(lambda m: m.target_rate, "0.0%", 10),
    "Heures visées": Column(lambda m: m.target, HOURS, 12),
    "Heures réalisées (qui comptent)": Column(lambda m: m.achieved, HOURS, 14),
    "Taux de réalisation": Column(lambda m: _rate(m.achieved, m.target), PERCENT, 12),
    "Heures travaillées": Column(lambda m: m.worked, HOURS, 14),
    "Début": Column(lambda m: m.starts_on, DATE, 12),
    "Fin": Column(lambda m: m.ends_on, DATE, 12),
}


def _public_labels(participant) -> str:
    labels = dict(Public.choices)
    return ", ".join(labels.get(value, value) for value in participant.publics)


PARTICIPANT_COLUMNS = {
    "Référence": Column(lambda p: p.reference, TEXT, 14),
    "Identifiant du facilitateur": Column(lambda p: p.facilitator_reference, TEXT, 18),
    "Sexe": Column(lambda p: p.get_sex_display(), None, 8),
    "Tranche d'âge à l'entrée": Column(lambda p: p.get_age_band_display(), None, 16),
    "Niveau de qualification": Column(lambda p: p.get_qualification_display(), None, 24),
    "Commune de résidence": Column(lambda p: p.commune, None, 18),
    "Habite un QPV": Column(lambda p: p.qpv_resident, None, 10),
    "QPV de résidence": Column(lambda p: p.qpv, None, 18),
    "Publics": Column(_public_labels, None, 40),
    "Prescripteur": Column(lambda p: p.prescriber, None, 18),
    "Contrats": Column(lambda p: p.contract_count, INTEGER, 10),
    "Heures travaillées": Column(lambda p: p.hours, HOURS, 12),
    "Anonymisé le": Column(lambda p: p.anonymised_at, DATE, 12),
}

CONTRACT_COLUMNS = {
    "Identifiant du contrat": Column(lambda c: c.reference, TEXT, 16),
    "Participant": Column(lambda c: c.participant.reference, TEXT, 14),
    "Marché": Column(lambda c: c.market.number, TEXT, 14),
    "Maître d'ouvrage": Column(lambda c: c.market.moa.name, None, 24),
    "Opération": Column(lambda c: c.market.operation.identifier if c.market.operation else "", TEXT, 14),
    "Employeur": Column(lambda c: c.employer.name, None, 24),
    "Entreprise utilisatrice": Column(lambda c: c.user_company.name if c.user_company else "", None, 24),
    "Type de contrat": Column(lambda c: c.get_contract_type_display(), None, 18),
    "Modalité": Column(lambda c: c.get_modality_display(), None, 22),
    "Métier (code ROME)": Column(lambda c: c.job_code, TEXT, 10),
    "Début": Column(lambda c: c.starts_on, DATE, 12),
    "Fin": Column(lambda c: c.ends_on, DATE, 12),
    "Heures travaillées": Column(lambda c: c.hours_worked, HOURS, 12),
    "Heures de formation": Column(lambda c: c.training_hours, HOURS, 12),
    "Motif de fin": Column(lambda c: c.get_end_reason_display(), None, 20),
    "Situation à 6 mois": Column(lambda c: c.get_situation_6_months_display(), None, 24),
}


# --- Dashboard tables --------------------------------------------------------------------------------------


def _hours_columns(heading: str) -> dict[str, Column]:
    columns = {heading: Column(lambda r: r.label, None, 36)}
    for key, title in (("anru", "ANRU"), ("other", "hors ANRU"), ("total", "ensemble")):

        def part(row: HoursRow, key=key) -> Hours:
            return row.total if key == "total" else getattr(row, key)

        columns |= {
            f"Heures visées ({title})": Column(lambda r, part=part: part(r).target, HOURS, 14),
            f"Heures réalisées ({title})": Column(lambda r, part=part: part(r).achieved, HOURS, 14),
            f"Réalisation ({title})": Column(lambda r, part=part: part(r).rate, PERCENT, 12),
        }
    columns["Heures travaillées (ensemble)"] = Column(lambda r: r.total.worked, HOURS, 14)
    return columns


def _count(row: CountRow):
    """A count as a number, or the masking sign ("< 5", "s") in place of a masked one."""
    return row.count if row.masked else row.value


COUNT_COLUMNS = {
    "Tableau": Column(lambda r: r[0], None, 28),
    "Catégorie": Column(lambda r: r[1].label, None, 44),
    "Effectif": Column(lambda r: _count(r[1]), INTEGER, 12),
    "Part": Column(lambda r: r[1].share, None, 10),
}
CONTRACT_KIND_COLUMNS = {
    "Tableau": Column(lambda r: r[0], None, 18),
    "Catégorie": Column(lambda r: r[1].label, None, 40),
    "Contrats": Column(lambda r: _count(r[1]), INTEGER, 12),
    "Part": Column(lambda r: r[1].share, None, 10),
    "Heures travaillées": Column(lambda r: r[1].hours, None, 16),
}
MONTH_COLUMNS = {
    "Mois": Column(lambda m: m.month, "MM/YYYY", 10),
    "Heures réalisées du mois": Column(lambda m: m.hours, HOURS, 16),
    "Cumul des heures réalisées": Column(lambda m: m.cumulative, HOURS, 16),
}


def _tagged(title: str, rows: Iterable[CountRow]) -> list[tuple[str, CountRow]]:
    return [(title, row) for row in rows]


def dashboard_sheets(figures: Figures, *, people: PeopleDisplay, contracts, exits) -> list[Sheet]:
    """The dashboard's tables, one sheet each; counts of people already masked for the audience."""
    total = [figures.programme]
    months: list[Month] = figures.months
    people_rows = (
        _tagged("Sexe", people.sexes)
        + _tagged("Résidence", people.residence)
        + _tagged("Tranche d'âge", people.age_bands)
        + _tagged("Niveau de qualification", people.qualifications)
        + _tagged("Public (plusieurs possibles)", people.publics)
    )
    target_line = {
        "Heures visées du périmètre": Column(lambda m: figures.programme.total.target, HOURS, 16),
    }
    return [
        Sheet("Heures par MOA", _hours_columns("Maître d'ouvrage"), [*figures.moas, *total]),
        Sheet("Heures par opération", _hours_columns("Opération"), [*figures.operations, *total]),
        Sheet("Heures par quartier", _hours_columns("Quartier"), [*figures.sectors, *total]),
        Sheet("Heures par marché", _hours_columns("Marché"), [*figures.markets, *total]),
        Sheet("Heures par mois", MONTH_COLUMNS | target_line, months),
        Sheet("Participants", COUNT_COLUMNS, people_rows),
        Sheet(
            "Contrats",
            CONTRACT_KIND_COLUMNS,
            _tagged("Type de contrat", contracts.by_type) + _tagged("Modalité", contracts.by_modality),
        ),
        Sheet("Sorties à six mois", COUNT_COLUMNS, _tagged("Situation à six mois", exits.situations)),
    ]

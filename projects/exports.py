from core.exports import EUROS, INTEGER, PERCENT, TEXT, Column
from projects.semesters import semester_label

OPERATION_COLUMNS = {
    "Identifiant": Column(lambda op: op.identifier, TEXT, 16),
    "Libellé": Column(lambda op: op.label, None, 48),
    "Quartier": Column(lambda op: op.sector.name if op.sector else "Échelle du programme", None, 24),
    "Famille": Column(lambda op: op.get_family_display(), None, 30),
    "Maître d'ouvrage": Column(lambda op: op.moa.name, None, 28),
    "Statut": Column(lambda op: op.get_status_display(), None, 14),
    "Lancement prévu": Column(lambda op: semester_label(op.planned_start), None, 14),
    "Fin prévue": Column(lambda op: semester_label(op.planned_end), None, 14),
    "Coût HT (€)": Column(lambda op: op.cost_excl_tax, EUROS, 16),
    "Base subventionnable (€)": Column(lambda op: op.eligible_base, EUROS, 16),
    "Financements prévus (€)": Column(lambda op: op.funding_planned or 0, EUROS, 16),
    "Financements engagés (€)": Column(lambda op: op.funding_committed or 0, EUROS, 16),
    "Financements versés (€)": Column(lambda op: op.funding_paid or 0, EUROS, 16),
    "Logements démolis": Column(lambda op: op.housing_demolished, INTEGER, 10),
    "Logements reconstitués": Column(lambda op: op.housing_rebuilt, INTEGER, 10),
    "Logements réhabilités": Column(lambda op: op.housing_rehabilitated, INTEGER, 10),
    "Avancement": Column(lambda op: op.progress / 100, PERCENT, 10),
    "Livraison à risque": Column(lambda op: op.at_risk, None, 10),
    "Motif du risque": Column(lambda op: op.at_risk_reason, None, 40),
}

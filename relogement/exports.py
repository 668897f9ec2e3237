"""The household export of the mission team (personal data: every export writes the access log)."""

from core.exports import DATE, EUROS, INTEGER, TEXT, Column


def _yes_no(value):
    return None if value is None else bool(value)


HOUSEHOLD_COLUMNS = {
    "Référence": Column(lambda h: h.reference, TEXT, 14),
    "Référence du bailleur": Column(lambda h: h.landlord_reference, TEXT, 18),
    "Opération": Column(lambda h: h.origin_operation.identifier, TEXT, 16),
    "Quartier": Column(
        lambda h: h.origin_operation.sector.name if h.origin_operation.sector else "", None, 20
    ),
    "Bailleur d'origine": Column(lambda h: h.origin_landlord.name, None, 24),
    "Statut": Column(lambda h: h.get_status_display(), None, 22),
    "Accompagnement renforcé": Column(lambda h: h.reinforced_support, None, 12),
    "Diagnostic social": Column(lambda h: h.diagnostic_on, DATE, 12),
    "Dernier contact": Column(lambda h: h.last_contact_on, DATE, 12),
    "Clos le": Column(lambda h: h.closed_on, DATE, 12),
    "Typologie d'origine": Column(lambda h: h.get_origin_typology_display(), None, 10),
    "Surface (m²)": Column(lambda h: h.origin_surface, "0.0", 10),
    "Loyer d'origine (€)": Column(lambda h: h.origin_rent, EUROS, 12),
    "Charges d'origine (€)": Column(lambda h: h.origin_charges, EUROS, 12),
    "APL d'origine (€)": Column(lambda h: h.origin_aid, EUROS, 12),
    "Reste à charge d'origine (€)": Column(lambda h: h.origin_remaining_cost, EUROS, 14),
    "Adultes": Column(lambda h: h.adults, INTEGER, 8),
    "Enfants": Column(lambda h: h.children, INTEGER, 8),
    "Âge du titulaire": Column(lambda h: h.get_holder_age_band_display(), None, 14),
    "Revenus mensuels": Column(lambda h: h.get_income_band_display(), None, 16),
    "Besoin d'accessibilité": Column(lambda h: h.needs_mobility, None, 10),
    "Décohabitation": Column(lambda h: h.needs_decohabitation, None, 10),
    "Sur-occupation": Column(lambda h: h.over_occupation, None, 10),
    "Sous-occupation": Column(lambda h: h.under_occupation, None, 10),
    "Communes souhaitées": Column(lambda h: h.wished_communes, None, 24),
    "Souhaite quitter le QPV": Column(lambda h: _yes_no(h.wishes_outside_qpv), None, 10),
    "Propositions": Column(lambda h: h.offer_count, INTEGER, 10),
}

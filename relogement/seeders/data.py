"""Reference data of the relogement demo: proportions, amounts and labels (never a name or an address)."""

import datetime
from decimal import Decimal

from relogement.models import AgeBand, IncomeBand, RefusalReason, Typology, TypologyGroup

# The MOUS relogement of each seeded programme (an association, as is usual).
MOUS = {
    "demo": "MOUS Relogement Lille Sud (exemple)",
    "metro": "MOUS Relogement Métropole (exemple)",
}

# Local targets of the charte de relogement (data, not rules).
TARGET_NEW_SHARE = Decimal("0.300")
TARGET_OUTSIDE_QPV_SHARE = Decimal("0.500")
MAX_RENT_INCREASE = Decimal("30.00")

# Households still living in the buildings when the plan starts, per housing unit (vacancy is organised
# before a demolition; a heavy requalification rehouses only part of its tenants).
OCCUPANCY = {"demolition": 0.5, "requalification": 0.25}
HEAVY_REQUALIFICATION_WORD = "lourde"

# Rent-reduction indemnity (minoration de loyer), 2016 rules, all zones.
INDEMNITY_RATES = [
    (TypologyGroup.SMALL, Decimal("1500.00")),
    (TypologyGroup.MEDIUM, Decimal("4000.00")),
    (TypologyGroup.LARGE, Decimal("5000.00")),
]
INDEMNITY_VALID_FROM = datetime.date(2016, 1, 1)
TYPOLOGY_GROUPS = {
    Typology.T1: TypologyGroup.SMALL,
    Typology.T2: TypologyGroup.SMALL,
    Typology.T3: TypologyGroup.MEDIUM,
    Typology.T4: TypologyGroup.MEDIUM,
    Typology.T5: TypologyGroup.LARGE,
    Typology.T6: TypologyGroup.LARGE,
}

# Landlord reference prefixes ("LDN-0001"); other landlords use their initials.
LANDLORD_PREFIXES = {
    "Habitat Métropole": "HMT",
    "Logis du Nord": "LDN",
    "Notre Toit Habitat": "NTH",
    "Vilogia exemple": "VLG",
    "Immobilière du Nord exemple": "IDN",
    "Maisons et Cités exemple": "MEC",
    "Partenord exemple": "PTN",
    "SIA Habitat exemple": "SIA",
}

# Landlord references are unique per landlord across programmes: the load set numbers from 5001.
REFERENCE_START = {"demo": 0, "metro": 5000}

# Weights of the draws.
ADULTS = {1: 55, 2: 42, 3: 3}
CHILDREN = {0: 42, 1: 20, 2: 18, 3: 12, 4: 6, 5: 2}
AGE_BANDS = {
    AgeBand.UNDER_30: 8,
    AgeBand.FROM_30: 27,
    AgeBand.FROM_45: 30,
    AgeBand.FROM_60: 24,
    AgeBand.OVER_75: 11,
}
INCOME_BANDS = {
    IncomeBand.UNDER_600: 22,
    IncomeBand.FROM_601: 34,
    IncomeBand.FROM_1001: 26,
    IncomeBand.FROM_1501: 12,
    IncomeBand.OVER_2000: 6,
}
# Share of the rent + charges covered by housing aid, per income band (low, high).
AID_SHARES = {
    IncomeBand.UNDER_600: (0.6, 0.85),
    IncomeBand.FROM_601: (0.4, 0.65),
    IncomeBand.FROM_1001: (0.15, 0.4),
    IncomeBand.FROM_1501: (0.0, 0.15),
    IncomeBand.OVER_2000: (0.0, 0.0),
}
TYPOLOGIES = [Typology.T1, Typology.T2, Typology.T3, Typology.T4, Typology.T5, Typology.T6]
# Origin dwelling per typology: surface (m²) and rent (€ a month) ranges; rents of old estates 250–600 €.
ORIGIN_SURFACES = {
    "T1": (28, 35),
    "T2": (42, 52),
    "T3": (58, 70),
    "T4": (72, 84),
    "T5": (86, 98),
    "T6": (100, 115),
}
ORIGIN_RENTS = {
    "T1": (250, 300),
    "T2": (280, 360),
    "T3": (330, 430),
    "T4": (390, 500),
    "T5": (450, 560),
    "T6": (520, 600),
}
ORIGIN_CHARGES = (60, 140)
# Destination rents: the same typology costs more in a new or recent building.
NEW_RENT_PREMIUM = (1.12, 1.28)
OLD_RENT_FACTOR = (0.95, 1.1)
# Change of reste à charge (€ a month): mostly small, either way.
REMAINING_COST_CHANGE = (6.0, 22.0)  # mean, standard deviation

# Rehousing paths.
SAME_SITE_SHARE = 0.5
NEW_OR_RECENT_SHARE = 0.3
OFF_SITE_IN_QPV_SHARE = 0.1
OTHER_LANDLORD_SHARE = 0.3
INDEMNITY_WITHIN_CEILING_SHARE = 0.85
LEFT_SHARE = 0.05
TEMPORARY_SHARE = 0.06
OFFER_COUNTS = {1: 55, 2: 33, 3: 12}
REFUSAL_REASONS = {
    RefusalReason.LOCATION: 35,
    RefusalReason.RENT: 20,
    RefusalReason.TYPOLOGY: 18,
    RefusalReason.CONDITION: 12,
    RefusalReason.FLOOR: 10,
    RefusalReason.OTHER: 5,
}
SURVEY_SHARE = 0.85
SATISFACTION = {1: 3, 2: 6, 3: 16, 4: 40, 5: 35}

# Communes of the destinations and the wishes (off site); on site is the sector's own commune.
COMMUNES = [
    "Lille",
    "Lomme",
    "Hellemmes",
    "Villeneuve-d'Ascq",
    "Lambersart",
    "Loos",
    "Ronchin",
    "Faches-Thumesnil",
    "Wattignies",
    "La Madeleine",
    "Marcq-en-Barœul",
    "Mons-en-Barœul",
    "Roubaix",
    "Tourcoing",
    "Croix",
    "Wasquehal",
]

# Free text, never about a person: cleared anyway when the household is anonymised.
COMMENTS = [
    "Souhaite rester à proximité de l'école des enfants.",
    "Demande un logement en rez-de-chaussée ou avec ascenseur.",
    "Dossier de surendettement en cours : accompagnement budgétaire proposé.",
    "Attend la décision de la commission de médiation.",
    "Décohabitation d'un jeune adulte à prévoir.",
    "Visite du logement proposé à organiser avec le bailleur.",
    "Souhaite un logement avec jardin ou terrasse.",
    "Suivi par le CCAS ; point à faire avec la MOUS.",
]
SURVEY_COMMENTS = [
    "Logement plus lumineux et mieux isolé.",
    "Satisfait du déménagement pris en charge.",
    "Regrette l'éloignement des commerces.",
    "Charges plus élevées que prévu.",
    "Quartier calme, les enfants ont changé d'école sans difficulté.",
    "Quelques réserves sur les finitions.",
]

"""Reference data of the insertion demo: companies, intermediaries, jobs and the shares drawn."""

from insertion.models import AgeBand, ContractType, MarketKind, Modality, Public, Qualification, Situation

# Contracts over the four years before the reference date, per seeded programme.
CONTRACTS = {"demo": 2400, "metro": 5000}
YEARS = 4
# The facilitator's prefix for its own participant ids.
FACILITATOR_PREFIX = {"demo": "MDE", "metro": "PLIE"}

# Building firms holding the markets (titulaires), and the insertion intermediaries.
CONTRACTORS = [
    "Ramery Bâtiment exemple",
    "Rabot Dutilleul exemple",
    "Demathieu Bard exemple",
    "Eiffage Construction Nord exemple",
    "Colas Nord-Picardie exemple",
    "Norpac exemple",
    "Sogea Nord exemple",
    "Brézillon exemple",
]
ENGINEERING_FIRMS = ["Atelier d'urbanisme exemple", "Bureau d'études VRD exemple"]
URBAN_MANAGEMENT_FIRMS = ["Propreté urbaine du Nord exemple", "Espaces verts de la Deûle exemple"]
INTERMEDIARIES = {
    Modality.ETTI: "ETTI Id'ees Intérim exemple",
    Modality.AI: "Association intermédiaire Interm'Aide exemple",
    Modality.GEIQ: "GEIQ BTP Métropole exemple",
    Modality.EI: "Entreprise d'insertion Bâti'Nord exemple",
    Modality.ACI: "Chantier d'insertion Les Jardins du Quartier exemple",
}

# Operations whose works are let as markets with a clause (once engaged), and their kind.
WORKS_FAMILIES = (
    "demolition",
    "requalification",
    "residentialisation",
    "amenagement",
    "equipement",
    "reconstitution",
    "recyclage_copro",
    "recyclage_habitat",
    "economique",
)
# Families not funded by the ANRU in the demo (the clause still applies).
NOT_ANRU_FAMILIES = ("diversification", "autre")
LOTS = {
    MarketKind.WORKS: [
        "Gros œuvre",
        "Désamiantage et démolition",
        "VRD",
        "Second œuvre",
        "Menuiseries extérieures",
    ],
    MarketKind.ENGINEERING: ["Maîtrise d'œuvre urbaine", "OPC"],
    MarketKind.URBAN_MANAGEMENT: ["Entretien des espaces extérieurs", "Nettoyage des parties communes"],
}
# Markets of gestion urbaine (no operation: the GUP convention's), and works markets the facilitator
# knows but nobody linked to an operation yet.
URBAN_MANAGEMENT_MARKETS = {"demo": 2, "metro": 6}
UNLINKED_MARKETS = {"demo": 2, "metro": 5}

# The MOA's performance: achieved hours over the target (some above, some below).
MOA_PERFORMANCE = (0.55, 0.75, 0.9, 1.05, 1.2, 1.45)
# Labour cost: € per hour and share of the market's amount, to derive the amount from the labour hours.
HOURLY_COST = {MarketKind.WORKS: 42, MarketKind.ENGINEERING: 75, MarketKind.URBAN_MANAGEMENT: 30}
LABOUR_SHARE = {MarketKind.WORKS: 0.35, MarketKind.ENGINEERING: 0.6, MarketKind.URBAN_MANAGEMENT: 0.7}

JOBS = {
    MarketKind.WORKS: ["F1703", "F1701", "F1602", "F1606", "F1704", "F1608", "F1610", "N1105"],
    MarketKind.ENGINEERING: ["F1106", "F1104", "M1607"],
    MarketKind.URBAN_MANAGEMENT: ["K2204", "A1203", "K2303"],
}
MODALITIES = {
    MarketKind.WORKS: {
        Modality.DIRECT: 30,
        Modality.ETTI: 32,
        Modality.AI: 8,
        Modality.EI: 8,
        Modality.GEIQ: 17,
        Modality.ACI: 5,
    },
    MarketKind.ENGINEERING: {Modality.DIRECT: 70, Modality.GEIQ: 15, Modality.ETTI: 15},
    MarketKind.URBAN_MANAGEMENT: {Modality.DIRECT: 30, Modality.EI: 30, Modality.ACI: 25, Modality.AI: 15},
}
CONTRACT_TYPES = {
    Modality.DIRECT: {ContractType.CDD: 55, ContractType.CDI: 25, ContractType.APPRENTICESHIP: 20},
    Modality.ETTI: {ContractType.TEMPORARY: 1},
    Modality.AI: {ContractType.CDD: 1},
    Modality.EI: {ContractType.CDD: 1},
    Modality.ACI: {ContractType.CDD: 1},
    Modality.GEIQ: {ContractType.PROFESSIONALISATION: 70, ContractType.APPRENTICESHIP: 30},
}
WOMEN_SHARE = {MarketKind.WORKS: 0.07, MarketKind.ENGINEERING: 0.45, MarketKind.URBAN_MANAGEMENT: 0.4}
AGE_BANDS = {AgeBand.UNDER_26: 32, AgeBand.FROM_26: 43, AgeBand.FROM_45: 10, AgeBand.OVER_50: 15}
QUALIFICATIONS = {
    Qualification.NONE: 45,
    Qualification.LEVEL_3: 35,
    Qualification.LEVEL_4: 15,
    Qualification.LEVEL_5: 5,
}
QPV_RESIDENT_SHARE = 0.82
OTHER_PUBLICS = {
    Public.LONG_TERM_JOBSEEKER: 40,
    Public.RSA: 30,
    Public.RQTH: 6,
    Public.ASS_AAH: 5,
    Public.SIAE: 12,
    Public.OTHER: 7,
}
PRESCRIBERS = ["France Travail", "Mission locale", "PLIE", "Cap emploi", "Département (RSA)", "SIAE"]
OTHER_COMMUNES = ["Roubaix", "Tourcoing", "Villeneuve-d'Ascq", "Wattrelos", "Lomme", "Hellemmes"]
SITUATIONS = {
    Situation.DURABLE_JOB: 30,
    Situation.TRANSITION_JOB: 25,
    Situation.TRAINING: 10,
    Situation.NONE: 20,
    Situation.UNKNOWN: 15,
}
# A participant's next contract: chance of coming back for another one.
RETURN_SHARE = 0.4

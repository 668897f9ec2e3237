"""Hand-written reference data of the demo programme and name pools of the metropolitan load set.

All of it is fictitious: places are real Lille-area names, organisations marked "exemple" are not the
real bodies, and no person is real.
"""

import datetime

from accounts.models import OrganisationKind as K
from projects.models import Family as F

# --- Organisations ---------------------------------------------------------------------------------
# (key, name, kind, short name). Keys are what the funding rules and operations refer to.
DEMO_ORGANISATIONS = [
    ("ville", "Ville de Lille", K.VILLE, ""),
    ("mel", "Métropole Européenne de Lille", K.EPCI, "MEL"),
    ("anru", "ANRU", K.ANRU, "ANRU"),
    ("etat", "État / DDT du Nord", K.ETAT, "DDTM 59"),
    ("al", "Action Logement", K.ACTION_LOGEMENT, "AL"),
    ("bdt", "Banque des Territoires", K.BANQUE_TERRITOIRES, "BdT"),
    ("region", "Région Hauts-de-France", K.REGION, ""),
    ("departement", "Département du Nord", K.DEPARTEMENT, ""),
    ("caf", "CAF du Nord", K.CAF, "CAF"),
    ("anah", "Anah", K.ANAH, ""),
    ("mde", "Maison de l'emploi Lille Lomme Hellemmes", K.MAISON_EMPLOI, "MDE"),
    ("hm", "Habitat Métropole", K.BAILLEUR, ""),
    ("ldn", "Logis du Nord", K.BAILLEUR, ""),
    ("vil", "Vilogia exemple", K.BAILLEUR, ""),
    ("ntr", "Notre Toit Habitat", K.BAILLEUR, ""),
    ("spl", "SPL Aménagement", K.AMENAGEUR, "SPL"),
    ("fl", "Foncière Logement", K.AUTRE, ""),
    ("cc_moulins", "Conseil citoyen des Moulins", K.CONSEIL_CITOYEN, ""),
    ("cc_sud", "Conseil citoyen de Lille-Sud et Faubourg de Béthune", K.CONSEIL_CITOYEN, ""),
]

# Funders every programme shares (metro reuses them by key).
FUNDER_KEYS = ("anru", "al", "bdt", "region", "departement", "caf", "anah", "mel", "etat")

# --- Demo programme --------------------------------------------------------------------------------
DEMO_PROGRAMME = {
    "slug": "npru-demo",
    "name": "NPRU de la Métropole exemple",
    "anru_reference": "C0591",
    "description": (
        "Programme de démonstration (données fictives) : quatre quartiers lillois en renouvellement "
        "urbain au titre du NPNRU, deux d'intérêt national et deux d'intérêt régional."
    ),
    "project_code": "C0591",
}

# name, slug, QPV 2015, QPV 2024, interest, communes, population, housing, social housing, area (km²),
# centre (lon, lat)
DEMO_SECTORS = [
    {
        "name": "Moulins",
        "slug": "moulins",
        "qpv_code_2015": "QP059015",
        "qpv_code_2024": "QN05910M",
        "interest": "prin",
        "communes": "Lille",
        "population": 10400,
        "housing_units": 5900,
        "social_housing_units": 2750,
        "area_km2": 1.3,
        "centre": (3.0745, 50.6245),
    },
    {
        "name": "Pointe des Bois Blancs",
        "slug": "pointe-des-bois-blancs",
        "qpv_code_2015": "QP059017",
        "qpv_code_2024": "QN05913M",
        "interest": "prir",
        "communes": "Lille",
        "population": 5200,
        "housing_units": 2600,
        "social_housing_units": 1480,
        "area_km2": 0.8,
        "centre": (3.0335, 50.6385),
    },
    {
        "name": "Concorde",
        "slug": "concorde",
        "qpv_code_2015": "QP059019",
        "qpv_code_2024": "QN05912M",
        "interest": "prin",
        "communes": "Lille",
        "population": 7800,
        "housing_units": 3700,
        "social_housing_units": 2900,
        "area_km2": 1.0,
        "centre": (3.0360, 50.6190),
    },
    {
        "name": "Faubourg d'Arras",
        "slug": "faubourg-d-arras",
        "qpv_code_2015": "QP059021",
        "qpv_code_2024": "QN05914M",
        "interest": "prir",
        "communes": "Lille",
        "population": 4300,
        "housing_units": 2100,
        "social_housing_units": 1350,
        "area_km2": 0.6,
        "centre": (3.0610, 50.6060),
    },
]

DEMO_CONVENTIONS = [
    {
        "kind": "protocole",
        "title": "Protocole de préfiguration du NPRU de la Métropole exemple",
        "reference": "PR-0591-2016",
        "signed_on": datetime.date(2016, 7, 8),
        "ends_on": datetime.date(2018, 12, 31),
        "amendments": [],
    },
    {
        "kind": "convention",
        "title": "Convention pluriannuelle de renouvellement urbain de la Métropole exemple",
        "reference": "C0591",
        "signed_on": datetime.date(2019, 11, 22),
        "ends_on": datetime.date(2031, 12, 31),
        "amendments": [
            {
                "number": 1,
                "kind": "local",
                "subject": (
                    "Avenant local simplifié : recalage du calendrier des opérations des Moulins "
                    "et fongibilité des crédits entre opérations d'aménagement"
                ),
                "signed_on": datetime.date(2021, 10, 14),
            },
            {
                "number": 2,
                "kind": "national",
                "subject": (
                    "Avenant national de mi-parcours : abandon de la démolition de la barre Debussy "
                    "au profit de sa requalification, redéploiement de crédits vers le Faubourg d'Arras"
                ),
                "signed_on": datetime.date(2024, 3, 28),
            },
        ],
    },
]

# Operations: sector (None = programme-wide), family, MOA key, planned start, duration in semesters,
# housing units (demolished, rebuilt or rehabilitated after the family), location, label.
DEMO_OPERATIONS = [
    # Programme-wide ingénierie
    (None, F.INGENIERIE, "mel", "2019-S1", 24, 0, "Métropole Européenne de Lille",
     "Conduite de projet NPRU : direction de projet et équipe de la mission"),
    (None, F.INGENIERIE, "mel", "2020-S2", 14, 0, "Tous quartiers",
     "Mission d'ordonnancement, de pilotage et de coordination urbaine (OPCU)"),
    (None, F.INGENIERIE, "mel", "2019-S2", 16, 0, "Tous quartiers",
     "MOUS relogement intercommunale et accompagnement social des ménages"),
    # Moulins
    ("Moulins", F.DEMOLITION, "hm", "2020-S1", 6, 120, "Rue de Marquillies",
     "Démolition de la tour Mozart (120 logements)"),
    ("Moulins", F.DEMOLITION, "hm", "2022-S2", 6, 84, "Rue d'Arras",
     "Démolition de la barre Ravel (84 logements)"),
    ("Moulins", F.DEMOLITION, "ldn", "2024-S2", 5, 48, "Rue Wattignies",
     "Démolition partielle de la résidence Bizet (48 logements)"),
    ("Moulins", F.REQUALIFICATION, "hm", "2023-S1", 8, 212, "Rue Verlaine",
     "Réhabilitation thermique de la résidence Verlaine (212 logements, BBC rénovation)"),
    ("Moulins", F.RESIDENTIALISATION, "hm", "2026-S1", 4, 0, "Rue Verlaine",
     "Résidentialisation des îlots Verlaine et Rimbaud (212 logements)"),
    ("Moulins", F.AMENAGEMENT, "mel", "2024-S1", 8, 0, "Rue d'Arras",
     "Requalification de la rue d'Arras et du mail des Moulins"),
    ("Moulins", F.AMENAGEMENT, "spl", "2027-S1", 6, 0, "Îlot Mozart",
     "Aménagement de l'îlot Mozart après démolition (voiries, réseaux, espaces publics)"),
    ("Moulins", F.EQUIPEMENT, "ville", "2023-S2", 8, 0, "Rue Turgot",
     "Reconstruction du groupe scolaire Turgot (14 classes)"),
    ("Moulins", F.EQUIPEMENT, "ville", "2021-S1", 4, 0, "Place Déliot",
     "Extension de la maison de quartier des Moulins"),
    ("Moulins", F.DIVERSIFICATION, "fl", "2028-S1", 5, 0, "Îlot Mozart",
     "Programme en accession sociale îlot Mozart (36 logements PSLA)"),
    ("Moulins", F.ECONOMIQUE, "mel", "2025-S2", 6, 0, "Place Vanhoenacker",
     "Pépinière d'entreprises et commerces en pied d'immeuble, place Vanhoenacker"),
    ("Moulins", F.RECONSTITUTION, "hm", "2024-S1", 7, 60, "Lille, Wazemmes (hors QPV)",
     "Reconstitution de l'offre : 60 logements PLUS-PLAI à Lille-Wazemmes"),
    ("Moulins", F.RECONSTITUTION, "hm", "2021-S2", 6, 56, "Lomme, Mitterie (hors QPV)",
     "Reconstitution de l'offre : 56 logements PLUS-PLAI à Lomme, site Mitterie"),
    ("Moulins", F.RECONSTITUTION, "hm", "2023-S2", 7, 80, "Lille, Fives (hors QPV)",
     "Reconstitution de l'offre : 80 logements PLUS-PLAI à Lille-Fives, site Fives-Cail"),
    # Pointe des Bois Blancs
    ("Pointe des Bois Blancs", F.INGENIERIE, "ville", "2017-S1", 3, 0, "Pointe des Bois Blancs",
     "Étude de programmation urbaine et paysagère de la Pointe des Bois Blancs"),
    ("Pointe des Bois Blancs", F.DEMOLITION, "ldn", "2021-S1", 6, 64, "Rue Lamartine",
     "Démolition de la barre Lamartine (64 logements)"),
    ("Pointe des Bois Blancs", F.RECONSTITUTION, "ldn", "2022-S2", 6, 32, "Lambersart, Canon d'Or (hors QPV)",
     "Reconstitution de l'offre : 32 logements PLAI à Lambersart"),
    ("Pointe des Bois Blancs", F.RECONSTITUTION, "ldn", "2026-S2", 6, 36, "Lomme (hors QPV)",
     "Reconstitution de l'offre : 36 logements PLUS-PLAI à Lomme, rue Salvador-Allende"),
    ("Pointe des Bois Blancs", F.REQUALIFICATION, "vil", "2022-S1", 8, 146, "Quai de l'Ouest",
     "Requalification de la résidence Rives de la Deûle (146 logements)"),
    ("Pointe des Bois Blancs", F.RESIDENTIALISATION, "vil", "2025-S1", 4, 0, "Quai de l'Ouest",
     "Résidentialisation de la résidence Rives de la Deûle (146 logements)"),
    ("Pointe des Bois Blancs", F.AMENAGEMENT, "mel", "2025-S1", 8, 0, "Berges de la Deûle",
     "Aménagement des berges de la Deûle et de la promenade du halage"),
    ("Pointe des Bois Blancs", F.AMENAGEMENT, "mel", "2027-S2", 6, 0, "Rue de la Pointe",
     "Désenclavement : prolongement de la rue de la Pointe et nouvelle passerelle sur la Deûle"),
    ("Pointe des Bois Blancs", F.EQUIPEMENT, "ville", "2024-S1", 6, 0, "Rue Guillaume-Tell",
     "Réhabilitation et extension du centre social des Bois Blancs"),
    ("Pointe des Bois Blancs", F.AUTRE, "ville", "2023-S1", 3, 0, "Pointe des Bois Blancs",
     "Ferme urbaine et jardins partagés de la Pointe"),
    # Concorde
    ("Concorde", F.INGENIERIE, "mel", "2017-S2", 3, 0, "Concorde",
     "Étude urbaine et plan guide du secteur Concorde"),
    ("Concorde", F.DEMOLITION, "hm", "2021-S2", 6, 96, "Avenue de la Concorde",
     "Démolition de la tour Concorde 1 (96 logements)"),
    ("Concorde", F.DEMOLITION, "hm", "2024-S1", 8, 192, "Avenue de la Concorde",
     "Démolition des tours Concorde 2 et 3 (192 logements)"),
    ("Concorde", F.DEMOLITION, "vil", "2023-S1", 4, 72, "Rue Debussy",
     "Démolition de la barre Debussy (72 logements)"),
    ("Concorde", F.REQUALIFICATION, "vil", "2025-S1", 6, 72, "Rue Debussy",
     "Requalification lourde de la barre Debussy (72 logements)"),
    ("Concorde", F.RECONSTITUTION, "hm", "2022-S1", 6, 64, "Ronchin (hors QPV)",
     "Reconstitution de l'offre : 64 logements PLUS-PLAI à Ronchin"),
    ("Concorde", F.RECONSTITUTION, "ntr", "2025-S2", 6, 72, "Lille, Saint-Maurice Pellevoisin (hors QPV)",
     "Reconstitution de l'offre : 72 logements PLUS-PLAI à Lille-Saint-Maurice"),
    ("Concorde", F.RECONSTITUTION, "ntr", "2027-S1", 6, 70, "Hellemmes (hors QPV)",
     "Reconstitution de l'offre : 70 logements PLUS-PLAI à Hellemmes, Cœur de ville"),
    ("Concorde", F.AMENAGEMENT, "spl", "2023-S1", 8, 0, "ZAC Concorde",
     "ZAC Concorde : espaces publics de la tranche 1"),
    ("Concorde", F.AMENAGEMENT, "spl", "2027-S2", 8, 0, "ZAC Concorde",
     "ZAC Concorde : tranche 2, nouvelle trame viaire et parc habité"),
    ("Concorde", F.EQUIPEMENT, "ville", "2026-S1", 5, 0, "Boulevard de Metz",
     "Construction d'une crèche de 60 berceaux boulevard de Metz"),
    ("Concorde", F.RECYCLAGE_COPRO, "spl", "2022-S2", 10, 0, "Rue des Peupliers",
     "Recyclage de la copropriété dégradée Les Peupliers (58 logements)"),
    # Faubourg d'Arras
    ("Faubourg d'Arras", F.RECYCLAGE_HABITAT, "spl", "2023-S2", 8, 0, "Îlot Saint-Sauveur",
     "Recyclage de l'habitat ancien dégradé : courées de l'îlot Saint-Sauveur"),
    ("Faubourg d'Arras", F.REQUALIFICATION, "ldn", "2026-S1", 6, 180, "Rue du Faubourg d'Arras",
     "Réhabilitation de la résidence Arras-Europe (180 logements)"),
    ("Faubourg d'Arras", F.DEMOLITION, "ldn", "2025-S2", 4, 40, "Rue du Faubourg d'Arras",
     "Démolition du bâtiment Europe C (40 logements)"),
    ("Faubourg d'Arras", F.RECONSTITUTION, "ldn", "2028-S1", 6, 40, "Faches-Thumesnil (hors QPV)",
     "Reconstitution de l'offre : 40 logements PLUS-PLAI à Faches-Thumesnil"),
    ("Faubourg d'Arras", F.AMENAGEMENT, "mel", "2027-S1", 6, 0, "Porte d'Arras",
     "Requalification de la place du Faubourg d'Arras et du parvis du métro Porte d'Arras"),
    ("Faubourg d'Arras", F.EQUIPEMENT, "ville", "2020-S2", 6, 0, "Rue du Faubourg d'Arras",
     "Médiathèque et maison du projet du Faubourg d'Arras"),
    ("Faubourg d'Arras", F.ECONOMIQUE, "mel", "2028-S2", 6, 0, "Rue de l'Asie",
     "Hôtel d'activités artisanales du Faubourg d'Arras"),
    ("Faubourg d'Arras", F.DIVERSIFICATION, "fl", "2026-S2", 6, 0, "Îlot Europe",
     "Programme locatif libre Foncière Logement (28 logements)"),
]  # fmt: skip

# Delivery risks of the demo: label → (reason, the step that is overdue because of it). A risk is kept
# only while the operation is under way. "{figures}" in a reason stands for the operation's own relogement
# figures: the projects seeder writes RELOGEMENT_FIGURES_PENDING there, and the relogement seeder, once
# the households are seeded, the counts ("27 ménages sur 96 restent à reloger"), so that the reason agrees
# with the relogement dashboard whatever the demo's date.
RELOGEMENT_FIGURES = "{figures}"
RELOGEMENT_FIGURES_PENDING = "des ménages restent à reloger"
DEMO_RISKS = {
    "Démolition des tours Concorde 2 et 3 (192 logements)": (
        "Relogement en retard : {figures} ; le désamiantage ne peut démarrer qu'une fois les tours "
        "entièrement libérées.",
        "Fin du relogement des ménages",
    ),
    "Reconstitution de l'offre : 80 logements PLUS-PLAI à Lille-Fives, site Fives-Cail": (
        "Appel d'offres travaux infructueux sur les lots gros œuvre et menuiseries extérieures ; "
        "relance en procédure adaptée : la livraison risque d'être décalée d'un semestre si les lots ne "
        "sont pas attribués d'ici la fin du semestre.",
        "Attribution des lots gros œuvre et menuiseries",
    ),
    "Recyclage de l'habitat ancien dégradé : courées de l'îlot Saint-Sauveur": (
        "Diagnostic archéologique prescrit par la DRAC sur deux parcelles ; des fouilles préventives "
        "pourraient retarder les démolitions de six mois.",
        "Levée de la prescription archéologique",
    ),
    "Aménagement des berges de la Deûle et de la promenade du halage": (
        "Pollution des sols (hydrocarbures, métaux lourds) découverte lors des sondages : plan de "
        "gestion et surcoût à valider avec VNF et la Métropole.",
        "Validation du plan de gestion des sols",
    ),
    "Reconstruction du groupe scolaire Turgot (14 classes)": (
        "Surcoût de 14 % constaté à l'avant-projet définitif : plan de financement à reboucler avant "
        "la phase 2 (restaurant scolaire).",
        "Délibération sur le plan de financement révisé",
    ),
    "Réhabilitation thermique de la résidence Verlaine (212 logements, BBC rénovation)": (
        "Défaillance de l'entreprise titulaire du lot façades (liquidation judiciaire en septembre) ; "
        "nouveau marché à attribuer.",
        "Attribution du nouveau marché du lot façades",
    ),
}

# label → (date of the decision, description)
DEMO_ABANDONED = {
    "Démolition de la barre Debussy (72 logements)": (
        datetime.date(2024, 3, 28),
        "Opération abandonnée par l'avenant n° 2 : le bâtiment est conservé et fait l'objet d'une "
        "requalification lourde.",
    ),
}

# --- Risks drawn at random in the load set -------------------------------------------------------------
RISK_REASONS = [
    (
        "Relogement plus long que prévu : une dizaine de ménages restent à reloger avant la démolition.",
        "Fin du relogement des ménages",
    ),
    (
        "Appel d'offres travaux infructueux sur deux lots ; relance en cours.",
        "Attribution des marchés de travaux",
    ),
    ("Recours contentieux d'un riverain contre le permis de construire.", "Purge du recours contentieux"),
    (
        "Pollution des sols découverte lors des sondages : plan de gestion à valider.",
        "Validation du plan de gestion des sols",
    ),
    (
        "Surcoût après l'avant-projet définitif : plan de financement à reboucler.",
        "Délibération sur le plan de financement révisé",
    ),
    (
        "Défaillance de l'entreprise titulaire du gros œuvre (redressement judiciaire).",
        "Reprise du lot gros œuvre par une nouvelle entreprise",
    ),
    ("Diagnostic archéologique prescrit par la DRAC.", "Levée de la prescription archéologique"),
    (
        "Découverte d'amiante non repérée au diagnostic : désamiantage complémentaire nécessaire.",
        "Fin du désamiantage complémentaire",
    ),
    ("Retard de la délibération de cession foncière par la commune.", "Délibération de cession foncière"),
    ("Raccordement au réseau de chaleur décalé par le concessionnaire.", "Raccordement au réseau de chaleur"),
]

# --- Milestones: (label, position in the planned window, 0 = start, 1 = end) ------------------------
MILESTONES = {
    F.INGENIERIE: [("Notification du marché", 0.0), ("Rendu intermédiaire", 0.5), ("Rendu final", 1.0)],
    F.DEMOLITION: [
        ("Dépôt du permis de démolir", -0.1),
        ("Fin du relogement des ménages", 0.35),
        ("Ordre de service de démolition", 0.5),
        ("Démolition achevée", 1.0),
    ],
    F.RECYCLAGE_COPRO: [
        ("Déclaration d'utilité publique", 0.1),
        ("Acquisition des lots", 0.5),
        ("Démolition achevée", 1.0),
    ],
    F.RECYCLAGE_HABITAT: [
        ("Déclaration d'utilité publique", 0.05),
        ("Maîtrise foncière de l'îlot", 0.45),
        ("Cession des terrains au bailleur", 1.0),
    ],
    F.AMENAGEMENT: [
        ("Validation de l'avant-projet", -0.05),
        ("Ordre de service", 0.15),
        ("Réception des travaux", 1.0),
    ],
    F.RECONSTITUTION: [
        ("Dépôt du permis de construire", -0.1),
        ("Ordre de service", 0.2),
        ("Livraison", 1.0),
    ],
    F.REQUALIFICATION: [
        ("Dépôt du permis de construire", -0.05),
        ("Ordre de service", 0.15),
        ("Réception des travaux", 0.9),
        ("Livraison", 1.0),
    ],
    F.RESIDENTIALISATION: [("Ordre de service", 0.1), ("Livraison", 1.0)],
    F.DIVERSIFICATION: [
        ("Dépôt du permis de construire", -0.1),
        ("Lancement de la commercialisation", 0.2),
        ("Livraison", 1.0),
    ],
    F.EQUIPEMENT: [
        ("Dépôt du permis de construire", -0.1),
        ("Ordre de service", 0.15),
        ("Livraison", 1.0),
    ],
    F.ECONOMIQUE: [("Dépôt du permis de construire", -0.1), ("Ordre de service", 0.2), ("Livraison", 1.0)],
    F.AUTRE: [("Ordre de service", 0.1), ("Livraison", 1.0)],
}

# --- Metropolitan load set -------------------------------------------------------------------------
METRO_PROGRAMME = {
    "slug": "npru-metro",
    "name": "NPRU métropolitain (jeu de charge)",
    "anru_reference": "C0599",
    "description": "Jeu de données fictif à l'échelle d'une métropole, pour les mesures de performance.",
    "project_code": "C0599",
}

# name, communes, centre (lon, lat), area km²
METRO_SECTORS = [
    ("Alma", ["Roubaix"], (3.1700, 50.6980), 0.9),
    ("Épeule", ["Roubaix", "Croix"], (3.1580, 50.6840), 0.8),
    ("Pile – Sainte-Élisabeth", ["Roubaix"], (3.1900, 50.6820), 0.7),
    ("La Bourgogne", ["Tourcoing"], (3.1400, 50.7350), 1.2),
    ("Pont-de-Bois", ["Villeneuve-d'Ascq"], (3.1380, 50.6170), 0.9),
    ("Nouveau Mons", ["Mons-en-Barœul"], (3.1100, 50.6400), 1.1),
    ("Beaulieu", ["Wattrelos"], (3.2150, 50.7050), 0.6),
    ("Les Oliveaux", ["Loos", "Haubourdin"], (3.0050, 50.6050), 0.9),
    ("Lionderie – Trois Baudets", ["Hem", "Lys-lez-Lannoy"], (3.1950, 50.6600), 0.8),
    ("Blanc-Riez", ["Wattignies", "Faches-Thumesnil"], (3.0400, 50.5850), 0.7),
]

METRO_BAILLEURS = [
    "Habitat Métropole",
    "Logis du Nord",
    "Vilogia exemple",
    "Notre Toit Habitat",
    "Partenord exemple",
    "Maisons et Cités exemple",
    "SIA Habitat exemple",
    "Immobilière du Nord exemple",
]
METRO_AMENAGEURS = [
    "SPL Aménagement",
    "SEM Ville Renouvelée exemple",
    "Fabrique des quartiers exemple",
    "SPL Roubaix-Tourcoing Aménagement exemple",
    "Établissement public foncier exemple",
]
METRO_PROMOTERS = [
    "Foncière Logement",
    "Promotion Nord Habitat exemple",
    "Coopérative Accession Nord exemple",
]
METRO_ECONOMIC = ["SEM patrimoniale de la Métropole exemple"]
METRO_ASSOCIATIONS = [
    "Association Les Ateliers de la Ressource exemple",
    "Association Fermes urbaines du Nord exemple",
    "Association Culture et Quartiers exemple",
    "Association Sport dans la Ville Nord exemple",
]
# One régie de quartier, centre social and CCAS per commune in these lists.
METRO_REGIES = ["Roubaix", "Tourcoing", "Wattrelos", "Loos", "Hem", "Mons-en-Barœul"]
METRO_SOCIAL_CENTRES = ["Roubaix", "Tourcoing", "Villeneuve-d'Ascq", "Wattrelos", "Hem", "Wattignies"]
METRO_CCAS = ["Roubaix", "Tourcoing", "Loos", "Croix"]

METRO_OFFSITE_COMMUNES = [
    "Lille",
    "Lambersart",
    "Marcq-en-Barœul",
    "La Madeleine",
    "Lezennes",
    "Ronchin",
    "Bondues",
    "Mouvaux",
    "Wasquehal",
    "Lesquin",
    "Templemars",
    "Seclin",
]

RESIDENCE_NAMES = [
    "Mozart", "Ravel", "Debussy", "Bizet", "Berlioz", "Rameau", "Gounod", "Satie", "Fauré", "Chopin",
    "Verlaine", "Rimbaud", "Apollinaire", "Éluard", "Aragon", "Prévert", "Desnos", "Lamartine",
    "Matisse", "Léger", "Braque", "Monet", "Renoir", "Cézanne", "Degas", "Van Gogh", "Delacroix",
    "Les Tilleuls", "Les Acacias", "Les Érables", "Les Peupliers", "Les Marronniers", "Les Charmes",
    "Jean-Jaurès", "Victor-Hugo", "Pasteur", "Curie", "Jules-Ferry", "Voltaire", "Zola", "Balzac",
]  # fmt: skip

PROGRAMME_WIDE_LABELS = [
    "Conduite de projet NPRU : direction de projet métropolitaine",
    "Mission d'ordonnancement, de pilotage et de coordination urbaine (OPCU)",
    "MOUS relogement : lot Roubaix-Tourcoing-Wattrelos",
    "MOUS relogement : lot Lille-Loos-Wattignies",
    "Évaluation du NPRU et observatoire des quartiers",
    "Stratégie de peuplement et charte intercommunale de relogement",
    "Concertation, maisons du projet et fonds de participation des habitants",
    "Mission d'appui à la gestion urbaine et sociale de proximité",
    "Assistance à maîtrise d'ouvrage clauses d'insertion",
    "Étude de marché habitat et stratégie de diversification",
]

"""Hand-written catalogue of the governance seed: bodies, agendas, decisions and their follow-up,
concertation events and residents' remarks.

All of it is fictitious. Nobody is named: people appear only through their function ("Directrice de
l'habitat"). In texts, {sector} is a sector's name, {place} a street or residence of it, {operation} an
operation's label.
"""

from accounts.models import OrganisationKind as K
from governance.models import BodyKind as B
from governance.models import PublicEventKind as E
from governance.models import Theme as T

# --- Organisations --------------------------------------------------------------------------------------
# Tokens the bodies and actions refer to: one organisation of a kind, or every organisation of it
# ("sector_…" tokens keep those of the body's sectors).
SINGLE_TOKENS = {
    "mel": K.EPCI,
    "etat": K.ETAT,
    "anru": K.ANRU,
    "al": K.ACTION_LOGEMENT,
    "bdt": K.BANQUE_TERRITOIRES,
    "region": K.REGION,
    "departement": K.DEPARTEMENT,
    "caf": K.CAF,
    "mde": K.MAISON_EMPLOI,
}
GROUP_TOKENS = {
    "villes": K.VILLE,
    "bailleurs": K.BAILLEUR,
    "amenageurs": K.AMENAGEUR,
    "conseils": K.CONSEIL_CITOYEN,
}

# Conseils citoyens of the demo sectors (the load set has one per sector, named by METRO_COUNCIL).
DEMO_COUNCILS = {
    "Moulins": "Conseil citoyen des Moulins",
    "Concorde": "Conseil citoyen de Lille-Sud et Faubourg de Béthune",
    "Faubourg d'Arras": "Conseil citoyen de Lille-Sud et Faubourg de Béthune",
}
METRO_COUNCIL = "Conseil citoyen – {sector}"
METRO_EXTRA_ORGANISATIONS = [("Maison de l'emploi métropolitaine exemple", K.MAISON_EMPLOI, "MDE")]

# Functions by organisation kind and by the level of the body (political for COPIL and revue de projet,
# technical otherwise, or the theme of a thematic body). The first function of a list is the usual one.
FUNCTIONS = {
    K.EPCI: {
        "political": [
            "Vice-présidente chargée de la politique de la ville",
            "Vice-président délégué au renouvellement urbain",
        ],
        "technical": [
            "Directeur de projet NPRU",
            "Cheffe de projet renouvellement urbain",
            "Responsable administratif et financier du NPRU",
        ],
        "gtr": ["Cheffe de projet relogement", "Chargé de mission relogement"],
        "insertion": ["Chargée de mission emploi et insertion"],
        "gusp": ["Chargé de mission gestion urbaine de proximité"],
        "participation": ["Chargée de mission concertation"],
    },
    K.VILLE: {
        "political": [
            "Adjointe au maire chargée du renouvellement urbain",
            "Maire de quartier",
            "Adjoint au maire délégué au logement",
        ],
        "technical": [
            "Directrice de l'habitat",
            "Chef de projet politique de la ville",
            "Responsable du développement social urbain",
        ],
        "gtr": ["Responsable du service logement"],
        "insertion": ["Chargé de mission emploi"],
        "gusp": ["Coordinatrice GUSP", "Responsable de la mairie de quartier"],
        "participation": ["Responsable de la démocratie participative", "Chargée de mission concertation"],
    },
    K.ETAT: {
        "political": [
            "Sous-préfète chargée de la politique de la ville",
            "Directeur départemental des territoires",
        ],
        "technical": [
            "Chef du service habitat et rénovation urbaine (DDTM)",
            "Chargée de mission renouvellement urbain (DDTM)",
        ],
        "gtr": ["Chargé de mission logement (DDETS)"],
        "insertion": ["Chargée de mission emploi (DDETS)"],
        "gusp": ["Délégué du préfet"],
        "participation": ["Déléguée du préfet"],
    },
    K.ANRU: {
        "political": ["Directeur opérationnel adjoint"],
        "technical": ["Chargée de mission territoriale"],
    },
    K.ACTION_LOGEMENT: {
        "political": ["Directrice régionale"],
        "technical": ["Chargé de mission renouvellement urbain"],
        "gtr": ["Chargée de relations bailleurs"],
    },
    K.BANQUE_TERRITOIRES: {
        "political": ["Directeur territorial"],
        "technical": ["Chargée de développement territorial"],
    },
    K.REGION: {
        "political": ["Conseillère régionale déléguée à la politique de la ville"],
        "technical": ["Chargé de mission politique de la ville"],
        "insertion": ["Chargée de mission formation et emploi"],
    },
    K.DEPARTEMENT: {
        "political": ["Conseiller départemental délégué à l'habitat"],
        "technical": ["Responsable de l'unité territoriale de prévention et d'action sociale"],
        "insertion": ["Chargée de mission insertion (RSA)"],
    },
    K.CAF: {
        "political": ["Directrice adjointe de l'action sociale"],
        "technical": ["Conseiller technique territorial"],
        "gtr": ["Conseillère en économie sociale et familiale"],
    },
    K.ANAH: {"technical": ["Chargé de mission habitat privé"]},
    K.MAISON_EMPLOI: {
        "political": ["Directrice de la Maison de l'emploi"],
        "technical": ["Facilitatrice des clauses sociales", "Chargé de relations entreprises"],
    },
    K.BAILLEUR: {
        "political": ["Directeur général", "Directrice de la maîtrise d'ouvrage"],
        "technical": ["Responsable du renouvellement urbain", "Chargée d'opérations"],
        "gtr": ["Responsable du pôle relogement", "Conseillère sociale relogement"],
        "insertion": ["Chargé de mission clauses sociales"],
        "gusp": ["Responsable d'agence", "Chargée de gestion de proximité"],
        "participation": ["Chargée de concertation locative"],
    },
    K.AMENAGEUR: {
        "political": ["Directeur général délégué"],
        "technical": ["Responsable d'opérations d'aménagement"],
        "insertion": ["Chargée du suivi des clauses sociales"],
        "gusp": ["Responsable de la coordination des chantiers"],
    },
    K.CONSEIL_CITOYEN: {
        "political": ["Représentante du conseil citoyen", "Membre du conseil citoyen, collège habitants"],
        "technical": [
            "Membre du conseil citoyen, collège habitants",
            "Membre du conseil citoyen, collège acteurs locaux",
        ],
    },
    K.ASSOCIATION: {"technical": ["Directrice de centre social", "Coordinateur associatif"]},
}
DEFAULT_FUNCTION = "Représentant de l'organisation"

# --- Bodies -----------------------------------------------------------------------------------------------
# A séance falls on the nth weekday (0 = Monday) of each month listed, at the given time, for the given
# number of minutes; a public holiday puts it off by a week. Chairs and members are tokens.
MONTHLY = (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12)  # no séance in August
PROJECT_ROOM = "Direction de projet NPRU, salle Deûle"

DEMO_BODIES = [
    {
        "name": "COPIL NPRU",
        "kind": B.COPIL,
        "chair": "mel",
        "members": (
            "mel", "villes", "etat", "anru", "bailleurs", "al", "bdt", "region", "departement", "caf",
        ),
        "periodicity": 6,
        "months": (4, 10),
        "slot": (1, 2, "10:00", 150),
        "place": "Hôtel de la Métropole, salle du conseil",
    },
    {
        "name": "COPIL de quartier des Moulins",
        "kind": B.COPIL,
        "sectors": ("Moulins",),
        "chair": "sector_villes",
        "members": (
            "sector_villes", "mel", "etat", "anru", "sector_bailleurs", "amenageurs", "sector_conseils",
        ),
        "periodicity": 6,
        "months": (5, 11),
        "slot": (3, 2, "17:30", 120),
        "place": "Mairie de quartier de Moulins",
    },
    {
        "name": "COPIL de quartier Concorde",
        "kind": B.COPIL,
        "sectors": ("Concorde",),
        "chair": "sector_villes",
        "members": (
            "sector_villes", "mel", "etat", "anru", "sector_bailleurs", "amenageurs", "sector_conseils",
        ),
        "periodicity": 6,
        "months": (6, 12),
        "slot": (3, 1, "17:30", 120),
        "place": "Maison du projet Concorde",
    },
    {
        "name": "COTEC NPRU",
        "kind": B.COTEC,
        "chair": "mel",
        "members": (
            "mel", "villes", "etat", "bailleurs", "amenageurs", "al", "bdt", "departement", "caf", "mde",
        ),
        "periodicity": 2,
        "months": (1, 3, 5, 7, 9, 11),
        "slot": (3, 2, "14:00", 180),
        "place": PROJECT_ROOM,
    },
    {
        "name": "Coordination technique élargie (CTE)",
        "kind": B.CTE,
        "chair": "mel",
        "members": ("mel", "villes", "bailleurs", "amenageurs"),
        "periodicity": 1,
        "months": MONTHLY,
        "slot": (1, 3, "09:30", 120),
        "place": PROJECT_ROOM,
    },
    {
        "name": "Revue de projet annuelle",
        "kind": B.REVUE_PROJET,
        "chair": "etat",
        "members": ("etat", "anru", "mel", "villes", "bailleurs", "al", "bdt", "region", "departement"),
        "periodicity": 12,
        "months": (6,),
        "slot": (2, 2, "14:00", 180),
        "place": "Direction départementale des territoires et de la mer, Lille",
    },
    {
        "name": "Groupe technique relogement (GTR)",
        "kind": B.GTR,
        "chair": "mel",
        "members": ("mel", "villes", "bailleurs", "al", "etat", "departement", "caf"),
        "periodicity": 2,
        "months": (2, 4, 6, 9, 11),
        "slot": (0, 2, "14:00", 150),
        "place": PROJECT_ROOM,
    },
    {
        "name": "Comité de suivi de la clause d'insertion",
        "kind": B.INSERTION,
        "chair": "mel",
        "members": ("mel", "mde", "villes", "bailleurs", "amenageurs", "etat", "region", "departement"),
        "periodicity": 6,
        "months": (3, 9),
        "slot": (4, 3, "10:00", 120),
        "place": "Maison de l'emploi, Lille",
    },
    {
        "name": "Comité de suivi de la participation citoyenne",
        "kind": B.PARTICIPATION,
        "chair": "villes",
        "members": ("villes", "mel", "etat", "bailleurs", "conseils"),
        "periodicity": 12,
        "months": (1,),
        "slot": (2, 4, "18:00", 120),
        "place": "Maison du projet du Faubourg d'Arras",
    },
    {
        "name": "Comité GUSP technique",
        "kind": B.GUSP_TECHNIQUE,
        "chair": "villes",
        "members": ("villes", "mel", "bailleurs", "amenageurs", "etat"),
        "periodicity": 3,
        "months": (1, 4, 7, 10),
        "slot": (1, 4, "09:30", 120),
        "place": "Hôtel de ville de Lille, salle Nord",
    },
]  # fmt: skip

# The load set: programme-wide bodies, then one COPIL per quartier (twice a year for the quartiers of
# national interest) and bodies for groups of quartiers.
METRO_BODIES = [
    {
        **DEMO_BODIES[0],
        "name": "COPIL métropolitain du NPRU",
        "months": (3, 10),
        "slot": (0, 3, "10:00", 150),
    },
    {**DEMO_BODIES[3], "name": "COTEC métropolitain"},
    {**DEMO_BODIES[4], "slot": (1, 2, "09:30", 120)},
    {**DEMO_BODIES[5], "slot": (2, 3, "14:00", 180)},
    {**DEMO_BODIES[7], "place": "Maison de l'emploi métropolitaine, Roubaix"},
    {**DEMO_BODIES[8], "chair": "mel", "place": "Hôtel de la Métropole, salle 2"},
]
METRO_QUARTER_COPIL = {
    "name": "COPIL de quartier – {sector}",
    "kind": B.COPIL,
    "chair": "sector_villes",
    "members": ("sector_villes", "mel", "etat", "anru", "sector_bailleurs", "sector_conseils"),
    "place": "Mairie de {commune}",
}
# Months of the quartiers' COPIL, in the order of the load set's quartiers.
METRO_QUARTER_MONTHS = [(1, 7), (2, 9), (3, 10), (4, 11), (5, 12), (6, 12), (11,), (12,), (1,), (2,)]
METRO_GROUP_BODIES = [
    {
        "name": "GTR – lot Roubaix-Tourcoing-Wattrelos",
        "kind": B.GTR,
        "sectors": ("Alma", "Épeule", "Pile – Sainte-Élisabeth", "La Bourgogne", "Beaulieu",
                    "Lionderie – Trois Baudets"),
        "chair": "mel",
        "members": ("mel", "sector_villes", "sector_bailleurs", "al", "etat", "departement", "caf"),
        "periodicity": 2,
        "months": (2, 4, 6, 9, 11),
        "slot": (0, 1, "14:00", 150),
        "place": "Antenne métropolitaine de Roubaix",
    },
    {
        "name": "GTR – lot Lille-Loos-Wattignies",
        "kind": B.GTR,
        "sectors": ("Pont-de-Bois", "Nouveau Mons", "Les Oliveaux", "Blanc-Riez"),
        "chair": "mel",
        "members": ("mel", "sector_villes", "sector_bailleurs", "al", "etat", "departement", "caf"),
        "periodicity": 2,
        "months": (2, 4, 6, 9, 11),
        "slot": (0, 3, "14:00", 150),
        "place": "Hôtel de la Métropole, salle 4",
    },
    {
        "name": "Comité GUSP technique – Roubaix",
        "kind": B.GUSP_TECHNIQUE,
        "sectors": ("Alma", "Épeule", "Pile – Sainte-Élisabeth"),
        "chair": "sector_villes",
        "members": ("sector_villes", "mel", "sector_bailleurs", "etat"),
        "periodicity": 3,
        "months": (1, 4, 7, 10),
        "slot": (1, 4, "09:30", 120),
        "place": "Mairie de Roubaix",
    },
    {
        "name": "Comité GUSP technique – Tourcoing, Wattrelos, Hem",
        "kind": B.GUSP_TECHNIQUE,
        "sectors": ("La Bourgogne", "Beaulieu", "Lionderie – Trois Baudets"),
        "chair": "sector_villes",
        "members": ("sector_villes", "mel", "sector_bailleurs", "etat"),
        "periodicity": 3,
        "months": (2, 5, 9, 11),
        "slot": (3, 4, "09:30", 120),
        "place": "Mairie de Tourcoing",
    },
    {
        "name": "Comité GUSP technique – secteurs sud et est",
        "kind": B.GUSP_TECHNIQUE,
        "sectors": ("Pont-de-Bois", "Nouveau Mons", "Les Oliveaux", "Blanc-Riez"),
        "chair": "sector_villes",
        "members": ("sector_villes", "mel", "sector_bailleurs", "etat"),
        "periodicity": 3,
        "months": (3, 6, 9, 12),
        "slot": (2, 4, "09:30", 120),
        "place": "Mairie de Villeneuve-d'Ascq",
    },
]  # fmt: skip

# Bodies whose held séances record decisions (and the actions that follow them).
DECIDING_KINDS = (B.COPIL, B.COTEC, B.REVUE_PROJET)

# --- Agendas ----------------------------------------------------------------------------------------------
AGENDA = {
    B.COPIL: [
        "Avancement du programme : opérations livrées, engagées et à venir",
        "Point financier : maquette, engagements et paiements par financeur",
        "Relogement : bilan et perspectives",
        "Clause d'insertion : heures réalisées et objectifs",
        "Concertation : bilan et calendrier des prochains temps d'échange",
        "Préparation de l'avenant à la convention pluriannuelle",
        "Évaluation : premiers résultats de l'observatoire des quartiers",
    ],
    B.COTEC: [
        "Tableau de bord des opérations et jalons du bimestre",
        "Suivi financier : demandes de subvention et de solde",
        "Relogement : ménages restant à reloger par opération",
        "Coordination des chantiers et plan de circulation",
        "Gestion urbaine de proximité pendant les travaux",
        "Préparation du prochain comité de pilotage",
        "Communication et information des habitants",
    ],
    B.CTE: [
        "Tour de table des opérations",
        "Planning des chantiers du mois",
        "Coordination des interventions sur l'espace public",
        "Information des habitants : lettre du projet et affichage",
        "Préparation du COTEC",
        "Suivi des marchés en cours de consultation",
    ],
    B.REVUE_PROJET: [
        "Avancement opérationnel au regard du calendrier conventionnel",
        "Exécution financière par financeur : prévu, engagé, versé",
        "Relogement : indicateurs de l'ANRU",
        "Insertion : atteinte des objectifs de la charte nationale",
        "Gestion urbaine et sociale de proximité et accompagnement au changement",
        "Concertation et participation des habitants",
        "Points de blocage et décisions attendues",
    ],
    B.GTR: [
        "Bilan du relogement par opération",
        "Situations complexes (examen anonymisé)",
        "Offres disponibles et mobilisation des contingents",
        "Reste à charge des ménages après relogement",
        "Enquête de satisfaction des ménages relogés",
        "Calendrier des commissions d'attribution",
    ],
    B.INSERTION: [
        "Heures d'insertion réalisées par maître d'ouvrage",
        "Marchés à venir et objectifs à inscrire",
        "Parcours des participants et sorties à six mois",
        "Part des habitants des quartiers prioritaires",
    ],
    B.PARTICIPATION: [
        "Bilan des temps de concertation de l'année",
        "Remontées des habitants et réponses apportées",
        "Fonds de participation des habitants",
        "Programme de concertation de l'année à venir",
    ],
    B.GUSP_TECHNIQUE: [
        "Signalements du trimestre par thème et par gestionnaire",
        "Diagnostic en marchant : suites données",
        "Sécurisation et propreté des abords de chantier",
        "Actions des bailleurs au titre de l'abattement de TFPB",
        "Encombrants et dépôts sauvages",
    ],
}
SECTOR_AGENDA = [
    "Avancement du projet urbain – secteur {sector}",
    "Retour sur la concertation – secteur {sector}",
    "Relogement des ménages – secteur {sector}",
]
RISK_AGENDA = "Point d'alerte : {operation}"
OPENING_ITEM = "Validation du relevé de décisions de la séance précédente"
CLOSING_ITEM = "Questions diverses et prochaines échéances"

MINUTES_NOTES = [
    "Les partenaires soulignent la bonne tenue du calendrier des démolitions.",
    "Le point sur le relogement appelle une vigilance particulière pour les grands ménages.",
    "Les financeurs confirment leurs engagements pour l'exercice en cours.",
    "La coordination des chantiers sera présentée aux habitants lors de la prochaine réunion publique.",
    "Les remontées des habitants portent surtout sur les nuisances de chantier et le stationnement.",
    "Les maîtres d'ouvrage rappellent les tensions sur les prix des marchés de travaux.",
]

# --- Decisions and their actions ---------------------------------------------------------------------------
# A decision is (text, actions); an action is (title, owner, function, days after the séance, domain).
# The owner is a token, "moa" (the operation's MOA) or "sector_bailleurs"; a function left empty is the
# owner's usual one. Domain "relogement" puts the relogement referent's account in charge.
COPIL_DECISIONS = [
    (
        "Le COPIL valide le bilan d'avancement du programme et le calendrier prévisionnel actualisé.",
        [
            (
                "Diffuser aux partenaires le bilan d'avancement et le calendrier actualisé",
                "mel",
                "Directeur de projet NPRU",
                15,
                "",
            )
        ],
    ),
    (
        "Le COPIL approuve le principe d'un avenant local pour recaler le calendrier des opérations en "
        "retard.",
        [
            (
                "Préparer le projet d'avenant local et le transmettre au délégué territorial",
                "mel",
                "Responsable administratif et financier du NPRU",
                75,
                "",
            ),
            ("Instruire le projet d'avenant local", "etat", "", 120, ""),
        ],
    ),
    (
        "Le COPIL valide la maquette financière actualisée et demande à chaque financeur de confirmer ses "
        "engagements pour l'année à venir.",
        [
            (
                "Confirmer par courrier les engagements de la Région pour l'année à venir",
                "region",
                "",
                60,
                "",
            ),
            (
                "Confirmer les enveloppes de prêts bonifiés pour la reconstitution de l'offre",
                "al",
                "",
                60,
                "",
            ),
        ],
    ),
    (
        "Le COPIL fixe l'objectif de 50 % de ménages relogés dans un logement neuf ou conventionné depuis "
        "moins de cinq ans pour les opérations restant à engager.",
        [
            (
                "Actualiser la charte intercommunale de relogement avec le nouvel objectif",
                "mel",
                "Cheffe de projet relogement",
                90,
                "relogement",
            )
        ],
    ),
    (
        "Le COPIL adopte le programme de concertation de l'année et l'ouverture d'une seconde Maison du "
        "projet.",
        [
            (
                "Présenter le budget de fonctionnement de la seconde Maison du projet",
                "villes",
                "Responsable de la démocratie participative",
                60,
                "",
            )
        ],
    ),
    (
        "Le COPIL demande le lancement de l'évaluation à mi-parcours du programme sur les quatre axes "
        "sociaux (éducation, emploi, accompagnement social, services).",
        [
            (
                "Lancer la consultation pour l'évaluation à mi-parcours",
                "mel",
                "Cheffe de projet renouvellement urbain",
                90,
                "",
            )
        ],
    ),
    (
        "Le COPIL prend acte du bilan de la clause d'insertion et demande un plan de rattrapage aux maîtres "
        "d'ouvrage en deçà de l'objectif de 5 % des heures.",
        [
            ("Transmettre un plan de rattrapage des heures d'insertion", "bailleurs", "", 60, ""),
            ("Consolider les plans de rattrapage pour le prochain COTEC", "mde", "", 75, ""),
        ],
    ),
    (
        "Le COPIL valide la stratégie de peuplement des logements reconstitués hors des quartiers "
        "prioritaires.",
        [
            (
                "Présenter la stratégie de peuplement à la conférence intercommunale du logement",
                "mel",
                "Cheffe de projet relogement",
                120,
                "relogement",
            )
        ],
    ),
]
QUARTER_DECISIONS = [
    (
        "Le COPIL valide le plan guide actualisé du secteur {sector}.",
        [
            (
                "Mettre à jour le plan guide et les supports de présentation – secteur {sector}",
                "mel",
                "Cheffe de projet renouvellement urbain",
                45,
                "",
            )
        ],
    ),
    (
        "Le COPIL retient le scénario d'aménagement des espaces publics issu des ateliers avec les habitants "
        "du secteur {sector}.",
        [
            (
                "Restituer aux habitants le scénario d'aménagement retenu – secteur {sector}",
                "sector_villes",
                "Chargée de mission concertation",
                40,
                "",
            )
        ],
    ),
    (
        "Le COPIL demande le renforcement de la gestion urbaine de proximité autour des chantiers du secteur "
        "{sector}.",
        [
            (
                "Présenter un plan de gestion des abords de chantier – secteur {sector}",
                "sector_villes",
                "Coordinatrice GUSP",
                45,
                "",
            ),
            (
                "Renforcer le nettoyage des abords des immeubles en travaux – secteur {sector}",
                "sector_bailleurs",
                "Responsable d'agence",
                30,
                "",
            ),
        ],
    ),
    (
        "Le COPIL acte l'ouverture de permanences relogement hebdomadaires à la Maison du projet du secteur "
        "{sector}.",
        [
            (
                "Organiser les permanences relogement hebdomadaires – secteur {sector}",
                "mel",
                "Chargé de mission relogement",
                30,
                "relogement",
            )
        ],
    ),
    (
        "Le COPIL valide la programmation du futur équipement de proximité du secteur {sector} et lance les "
        "études de faisabilité.",
        [
            (
                "Lancer l'étude de faisabilité de l'équipement de proximité – secteur {sector}",
                "sector_villes",
                "Directrice de l'habitat",
                90,
                "",
            )
        ],
    ),
    (
        "Le COPIL valide le calendrier de relogement et de démolition présenté pour le secteur {sector}.",
        [
            (
                "Informer les locataires du calendrier de relogement – secteur {sector}",
                "sector_bailleurs",
                "Responsable du pôle relogement",
                30,
                "relogement",
            )
        ],
    ),
]
COTEC_DECISIONS = [
    ("Le COTEC valide le tableau de bord des opérations et des jalons du bimestre.", []),
    (
        "Le COTEC valide l'ordre du jour et le dossier du prochain comité de pilotage.",
        [
            (
                "Envoyer l'ordre du jour et le dossier du COPIL aux partenaires",
                "mel",
                "Cheffe de projet renouvellement urbain",
                14,
                "",
            )
        ],
    ),
    (
        "Le COTEC demande aux maîtres d'ouvrage de transmettre les demandes de solde des opérations livrées "
        "avant la fin du semestre.",
        [
            ("Transmettre les demandes de solde des opérations livrées", "bailleurs", "", 45, ""),
            (
                "Consolider les demandes de solde dans Agora",
                "mel",
                "Responsable administratif et financier du NPRU",
                60,
                "",
            ),
        ],
    ),
    (
        "Le COTEC arrête le plan de coordination des chantiers et des circulations pour le trimestre.",
        [
            (
                "Diffuser le plan de coordination des chantiers aux concessionnaires",
                "villes",
                "Chef de projet politique de la ville",
                15,
                "",
            )
        ],
    ),
    (
        "Le COTEC demande un état des prêts bonifiés d'Action Logement engagés pour la reconstitution de "
        "l'offre.",
        [("Présenter l'état des prêts bonifiés engagés", "al", "", 50, "")],
    ),
    (
        "Le COTEC valide le bilan bimestriel du relogement et demande l'examen des situations bloquées en "
        "groupe technique relogement.",
        [
            (
                "Inscrire les situations bloquées à l'ordre du jour du GTR",
                "mel",
                "Chargé de mission relogement",
                20,
                "relogement",
            )
        ],
    ),
    (
        "Le COTEC valide les modalités d'information des habitants sur les chantiers du trimestre (lettre du "
        "projet, affichage en pied d'immeuble).",
        [("Rédiger et diffuser la lettre du projet", "mel", "Chargée de mission concertation", 30, "")],
    ),
    (
        "Le COTEC demande la mise à jour des fiches opérations avant la revue de projet.",
        [("Mettre à jour les fiches opérations pour la revue de projet", "bailleurs", "", 40, "")],
    ),
]
REVIEW_DECISIONS = [
    (
        "La revue de projet constate un avancement globalement conforme à la convention et prend acte des "
        "opérations en retard.",
        [],
    ),
    (
        "La revue de projet demande la mise à jour de la maquette financière dans Agora avant la fin de "
        "l'année.",
        [
            (
                "Mettre à jour la maquette financière dans Agora",
                "mel",
                "Responsable administratif et financier du NPRU",
                60,
                "",
            )
        ],
    ),
    (
        "La revue de projet demande un plan d'actions pour atteindre l'objectif de 5 % des heures "
        "travaillées en insertion sur chaque opération.",
        [("Élaborer le plan d'actions insertion avec les maîtres d'ouvrage", "mde", "", 75, "")],
    ),
    (
        "La revue de projet retient le principe d'un point d'étape avec l'ANRU au semestre prochain.",
        [
            ("Préparer le dossier du point d'étape", "mel", "Directeur de projet NPRU", 120, ""),
            ("Proposer des dates pour le point d'étape", "anru", "", 30, ""),
        ],
    ),
    (
        "La revue de projet demande de renforcer le suivi du reste à charge des ménages relogés.",
        [
            (
                "Produire l'analyse du reste à charge avant et après relogement",
                "mel",
                "Cheffe de projet relogement",
                60,
                "relogement",
            )
        ],
    ),
    (
        "La revue de projet salue la dynamique de concertation et demande un bilan des suites données aux "
        "remontées des habitants.",
        [
            (
                "Produire le bilan des suites données aux remontées des habitants",
                "villes",
                "Chargée de mission concertation",
                60,
                "",
            )
        ],
    ),
]
OPERATION_DECISIONS = [
    (
        "Le comité prend acte du retard de l'opération « {operation} » et demande au maître d'ouvrage un "
        "calendrier recalé.",
        [("Transmettre un calendrier recalé : {operation}", "moa", "", 30, "")],
    ),
    (
        "Le comité demande un point d'alerte à chaque séance sur l'opération « {operation} » jusqu'à la "
        "levée du risque.",
        [("Préparer le point d'alerte : {operation}", "moa", "", 21, "")],
    ),
    (
        "Le comité valide le plan d'actions proposé par le maître d'ouvrage pour sécuriser la livraison de "
        "l'opération « {operation} ».",
        [
            ("Mettre en œuvre le plan de sécurisation : {operation}", "moa", "", 90, ""),
            (
                "Vérifier l'incidence financière du plan de sécurisation : {operation}",
                "mel",
                "Responsable administratif et financier du NPRU",
                45,
                "",
            ),
        ],
    ),
    (
        "Le comité accepte le report d'un semestre de l'opération « {operation} », sous réserve de l'accord "
        "de l'ANRU.",
        [
            (
                "Saisir l'ANRU de la demande de report : {operation}",
                "mel",
                "Directeur de projet NPRU",
                20,
                "",
            ),
            ("Rendre un avis sur la demande de report : {operation}", "anru", "", 60, ""),
        ],
    ),
]
DECISIONS = {B.COTEC: COTEC_DECISIONS, B.REVUE_PROJET: REVIEW_DECISIONS}

# The functions of the people who sit on a thematic body (see FUNCTIONS).
DOMAIN_BY_KIND = {
    B.GTR: "gtr",
    B.INSERTION: "insertion",
    B.GUSP_TECHNIQUE: "gusp",
    B.PARTICIPATION: "participation",
}

# --- Concertation -------------------------------------------------------------------------------------------
# Streets and residences of the demo sectors (the load set uses its residence names).
DEMO_PLACES = {
    "Moulins": ["rue de Marquillies", "rue d'Arras", "place Déliot", "résidence Verlaine", "rue Turgot"],
    "Pointe des Bois Blancs": [
        "rue Lamartine",
        "quai de l'Ouest",
        "résidence Rives de la Deûle",
        "rue Guillaume-Tell",
        "berges de la Deûle",
    ],
    "Concorde": ["avenue de la Concorde", "rue Debussy", "boulevard de Metz", "rue des Peupliers"],
    "Faubourg d'Arras": [
        "rue du Faubourg d'Arras",
        "îlot Saint-Sauveur",
        "résidence Arras-Europe",
        "place du Faubourg d'Arras",
    ],
}

# Events a month (none in August); the load set multiplies them by its number of sectors over four.
EVENTS_PER_MONTH = {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 3, 7: 1, 8: 0, 9: 2, 10: 2, 11: 2, 12: 1}
FEEDBACK_PER_MONTH = {1: 4, 2: 4, 3: 5, 4: 5, 5: 5, 6: 5, 7: 3, 8: 2, 9: 5, 10: 5, 11: 4, 12: 3}

# Attendance ranges by kind: residents, conseil citoyen, partners; and how often each kind is drawn.
EVENT_ATTENDANCE = {
    E.REUNION_PUBLIQUE: ((45, 120), (3, 10), (6, 12)),
    E.ATELIER: ((10, 35), (2, 6), (3, 8)),
    E.PERMANENCE: ((10, 30), (2, 4), (2, 4)),
    E.BALADE: ((12, 40), (2, 8), (4, 10)),
    E.EXPOSITION: ((40, 120), (2, 5), (2, 6)),
    E.ENQUETE: ((60, 120), (2, 10), (2, 5)),
}
EVENT_WEIGHTS = {
    E.REUNION_PUBLIQUE: 3,
    E.ATELIER: 4,
    E.PERMANENCE: 5,
    E.BALADE: 2,
    E.EXPOSITION: 1,
    E.ENQUETE: 1,
}

# kind → [(theme, title, summary)]; {residents} is the number of residents present.
EVENTS = {
    E.REUNION_PUBLIQUE: [
        (
            T.HABITAT,
            "Réunion publique : avancement du projet urbain – secteur {sector}",
            "<p>{residents} habitants ont assisté à la présentation de l'avancement du projet et du "
            "calendrier des prochaines opérations.</p><p>Les échanges ont porté sur le relogement, les "
            "nuisances de chantier et le devenir des commerces de proximité.</p>",
        ),
        (
            T.CHANTIERS,
            "Réunion publique de lancement des travaux – {place}",
            "<p>Présentation du chantier, de sa durée et des mesures prises pour limiter les nuisances "
            "({residents} habitants présents).</p><p>Un interlocuteur chantier joignable par téléphone a "
            "été désigné ; les horaires de livraison seront affichés en pied d'immeuble.</p>",
        ),
        (
            T.RELOGEMENT,
            "Réunion d'information des locataires sur le relogement – {place}",
            "<p>Le bailleur et l'équipe de la MOUS relogement ont présenté la charte de relogement, les "
            "étapes de l'accompagnement et les aides au déménagement.</p><p>{residents} locataires "
            "présents ; des rendez-vous individuels ont été proposés à chaque ménage.</p>",
        ),
    ],
    E.ATELIER: [
        (
            T.ESPACES_PUBLICS,
            "Atelier de co-conception des espaces publics – {place}",
            "<p>Travail sur plan avec {residents} habitants : usages souhaités, jeux pour enfants, "
            "plantations et cheminements.</p><p>Trois scénarios seront soumis au prochain comité de "
            "pilotage.</p>",
        ),
        (
            T.EQUIPEMENTS,
            "Atelier « Quel équipement de proximité pour le secteur {sector} ? »",
            "<p>{residents} participants ont hiérarchisé leurs attentes : accueil petite enfance, salle "
            "associative, lieu pour les jeunes.</p><p>Les résultats alimenteront l'étude de programmation."
            "</p>",
        ),
        (
            T.CADRE_DE_VIE,
            "Atelier jardins partagés et végétalisation – secteur {sector}",
            "<p>Atelier mené avec le centre social : {residents} habitants intéressés par une parcelle, "
            "une association de jardiniers est en cours de constitution.</p>",
        ),
        (
            T.MOBILITE,
            "Atelier mobilités et stationnement – secteur {sector}",
            "<p>Diagnostic partagé des difficultés de stationnement et des trajets vers les écoles avec "
            "{residents} habitants.</p><p>Demande forte d'une zone apaisée aux abords du groupe "
            "scolaire.</p>",
        ),
    ],
    E.PERMANENCE: [
        (
            T.RELOGEMENT,
            "Permanence relogement à la Maison du projet – secteur {sector}",
            "<p>{residents} ménages reçus sans rendez-vous : questions sur les propositions de logement, "
            "le reste à charge et la date de déménagement.</p>",
        ),
        (
            T.HABITAT,
            "Permanence travaux de réhabilitation – {place}",
            "<p>Le bailleur et l'entreprise ont reçu {residents} locataires pour préparer les travaux en "
            "milieu occupé (calendrier par logement, protection du mobilier).</p>",
        ),
        (
            T.EMPLOI,
            "Permanence emploi et clauses d'insertion – secteur {sector}",
            "<p>La facilitatrice des clauses sociales a reçu {residents} personnes ; plusieurs candidatures "
            "ont été transmises aux entreprises des chantiers du quartier.</p>",
        ),
    ],
    E.BALADE: [
        (
            T.ESPACES_PUBLICS,
            "Balade urbaine : les futurs espaces publics – secteur {sector}",
            "<p>Parcours commenté par l'urbaniste du projet avec {residents} habitants, de la future place "
            "aux nouveaux cheminements.</p><p>Points d'attention relevés : éclairage, traversées piétonnes."
            "</p>",
        ),
        (
            T.CADRE_DE_VIE,
            "Diagnostic en marchant avec les habitants – secteur {sector}",
            "<p>{residents} habitants, le conseil citoyen et les gestionnaires ont relevé les "
            "dysfonctionnements (dépôts sauvages, éclairage, mobilier dégradé).</p><p>Les signalements ont "
            "été transmis aux services compétents.</p>",
        ),
    ],
    E.EXPOSITION: [
        (
            T.HABITAT,
            "Exposition « Le quartier demain » à la Maison du projet – secteur {sector}",
            "<p>Maquette et panneaux du projet urbain présentés pendant trois semaines ; {residents} "
            "visiteurs et une quarantaine de contributions sur le registre.</p>",
        ),
        (
            T.AUTRE,
            "Exposition photographique « Mémoires de quartier » – secteur {sector}",
            "<p>Portraits de lieux et témoignages recueillis avant les démolitions ; vernissage et visites "
            "de classes, {residents} visiteurs.</p>",
        ),
    ],
    E.ENQUETE: [
        (
            T.CADRE_DE_VIE,
            "Enquête sur les usages des espaces extérieurs – secteur {sector}",
            "<p>Enquête en porte-à-porte menée avec le conseil citoyen : {residents} questionnaires "
            "recueillis.</p><p>Attentes prioritaires : propreté, aires de jeux, sentiment de sécurité le "
            "soir.</p>",
        ),
        (
            T.RELOGEMENT,
            "Enquête de satisfaction des ménages relogés – secteur {sector}",
            "<p>{residents} ménages relogés ont répondu ; la grande majorité se déclare satisfaite de son "
            "nouveau logement, les remarques portent sur l'éloignement des écoles et le reste à charge.</p>",
        ),
    ],
}

# Residents' remarks: (theme, text, answer, action), action being (title, owner token) or None.
FEEDBACK = [
    (T.CHANTIERS, "Les camions du chantier circulent dès 7 h du matin, {place}, c'est très bruyant.",
     "Les horaires ont été rappelés aux entreprises : aucune circulation d'engins avant 7 h 30.",
     ("Rappeler les horaires de chantier aux entreprises – {place}", "sector_villes")),
    (T.CHANTIERS, "La poussière de la démolition se dépose sur les balcons et les voitures, {place}.",
     "L'arrosage du chantier a été renforcé et un nettoyage des façades voisines est programmé.", None),
    (T.CHANTIERS, "Le cheminement vers l'école est coupé par les barrières de chantier, {place}.",
     "Un passage piéton protégé a été rétabli le long de la palissade.",
     ("Rétablir un cheminement piéton sécurisé vers l'école – {place}", "sector_villes")),
    (T.CHANTIERS, "Les palissades du chantier sont couvertes de tags, {place}.",
     "Le maître d'ouvrage fera nettoyer les palissades ; une fresque avec les jeunes est à l'étude.", None),
    (T.RELOGEMENT, "Nous attendons une deuxième proposition de logement, la première était trop loin du "
     "collège des enfants.",
     "Le bailleur a pris en compte ces contraintes ; une nouvelle proposition sera faite dans le secteur "
     "souhaité.", None),
    (T.RELOGEMENT, "Le loyer du logement proposé est plus élevé que l'actuel : qui peut nous aider pour "
     "l'APL ?",
     "Une conseillère de la MOUS relogement accompagnera le ménage pour la simulation d'APL avant la "
     "visite.", None),
    (T.RELOGEMENT, "Les personnes âgées de la tour s'inquiètent de devoir déménager seules.",
     "Le déménagement est pris en charge par le bailleur, avec une aide à l'emballage pour les personnes "
     "qui le souhaitent.", None),
    (T.RELOGEMENT, "Peut-on connaître la date de démolition de notre bâtiment, {place} ?",
     "Le calendrier sera présenté lors de la prochaine réunion des locataires et affiché dans les halls.",
     None),
    (T.RELOGEMENT, "Les logements déjà vidés sont squattés, on ne se sent plus en sécurité dans la cage "
     "d'escalier, {place}.",
     "Les logements libérés sont désormais murés et une société de gardiennage passe chaque soir.",
     ("Murer les logements vacants et renforcer le gardiennage – {place}", "sector_bailleurs")),
    (T.ESPACES_PUBLICS, "Il manque des bancs et de l'ombre sur le nouveau mail, {place}.",
     "Des bancs supplémentaires et six arbres seront ajoutés à la prochaine saison de plantation.",
     ("Étudier l'ajout de bancs et d'arbres – {place}", "mel")),
    (T.ESPACES_PUBLICS, "Les enfants n'ont plus d'aire de jeux depuis le début des travaux.",
     "Une aire de jeux provisoire sera installée sur le terrain libéré près de l'école.",
     ("Installer une aire de jeux provisoire – secteur {sector}", "sector_villes")),
    (T.ESPACES_PUBLICS, "Le square rénové est très réussi, merci d'avoir tenu compte des ateliers.",
     "Merci pour ce retour, transmis à l'équipe de conception.", None),
    (T.ESPACES_PUBLICS, "L'éclairage public ne fonctionne plus depuis plusieurs semaines, {place}.",
     "Le candélabre endommagé a été remplacé par le service éclairage public.",
     ("Réparer l'éclairage public – {place}", "sector_villes")),
    (T.MOBILITE, "Les places de stationnement ont disparu avec le chantier : où peut-on se garer ?",
     "Un parking provisoire de quarante places est ouvert pendant toute la durée des travaux.", None),
    (T.MOBILITE, "L'arrêt de bus a été déplacé sans que les habitants soient prévenus.",
     "L'autorité organisatrice des transports a posé un affichage et l'information figure dans la lettre "
     "du projet.", None),
    (T.MOBILITE, "Les voitures garées sur le trottoir empêchent de passer avec une poussette, {place}.",
     "Des potelets seront posés et la police municipale a été sollicitée.",
     ("Poser des potelets anti-stationnement – {place}", "sector_villes")),
    (T.MOBILITE, "Une piste cyclable sécurisée vers le centre-ville serait bienvenue.",
     "La liaison cyclable est inscrite au programme des espaces publics de la seconde tranche.", None),
    (T.CADRE_DE_VIE, "Les encombrants s'accumulent au pied des immeubles depuis deux semaines, {place}.",
     "Un enlèvement a été réalisé et une collecte mensuelle des encombrants est organisée.",
     ("Organiser un enlèvement des encombrants – {place}", "sector_villes")),
    (T.CADRE_DE_VIE, "Les caves de la résidence sont inondées après chaque pluie, {place}.",
     "Le bailleur a missionné une entreprise pour reprendre l'étanchéité des caves.",
     ("Reprendre l'étanchéité des caves – {place}", "sector_bailleurs")),
    (T.CADRE_DE_VIE, "Les conteneurs enterrés sont souvent pleins le week-end.",
     "La fréquence de collecte passe à trois fois par semaine, dont le samedi.", None),
    (T.CADRE_DE_VIE, "Des rats ont été vus près des bacs à ordures, {place}.",
     "Une campagne de dératisation a été réalisée et sera renouvelée dans trois mois.",
     ("Faire intervenir une entreprise de dératisation – {place}", "sector_bailleurs")),
    (T.TRANQUILLITE, "Des rodéos urbains ont lieu le soir, {place}.",
     "Le signalement a été transmis à la police nationale et au délégué du préfet ; des aménagements "
     "ralentisseurs sont à l'étude.", None),
    (T.TRANQUILLITE, "Le hall d'entrée est occupé tous les soirs, les locataires n'osent plus sortir, "
     "{place}.",
     "Le bailleur a renforcé la médiation de soirée en lien avec la police municipale.", None),
    (T.EQUIPEMENTS, "Les horaires de la médiathèque ne conviennent pas aux familles qui travaillent.",
     "Une ouverture le samedi après-midi et le mercredi jusqu'à 19 h est à l'essai.", None),
    (T.EQUIPEMENTS, "Où seront scolarisés les enfants pendant la reconstruction de l'école ?",
     "Les classes sont accueillies dans des bâtiments modulaires sur le site ; une réunion des parents "
     "est prévue.", None),
    (T.EQUIPEMENTS, "Le centre social manque de place pour l'aide aux devoirs.",
     "Deux salles de l'ancienne école seront mises à disposition à la rentrée.",
     ("Mettre à disposition des salles pour l'aide aux devoirs – secteur {sector}", "sector_villes")),
    (T.EQUIPEMENTS, "Une maison de santé dans le quartier serait très utile, les médecins sont loin.",
     "Le projet de maison de santé est étudié avec l'agence régionale de santé.", None),
    (T.HABITAT, "Depuis la réhabilitation, plusieurs fenêtres ferment mal, {place}.",
     "Les réserves ont été signalées à l'entreprise, qui interviendra logement par logement.",
     ("Lever les réserves sur les menuiseries – {place}", "sector_bailleurs")),
    (T.HABITAT, "Le chauffage ne fonctionne pas correctement depuis les travaux, {place}.",
     "Un réglage de l'installation a été fait et les radiateurs ont été purgés.",
     ("Faire contrôler l'installation de chauffage – {place}", "sector_bailleurs")),
    (T.HABITAT, "Nous souhaitons connaître à l'avance les dates des travaux dans notre logement.",
     "Un calendrier par cage d'escalier est affiché et chaque locataire est prévenu quinze jours avant.",
     None),
    (T.HABITAT, "La nouvelle isolation a vraiment réduit nos factures, merci.",
     "Merci pour ce retour, qui sera partagé lors du bilan de l'opération.", None),
    (T.EMPLOI, "Comment postuler aux emplois réservés sur les chantiers du quartier ?",
     "Les offres sont relayées par la Maison de l'emploi ; une permanence se tient chaque mardi à la "
     "Maison du projet.", None),
    (T.EMPLOI, "Les commerces ferment les uns après les autres sur la place : que prévoit le projet ?",
     "Une stratégie commerciale est en cours avec la chambre de commerce ; des locaux neufs sont prévus.",
     None),
    (T.EMPLOI, "Les jeunes du quartier voudraient faire des stages sur les chantiers.",
     "La Maison de l'emploi organise une visite de chantier et des stages de découverte des métiers.",
     ("Organiser une visite de chantier pour les jeunes – secteur {sector}", "mde")),
    (T.AUTRE, "Les documents du projet sont difficiles à comprendre : pourrait-on avoir une version "
     "simplifiée ?",
     "Une version illustrée de la lettre du projet, en facile à lire et à comprendre, sera diffusée.",
     ("Produire une lettre du projet en facile à lire et à comprendre", "mel")),
    (T.AUTRE, "Les réunions en semaine à 18 h ne permettent pas aux familles de venir.",
     "Les prochaines réunions publiques auront lieu le samedi matin, avec un accueil des enfants.", None),
    (T.AUTRE, "La nouvelle place pourrait porter un nom rappelant l'histoire ouvrière du quartier.",
     "La proposition sera soumise à la commission de dénomination des voies.", None),
]  # fmt: skip

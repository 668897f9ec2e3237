"""Reference data of the GUSP demo: volumes, handlers, places, descriptions and the shares drawn."""

from gusp.models import ReportSource, TfpbAxis, Volet

# Reports over the year before the reference date, per seeded programme.
REPORTS = {"demo": 3000, "metro": 20000}
# Recurring hotspots per sector: the same place and theme reported again and again.
HOTSPOTS_PER_SECTOR = 3
HOTSPOT_SHARE = 0.12
# Walk audits per sector over the year (and one ahead), observations per walk.
WALKS_PER_SECTOR = 3
OBSERVATIONS = (6, 14)
PHOTO_SHARE = 0.08
PHOTOS = 6  # generated once, shared by the reports that have a photo

# Theme → weight of reports, and the handler that takes them in the demo (None: the sector's landlord
# for « gestion locative », triage for « autre »).
THEME_WEIGHTS = {
    "proprete": 22,
    "encombrants": 16,
    "eclairage": 8,
    "voirie": 10,
    "espaces-verts": 7,
    "stationnement": 6,
    "securite-chantiers": 7,
    "occupation-espace-public": 4,
    "tranquillite-publique": 6,
    "degradations": 8,
    "gestion-locative": 9,
    "autre": 2,
}
POLICE = "Police municipale (exemple)"
# Handler by theme: a kind of the programme's organisations ("ville", "epci", "amenageur"), "police"
# (created for the demo), "bailleur" (the landlord of the sector), or "" (routed at triage).
THEME_HANDLERS = {
    "proprete": "ville",
    "encombrants": "epci",
    "eclairage": "ville",
    "voirie": "epci",
    "espaces-verts": "ville",
    "stationnement": "police",
    "securite-chantiers": "amenageur",
    "occupation-espace-public": "ville",
    "tranquillite-publique": "police",
    "degradations": "ville",
    "gestion-locative": "bailleur",
    "autre": "",
}
# A theme's own delay for a kind of handler (ThemeHandlerDelay), in days: the landlords commit to handle
# « Gestion locative » faster than the theme's 15 days.
HANDLER_DELAYS = {("gestion-locative", "bailleur"): 10}
# How fast each kind of handler works, as a multiple of the theme's target delay (median), and how
# often the report is closed without being resolved: some are within their target, some are not.
HANDLER_PACE = {"ville": 0.7, "epci": 1.5, "police": 0.9, "amenageur": 0.5, "bailleur": 1.2, "": 1.0}
OUTCOMES = {"resolu": 82, "clos_non_resolu": 6, "hors_competence": 6, "doublon": 6}
COMPETENT_BODIES = [
    "Enedis",
    "SNCF Réseau",
    "Ilévia (transports)",
    "Département du Nord — routes",
    "La Poste",
]
SOURCES = {
    ReportSource.RESIDENT: 34,
    ReportSource.AGENT: 26,
    ReportSource.LANDLORD: 12,
    ReportSource.CITIZEN_COUNCIL: 8,
    ReportSource.PROJECT_HOUSE: 8,
    ReportSource.OTHER_TOOL: 12,
}
PRIORITIES = {"normale": 78, "haute": 15, "basse": 5, "urgente": 2}

DESCRIPTIONS = {
    "proprete": [
        "Sacs poubelles éventrés au pied de l'immeuble",
        "Dépôt sauvage de gravats sur le trottoir",
        "Corbeille de rue qui déborde",
        "Déjections canines devant l'école",
    ],
    "encombrants": [
        "Matelas et meubles déposés devant le hall",
        "Électroménager abandonné sur le parking",
        "Encombrants non ramassés depuis le passage prévu",
    ],
    "eclairage": ["Lampadaire éteint depuis une semaine", "Éclairage du passage piéton en panne"],
    "voirie": [
        "Trou dans la chaussée devant l'école",
        "Trottoir soulevé par les racines",
        "Panneau de signalisation tombé",
        "Potelet arraché",
    ],
    "espaces-verts": [
        "Haie qui déborde sur le trottoir",
        "Jeux d'enfants dégradés au square",
        "Arbre à élaguer",
    ],
    "stationnement": ["Voiture abandonnée depuis un mois", "Stationnement sur la piste cyclable"],
    "securite-chantiers": [
        "Barrière de chantier renversée sur le trottoir",
        "Cheminement piéton non protégé le long du chantier",
        "Boue sur la chaussée à la sortie des camions",
    ],
    "occupation-espace-public": ["Terrasse qui bloque le passage", "Installation sauvage sur la place"],
    "tranquillite-publique": ["Rassemblements bruyants le soir dans le hall", "Rodéos de motos sur la place"],
    "degradations": [
        "Tags sur le mur du local vélo",
        "Vitre de l'abribus cassée",
        "Boîtes aux lettres forcées",
    ],
    "gestion-locative": [
        "Porte du hall qui ne ferme plus",
        "Ascenseur en panne",
        "Fuite d'eau dans la cage d'escalier",
        "Éclairage des parties communes en panne",
    ],
    "autre": ["Demande d'information sur les travaux", "Nuisance à préciser"],
}
ANSWERS = [
    "Intervention réalisée, merci pour votre signalement.",
    "Le service est passé : le problème est réglé.",
    "Intervention programmée dans la semaine.",
]
# The programme's canned answers (gusp.models.AnswerTemplate), created once: the team edits them.
ANSWER_TEMPLATES = [
    (
        "Transmis à l'organisation compétente",
        "Merci pour votre signalement. Il a été transmis à l'organisation chargée d'intervenir, qui vous "
        "tiendra informé de la suite.",
    ),
    (
        "Intervention programmée",
        "Merci pour votre signalement. Une intervention est programmée dans les prochains jours.",
    ),
    ("Intervention réalisée", "L'intervention a été réalisée. Merci pour votre signalement."),
    (
        "Hors compétence",
        "Ce signalement ne relève pas des partenaires du projet de renouvellement urbain : nous l'avons "
        "transmis à l'organisme compétent.",
    ),
    (
        "Déjà signalé",
        "Ce problème nous a déjà été signalé et son traitement est en cours. Merci pour votre vigilance.",
    ),
]
STREETS = {
    "Moulins": [
        "rue de Marquillies",
        "rue d'Arras",
        "place Déliot",
        "rue Jean Jaurès",
        "boulevard de Belfort",
    ],
    "Pointe des Bois Blancs": ["quai de l'Ouest", "rue Guillaume Tell", "avenue Butin", "rue Adolphe"],
    "Concorde": ["avenue Verhaeren", "boulevard de Metz", "rue du Pont à Fourchon", "place Concorde"],
    "Faubourg d'Arras": ["rue du Faubourg d'Arras", "rue de l'Europe", "rue Eugène Jacquet", "square Rameau"],
}
GENERIC_STREETS = [
    "rue de la République",
    "avenue Jean Lebas",
    "rue Victor Hugo",
    "place du Marché",
    "rue des Écoles",
    "boulevard de la Liberté",
    "rue Pasteur",
]

# Walk audits.
ROUTES = [
    "Départ de la maison du projet, tour des résidences, retour par le square",
    "Autour du chantier de démolition, cheminements piétons provisoires",
    "Des arrêts de bus à l'école, par les parkings et les halls",
]
# What the participants proposed (a held walk's « Propositions »).
WALK_PROPOSALS = [
    "Installer des corbeilles supplémentaires sur le cheminement vers l'école.\n"
    "Associer les habitants au choix des plantations du square.",
    "Une permanence du bailleur dans le hall un samedi par mois.\n"
    "Rendre visible le calendrier de collecte des encombrants.",
    "Éclairer le passage entre les deux résidences.\n"
    "Un point d'étape sur le chantier à la maison du projet chaque trimestre.",
]
# Follow-up actions decided after the last walk held in each quartier: (volet, owner kind, title).
WALK_FOLLOW_UPS = [
    (Volet.CORRECTIVE, "ville", "Nettoyage renforcé des pieds d'immeubles signalés en marchant"),
    (Volet.WATCH, "epci", "Reprise de l'éclairage du cheminement parcouru"),
]

# The GUSP convention and the projet de gestion.
COMMITMENTS = [
    (Volet.CORRECTIVE, "ville", "Traiter les dépôts sauvages signalés sous 72 heures"),
    (Volet.CORRECTIVE, "bailleur", "Rétablir la fermeture des halls sous 8 jours"),
    (Volet.WORKS, "amenageur", "Maintenir des cheminements piétons sûrs et propres autour des chantiers"),
    (Volet.WORKS, "epci", "Adapter la collection des déchets aux phases de travaux"),
    (Volet.WATCH, "ville", "Diagnostics en marchant trois fois par an dans chaque quartier"),
    (Volet.ANTICIPATION, "epci", "Associer les gestionnaires à la conception des espaces publics"),
]

# TFPB: actions per landlord and year, their axes (1 to 7: axis 8 does not apply in NPNRU quartiers). Every
# landlord values its staff's presence (axis 1, usually the largest part) and 2 to 5 other axes, for about
# 100,000 to 500,000 € a year: a landlord of 1,000 to 3,000 QPV apartments.
TFPB_YEARS = 2
TFPB_ACTIONS = (2, 5)  # besides the presence of staff
# A landlord's yearly abatement: its valued actions cover 60 % to 110 % of it; 100 to 200 € an apartment.
TFPB_COVERAGE = (0.6, 1.1)
TFPB_PER_DWELLING = (100, 200)
TFPB_AXES = {
    TfpbAxis.PRESENCE: (80_000, 220_000, "Gardiens et agents de médiation supplémentaires"),
    TfpbAxis.TRAINING: (5_000, 20_000, "Formation des gardiens à la gestion des conflits"),
    TfpbAxis.EXTRA_MAINTENANCE: (40_000, 160_000, "Sur-entretien des halls et des parties communes"),
    TfpbAxis.WASTE: (15_000, 80_000, "Enlèvement renforcé des encombrants"),
    TfpbAxis.TRANQUILLITY: (25_000, 120_000, "Vidéoprotection et contrôle d'accès des halls"),
    TfpbAxis.CONSULTATION: (3_000, 15_000, "Réunions de locataires et enquête de satisfaction"),
    TfpbAxis.SOCIAL_LINK: (10_000, 40_000, "Soutien aux associations de locataires et fêtes de quartier"),
}
OTHER_ACTIONS = [
    (Volet.CORRECTIVE, "ville", "Passages supplémentaires de la balayeuse rue de Marquillies"),
    (Volet.WORKS, "amenageur", "Signalétique des cheminements provisoires pendant la démolition"),
    (Volet.WORKS, "epci", "Déplacer les points d'apport volontaire hors de l'emprise du chantier"),
    (Volet.WATCH, "ville", "Tournée hebdomadaire des agents de proximité"),
    (Volet.ANTICIPATION, "epci", "Plan de gestion des futurs espaces publics"),
    (Volet.ANTICIPATION, "bailleur", "Gestion des pieds d'immeubles après résidentialisation"),
]

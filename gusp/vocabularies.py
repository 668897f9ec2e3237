"""The GUSP app's words (data): the default themes and the categories other tools use for them, the
statuses and origins of reporting tools, and the column headers of their exports (docs/imports.md).

Themes are data of each programme (`gusp.models.Theme`, edited by the mission team): `DEFAULT_THEMES` is
what a programme starts with (`gusp.services.themes_ensure`). There is no national list of categories or
target delays: these are the usual ones, changed locally.
"""

import re
from dataclasses import dataclass

from accounts.models import OrganisationKind
from core.imports import Headers
from core.parsing import normalize_key
from core.vocabularies import Vocabulary, vocabulary_table
from gusp.models import ReportSource, ReportStatus, Theme
from projects.models import Sector
from projects.vocabularies import ProgrammeSectors, SectorMatcher

K = OrganisationKind


@dataclass(frozen=True)
class DefaultTheme:
    slug: str
    name: str
    target_days: int
    # The kind of the programme's organisation that handles it by default (when the programme has one
    # organisation of that kind), or "" (routed at triage).
    handler_kind: str
    synonyms: tuple[str, ...] = ()


OTHER_THEME = "autre"
DEFAULT_THEMES = (
    DefaultTheme(
        "proprete",
        "Propreté",
        3,
        K.VILLE,
        ("Propreté urbaine", "Nettoiement", "Déchets", "Dépôt sauvage", "Dépôts sauvages", "Déjections"),
    ),
    DefaultTheme(
        "encombrants",
        "Encombrants",
        7,
        K.VILLE,
        ("Dépôt sauvage / encombrants", "Dépôts sauvages / encombrants", "Objets encombrants", "Monstres"),
    ),
    DefaultTheme("eclairage", "Éclairage", 10, K.VILLE, ("Éclairage public", "Lampadaire", "Candélabre")),
    DefaultTheme(
        "voirie",
        "Voirie",
        30,
        K.EPCI,
        ("Chaussée", "Trottoir", "Nids de poule", "Signalisation", "Mobilier urbain", "Voirie et trottoirs"),
    ),
    DefaultTheme(
        "espaces-verts", "Espaces verts", 15, K.VILLE, ("Espace vert", "Arbres", "Élagage", "Aires de jeux")
    ),
    DefaultTheme(
        "stationnement",
        "Stationnement",
        15,
        K.VILLE,
        (
            "Stationnement gênant",
            "Épaves",
            "Véhicule ventouse",
            "Stationnement / épaves",
            "Véhicule abandonné",
        ),
    ),
    DefaultTheme(
        "securite-chantiers",
        "Sécurité des chantiers",
        2,
        K.AMENAGEUR,
        ("Chantier", "Sécurité chantier", "Nuisances de chantier", "Clôture de chantier"),
    ),
    DefaultTheme(
        "occupation-espace-public",
        "Occupation de l'espace public",
        15,
        K.VILLE,
        ("Occupation du domaine public", "Terrasses", "Rassemblements", "Urbanisme transitoire"),
    ),
    DefaultTheme(
        "tranquillite-publique",
        "Tranquillité publique",
        7,
        K.VILLE,
        ("Tranquillité", "Sécurité", "Nuisances sonores", "Incivilités", "Bruit"),
    ),
    DefaultTheme(
        "degradations",
        "Dégradations",
        15,
        K.VILLE,
        ("Dégradations / tags", "Tags", "Graffitis", "Vandalisme", "Dégradation"),
    ),
    DefaultTheme(
        "gestion-locative",
        "Gestion locative",
        15,
        K.BAILLEUR,
        ("Gestion locative (parties communes)", "Parties communes", "Hall", "Ascenseur"),
    ),
    DefaultTheme(OTHER_THEME, "Autre", 30, "", ("Divers", "Autres")),
)

R = ReportStatus
# The wordings of reporting tools (FixMyStreet-like, « Dans ma rue », « Tell my city »…).
REPORT_STATUS = Vocabulary.of(
    ReportStatus,
    what="Statut",
    synonyms=vocabulary_table(
        [
            (
                R.NEW,
                ("Nouveau", "Nouvelle", "À traiter", "A traiter", "Ouvert", "Non traité", "Signalé", "Reçu"),
            ),
            (R.SENT, ("Transmis", "Transmise", "Envoyé", "Orienté", "En attente", "Affecté", "Attribué")),
            (R.IN_PROGRESS, ("En cours", "Pris en charge", "Prise en charge", "En traitement", "Planifié")),
            (
                R.RESOLVED,
                ("Résolu", "Résolue", "Traité", "Traitée", "Clôturé", "Clôturée", "Terminé", "Fait"),
            ),
            (
                R.CLOSED_UNRESOLVED,
                ("Clos non résolu", "Sans suite", "Classé sans suite", "Non résolu", "Clôturé sans suite"),
            ),
            (
                R.NOT_OURS,
                ("Hors compétence", "Réorienté", "Réorientée", "Redirigé", "Non compétent", "Hors périmètre"),
            ),
            (R.DUPLICATE, ("Doublon", "Déjà signalé", "En double")),
        ]
    ),
)
REPORT_SOURCE = Vocabulary.of(
    ReportSource,
    what="Origine",
    synonyms=vocabulary_table(
        [
            (
                ReportSource.WALK_AUDIT,
                ("Diagnostic en marchant", "Diagnostic marchant", "Marche exploratoire"),
            ),
            (ReportSource.RESIDENT, ("Habitant", "Habitante", "Usager", "Citoyen", "Application", "Web")),
            (ReportSource.AGENT, ("Agent", "Agent de proximité", "Agent de terrain", "Gardien", "Médiateur")),
            (ReportSource.CITIZEN_COUNCIL, ("Conseil citoyen",)),
            (ReportSource.LANDLORD, ("Bailleur", "Bailleur social")),
            (ReportSource.PROJECT_HOUSE, ("Maison du projet",)),
            (ReportSource.OTHER_TOOL, ("Autre", "Autre outil", "Import")),
        ]
    ),
)

# Column headers of reporting tools' exports: field → "Label | other spellings".
REPORT_HEADERS = Headers(
    {
        "reference": "Numéro | N° | N° signalement | Numéro de signalement | Identifiant | Id | Référence"
        " | Réf. | N° de la demande | Numéro de demande | Ticket",
        "reported_at": "Date de création | Date | Date du signalement | Créé le | Date de signalement"
        " | Signalé le | Date de la demande | Date de saisie",
        "category": "Catégorie | Thème | Thématique | Type | Type de signalement | Nature | Sous-catégorie"
        " | Catégorie du signalement",
        "address": "Adresse | Localisation | Lieu | Adresse du signalement | Emplacement",
        "sector": "Quartier | QPV | Secteur | Code QPV | Quartier prioritaire",
        "latitude": "Latitude | Lat | Coordonnée Y | Y",
        "longitude": "Longitude | Lon | Lng | Long | Coordonnée X | X",
        "status": "Statut | État | Etat | Statut du signalement | Avancement",
        "closed_at": "Date de clôture | Clôturé le | Date de résolution | Résolu le | Date de fin"
        " | Date de traitement",
        "handler": "Service en charge | Service | Organisation en charge | Gestionnaire | Affecté à"
        " | Responsable | Service responsable | Intervenant",
        "source": "Origine | Source | Canal | Provenance | Émetteur",
        "description": "Description | Commentaire | Détail | Message | Texte | Objet",
        "duplicate_of": "Doublon de | Signalement d'origine | N° du signalement d'origine | Doublon",
        "competent_body": "Organisme compétent | Réorienté vers | Organisme destinataire",
        "answer": "Réponse | Réponse apportée | Réponse à l'usager | Commentaire de clôture",
        "priority": "Priorité | Urgence",
    }
)


# --- The programme's objects a cell names ------------------------------------------------------------------

_QPV_PREFIX = re.compile(r"^(qpv|quartier prioritaire( de la politique de la ville)?|quartier)\s+")


class ReportSectorMatcher(SectorMatcher):
    """A sector by its name, slug or QPV code, accents, case and apostrophes ignored, and a leading
    « QPV » (or « Quartier prioritaire ») too: « QPV Faubourg d'Arras » = « faubourg d arras »."""

    def find(self, text: str) -> Sector:
        key = normalize_key(text)
        sector = self.by_key.get(key) or self.by_key.get(_QPV_PREFIX.sub("", key))
        return sector if sector is not None else super().find(text)


class ReportSectors(ProgrammeSectors):
    matcher = ReportSectorMatcher


SECTORS = ReportSectors()


class ProgrammeThemes:
    """A column naming a theme of the programme, by its name, its slug or one of its other spellings; an
    unknown category mapped to a theme (preview or --map-value) joins that theme's other spellings, seen
    and edited on the themes page, which the next import reads."""

    target_what = "l'identifiant court (slug) d'un thème du programme"

    def targets(self, programme) -> list[tuple[str, str]]:
        themes = list(
            Theme.objects.filter(programme=programme).order_by("order", "name").values_list("slug", "name")
        )
        return themes or [(theme.slug, theme.name) for theme in DEFAULT_THEMES]

    def target(self, programme, code: str) -> str | None:
        wanted = normalize_key(code)
        return next(
            (
                slug
                for slug, name in self.targets(programme)
                if wanted in (normalize_key(slug), normalize_key(name))
            ),
            None,
        )

    def keep(self, programme, value: str, code: str) -> bool:
        """Add `value` to the other spellings of the programme's theme `code`; False while the programme has
        no themes yet (they come with its first import: the value is then kept as a mapping)."""
        from gusp.services import theme_add_synonym  # services read this module's defaults

        theme = Theme.objects.filter(programme=programme, slug=code).first()
        if theme is None:
            return False
        theme_add_synonym(theme=theme, word=value)
        return True


THEMES = ProgrammeThemes()


def theme_lookup(themes: list[Theme] | None) -> dict[str, str]:
    """Comparable name, slug and other spellings → theme slug: the programme's themes, or the default
    ones when it has none yet (they are created when the import is committed)."""
    table: dict[str, str] = {}
    if themes:
        rows = [(t.slug, t.name, t.synonyms) for t in themes]
    else:
        rows = [(t.slug, t.name, list(t.synonyms)) for t in DEFAULT_THEMES]
    for slug, name, synonyms in rows:
        for word in (*synonyms, slug, name):
            table[normalize_key(word)] = slug
    return table

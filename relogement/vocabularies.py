"""The relogement app's vocabularies (data): the words landlords' workbooks use for typologies, statuses
and bands. Users extend them for their programme by mapping an unknown value in an import's preview."""

from core.imports import Headers
from core.vocabularies import Vocabulary, band_key, vocabulary_table
from relogement.models import AgeBand, HouseholdStatus, IncomeBand, Typology

H = HouseholdStatus

TYPOLOGY = Vocabulary.of(
    Typology,
    what="Typologie",
    synonyms={
        **{f"F{number}": f"T{number}" for number in range(1, 6)},
        **vocabulary_table(
            [
                (Typology.T1, ("Studio", "T1 bis", "T1bis")),
                (Typology.T6, ("T6+", "T6 et +", "T6 et plus", "F6", "T7", "F7")),
            ]
        ),
    },
)
HOUSEHOLD_STATUS = Vocabulary.of(
    HouseholdStatus,
    what="Statut",
    synonyms=vocabulary_table(
        [
            (H.TO_SURVEY, ("A enquêter", "Enquête à réaliser", "Diagnostic à faire", "Non enquêté")),
            (H.SURVEYED, ("Enquête réalisée", "Diagnostic réalisé", "Diagnostiqué")),
            (H.SEARCHING, ("En cours", "En recherche de logement", "Recherche en cours")),
            (H.OFFER, ("Proposition", "Proposition en attente", "Proposition faite", "Attente CAL")),
            (H.REHOUSED, ("Relogé", "Relogé définitivement", "Relogé définitif", "Relogement définitif")),
            (
                H.TEMPORARY,
                (
                    "Relogé temporairement",
                    "Relogé temporaire",
                    "Relogement temporaire",
                    "Relogé provisoirement",
                ),
            ),
            (H.FOLLOW_UP, ("Suivi post relogement", "Enquête de satisfaction")),
            (H.CLOSED, ("Clôturé", "Dossier clos", "Terminé")),
            (
                H.LEFT,
                ("Départ sans relogement", "Parti", "Parti sans solution", "Départ volontaire", "Décès"),
            ),
        ]
    ),
)
AGE_BAND = Vocabulary.of(
    AgeBand,
    what="Âge du titulaire",
    key=band_key,
    synonyms=vocabulary_table(
        [
            (AgeBand.UNDER_30, ("moins de 30", "18-29 ans", "18 à 29 ans")),
            (AgeBand.FROM_30, ("30-44",)),
            (AgeBand.FROM_45, ("45-59",)),
            (AgeBand.FROM_60, ("60-74",)),
            (AgeBand.OVER_75, ("75 ans ou plus", "plus de 75 ans", "plus de 74 ans")),
        ]
    ),
)
INCOME_BAND = Vocabulary.of(
    IncomeBand,
    what="Revenus mensuels",
    key=band_key,
    synonyms=vocabulary_table(
        [
            (IncomeBand.UNDER_600, ("0 - 600 €", "moins de 601")),
            (IncomeBand.FROM_601, ("600 - 1000 €",)),
            (IncomeBand.FROM_1001, ("1000 - 1500 €",)),
            (IncomeBand.FROM_1501, ("1500 - 2000 €",)),
            (IncomeBand.OVER_2000, ("plus de 2001", "2001 et plus")),
        ]
    ),
)

# Column headers of the landlords' workbooks: field → "Label | other spellings" (docs/imports.md).
HOUSEHOLD_HEADERS = Headers(
    {
        "landlord_reference": "N° ménage | Réf. ménage | Référence ménage | Identifiant ménage | Id ménage"
        " | Numéro ménage | Numéro de ménage | Code ménage | N° dossier | Numéro de dossier"
        " | Référence bailleur | Réf. bailleur | N° locataire | Référence locataire | N° de contrat",
        "origin_landlord": "Bailleur d'origine | Bailleur | Bailleur origine | Bailleur actuel | Organisme"
        " | Organisme HLM",
        "origin_operation": "Opération | Opération d'origine | Opération NPRU | Opération ANRU"
        " | Identifiant opération | Code opération | Libellé opération | Programme de démolition"
        " | Site de démolition",
        "origin_typology": "Typologie origine | Typologie | Typologie d'origine | Typologie actuelle"
        " | Type de logement | Type logement origine",
        "origin_surface": "Surface origine (m²) | Surface | Surface (m²) | Surface habitable"
        " | Surface d'origine | Surface origine",
        "adults": "Nb adultes | Nombre d'adultes | Adultes | Nb d'adultes",
        "children": "Nb enfants | Nombre d'enfants | Enfants | Nb d'enfants | Enfants à charge",
        "holder_age_band": "Âge titulaire | Âge du titulaire | Tranche d'âge | Tranche d'âge du titulaire"
        " | Âge | Classe d'âge",
        "income_band": "Revenus mensuels | Revenus | Revenu mensuel | Tranche de revenus | Ressources"
        " | Ressources mensuelles",
        "origin_rent": "Loyer origine (€) | Loyer | Loyer actuel | Loyer d'origine | Loyer hors charges"
        " | Loyer origine HC",
        "origin_charges": "Charges origine (€) | Charges | Charges actuelles | Charges d'origine"
        " | Provisions pour charges",
        "origin_aid": "APL origine (€) | APL | Montant APL | APL actuelle | APL d'origine"
        " | Aide au logement | AL / APL",
        "diagnostic_on": "Date diagnostic social | Diagnostic social | Date du diagnostic social"
        " | Date du diagnostic | Date enquête sociale | Date de l'enquête sociale | Enquête sociale",
        "status": "Statut | Statut ménage | Statut du ménage | État | Situation | Étape | Avancement",
        "rehoused_on": "Date relogement | Date de relogement | Date d'emménagement | Date entrée"
        " | Date d'entrée dans les lieux | Relogé le",
        "dest_commune": "Commune relogement | Commune de relogement | Commune d'accueil"
        " | Ville de relogement | Commune",
        "dest_in_qpv": "Relogé en QPV (O/N) | Relogé en QPV | Relogé QPV | Relogement en QPV"
        " | Logement en QPV | En QPV | QPV",
        "dest_new": "Neuf ou conventionné < 5 ans | Logement neuf | Neuf | Neuf ou récent"
        " | Neuf ou conventionné depuis moins de 5 ans | Neuf / < 5 ans"
        " | Logement neuf ou conventionné < 5 ans",
        "dest_landlord": "Bailleur d'accueil | Bailleur accueil | Bailleur relogement"
        " | Bailleur de relogement | Nouveau bailleur",
        "dest_typology": "Typologie accueil | Typologie d'accueil | Typologie relogement"
        " | Nouvelle typologie | Type logement accueil",
        "dest_rent": "Loyer accueil (€) | Loyer d'accueil | Loyer relogement | Nouveau loyer"
        " | Loyer après relogement",
        "dest_charges": "Charges accueil (€) | Charges d'accueil | Charges relogement | Nouvelles charges"
        " | Charges après relogement",
        "dest_aid": "APL accueil (€) | APL d'accueil | APL relogement | Nouvelle APL | APL après relogement",
        "same_site": "Sur site | Relogé sur site | Sur le site | Même quartier | Relogé dans le quartier",
        # Personal data: recognised to be dropped as soon as they are read.
        "personal_name": "Nom | Nom du titulaire | Nom titulaire | Nom du ménage | Nom prénom"
        " | Nom et prénom | NOM",
        "personal_first_name": "Prénom | Prénom du titulaire | Prénom titulaire | Prénoms",
        "personal_phone": "Téléphone | Tél. | Tel | N° de téléphone | Portable | Téléphone portable | Mobile",
        "personal_address": "Adresse | Adresse actuelle | Adresse d'origine | Adresse du logement"
        " | Adresse postale | Adresse relogement",
        "personal_email": "Courriel | Email | E-mail | Mail | Adresse électronique | Adresse mail",
        "personal_birth": "Date de naissance | Né le | Née le | Date naissance",
    }
)

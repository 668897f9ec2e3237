"""The relogement app's vocabularies (data): the words landlords' workbooks use for typologies, statuses
and bands. Users extend them for their programme by mapping an unknown value in an import's preview."""

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

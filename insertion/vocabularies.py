"""The insertion app's vocabularies (data): the words of the clause facilitators' exports (Maison de
l'emploi, PLIE) for sexes, ages, qualification levels, publics, contracts, modalities and end reasons,
and their column headers. Users extend them for their programme by mapping an unknown value in an
import's preview (docs/imports.md, section « Insertion »)."""

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.imports import Headers
from core.parsing import invalid, is_blank, normalize_key, parse_text
from core.vocabularies import Vocabulary, band_key, vocabulary_table
from insertion.models import (
    AgeBand,
    ContractType,
    EndReason,
    MarketKind,
    Modality,
    Public,
    Qualification,
    Sex,
    Situation,
)
from projects.vocabularies import OPERATIONS

Q, P, E, S = Qualification, Public, EndReason, Situation

# An export repeats the same few words in every row: their comparison keys are computed once each.
cached_key = functools.lru_cache(maxsize=16_384)(normalize_key)
cached_band_key = functools.lru_cache(maxsize=1_024)(band_key)

SEX = Vocabulary.of(
    Sex,
    what="Sexe",
    key=cached_key,
    synonyms=vocabulary_table(
        [
            (Sex.WOMAN, ("F", "Féminin", "Mme", "Madame", "Fille")),
            (Sex.MAN, ("H", "M", "Masculin", "Homme", "Monsieur", "Garçon")),
        ]
    ),
)

# The age is never kept: a number becomes its band (the band at the contract's start).
AGE_MIN, AGE_MAX = 14, 99
_AGE_LIMITS = ((26, AgeBand.UNDER_26), (45, AgeBand.FROM_26), (50, AgeBand.FROM_45))
_WHOLE_NUMBER = re.compile(r"^(?P<years>\d{1,3})(?:[.,]0+)?(?:\s*ans?)?$", re.IGNORECASE)


def age_band_of(age: int) -> str:
    """The band of an age in whole years: under 26, 26–44, 45–49, 50 and over."""
    return next((band for limit, band in _AGE_LIMITS if age < limit), AgeBand.OVER_50).value


@dataclass(frozen=True, eq=False)
class AgeBands(Vocabulary):
    """An age cell: a number of years (« 48 », « 48 ans ») gives its band, a band's wording the band."""

    def __call__(self, value: Any) -> str | None:
        if is_blank(value):
            return None
        age = _whole_years(value)
        if age is None:
            return super().__call__(value)
        if not AGE_MIN <= age <= AGE_MAX:
            raise invalid(
                f"« %(value)s » n'est pas un âge plausible (entre {AGE_MIN} et {AGE_MAX} ans).", value
            )
        return age_band_of(age)


def _whole_years(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return int(value) if value == int(value) else None
    match = _WHOLE_NUMBER.match(parse_text(value))
    return int(match["years"]) if match else None


AGE_BAND = AgeBands(
    what="Âge",
    choices=tuple(AgeBand.choices),
    key=cached_band_key,
    synonyms=vocabulary_table(
        [
            (AgeBand.UNDER_26, ("16-25 ans", "18-25 ans", "moins de 25 ans", "jeune")),
            (AgeBand.FROM_26, ("26-44 ans", "25-44 ans")),
            (AgeBand.FROM_45, ("45-49 ans",)),
            (AgeBand.OVER_50, ("50 ans ou plus", "plus de 50 ans", "plus de 49 ans", "senior")),
        ]
    ),
)

# The 2019 nomenclature (niveaux 1 to 8) and the older one (niveaux VI to I, in the other direction).
QUALIFICATION = Vocabulary.of(
    Qualification,
    what="Niveau de qualification",
    key=cached_key,
    synonyms=vocabulary_table(
        [
            (
                Q.NONE,
                (
                    "Infra 3",
                    "Infra niveau 3",
                    "Niveau 1",
                    "Niveau 2",
                    "Niveaux 1 et 2",
                    "Sans diplôme",
                    "Aucun diplôme",
                    "Sans qualification",
                    "Brevet",
                    "Niveau VI",
                    "Niveau V bis",
                    "Niveau Vbis",
                ),
            ),
            (
                Q.LEVEL_3,
                (
                    "Niveau 3",
                    "Niveau 3 (CAP/BEP)",
                    "Niveau 3 (CAP, BEP)",
                    "CAP",
                    "BEP",
                    "CAP/BEP",
                    "CAP BEP",
                    "Niveau V",
                ),
            ),
            (
                Q.LEVEL_4,
                (
                    "Niveau 4",
                    "Niveau 4 (Bac)",
                    "Bac",
                    "Baccalauréat",
                    "Bac pro",
                    "Bac professionnel",
                    "BP",
                    "Niveau IV",
                ),
            ),
            (
                Q.LEVEL_5,
                (
                    "Niveau 5",
                    "Niveau 5 (Bac+2)",
                    "Niveau 5 et plus",
                    "Niveau 6",
                    "Niveau 7",
                    "Niveau 8",
                    "Bac+2",
                    "Bac + 2",
                    "Bac+3",
                    "Bac+5",
                    "BTS",
                    "DUT",
                    "Licence",
                    "Master",
                    "Supérieur au bac",
                    "Niveau III",
                    "Niveau II",
                    "Niveau I",
                ),
            ),
        ]
    ),
)
PUBLIC = Vocabulary.of(
    Public,
    what="Public",
    key=cached_key,
    synonyms=vocabulary_table(
        [
            (
                P.LONG_TERM_JOBSEEKER,
                (
                    "DELD",
                    "DETLD",
                    "DE longue durée",
                    "DE de longue durée",
                    "Demandeur d'emploi de longue durée",
                    "Demandeur d'emploi longue durée",
                    "Chômeur de longue durée",
                ),
            ),
            (P.RSA, ("RSA", "BRSA", "Bénéficiaire RSA", "Allocataire RSA", "Allocataire du RSA")),
            (
                P.UNDER_26,
                (
                    "Jeune -26 ans",
                    "Jeune - 26 ans",
                    "Jeune de moins de 26 ans",
                    "Jeune moins de 26 ans",
                    "Jeune",
                    "Jeunes",
                    "-26 ans",
                    "Moins de 26 ans",
                ),
            ),
            (
                P.OVER_50,
                (
                    "Senior +50 ans",
                    "Senior + 50 ans",
                    "Senior",
                    "Seniors",
                    "Plus de 50 ans",
                    "+50 ans",
                    "DE de plus de 50 ans",
                    "Demandeur d'emploi de plus de 50 ans",
                ),
            ),
            (P.RQTH, ("RQTH", "TH", "BOETH", "Travailleur handicapé", "Travailleur handicapé (RQTH)")),
            (P.ASS_AAH, ("ASS", "AAH", "ASS/AAH", "Bénéficiaire ASS", "Bénéficiaire AAH")),
            (P.SIAE, ("SIAE", "Salarié SIAE", "Suivi SIAE", "Public SIAE", "IAE", "Salarié en insertion")),
            (P.OTHER, ("Autre", "Autres", "Autre public", "Autre public validé", "EPIDE", "E2C")),
        ]
    ),
)
CONTRACT_TYPE = Vocabulary.of(
    ContractType,
    what="Type de contrat",
    key=cached_key,
    synonyms=vocabulary_table(
        [
            (ContractType.CDI, ("Contrat à durée indéterminée", "CDI de chantier", "CDI intérimaire")),
            (ContractType.CDD, ("Contrat à durée déterminée", "CDDI", "CDD d'insertion", "CDD insertion")),
            (
                ContractType.TEMPORARY,
                (
                    "Interim",
                    "Mission d'intérim",
                    "Travail temporaire",
                    "Contrat de mission",
                    "CTT",
                    "Mission",
                ),
            ),
            (ContractType.APPRENTICESHIP, ("Apprentissage", "Contrat apprentissage", "Apprenti")),
            (
                ContractType.PROFESSIONALISATION,
                ("Professionnalisation", "Contrat pro", "Contrat de pro", "Contrat de professionnalisation"),
            ),
        ]
    ),
)
MODALITY = Vocabulary.of(
    Modality,
    what="Modalité",
    key=cached_key,
    synonyms=vocabulary_table(
        [
            (Modality.DIRECT, ("Direct", "Embauche", "Recrutement direct", "Embauche par l'entreprise")),
            (Modality.ETTI, ("ETTI", "Intérim d'insertion", "Mise à disposition ETTI")),
            (Modality.AI, ("AI", "Association intermédiaire", "Mise à disposition AI")),
            (
                Modality.EI,
                ("EI", "Entreprise d'insertion", "Sous-traitance EI", "Co-traitance EI", "Sous-traitance"),
            ),
            (Modality.GEIQ, ("GEIQ", "Mise à disposition GEIQ", "Groupement d'employeurs (GEIQ)")),
            (Modality.ACI, ("ACI", "Chantier d'insertion", "Atelier chantier d'insertion")),
        ]
    ),
)
# « Abandon » (the person left the job) and « Formation qualifiante » (left for a training) have no
# choice of their own: « Autre motif » (docs/imports.md), which a programme may map otherwise.
END_REASON = Vocabulary.of(
    EndReason,
    what="Motif de fin",
    key=cached_key,
    synonyms=vocabulary_table(
        [
            (E.TERM, ("Fin de contrat", "Terme", "Fin de mission", "Fin de CDD", "Terme du contrat")),
            (E.TRIAL, ("Rupture période d'essai", "Fin de période d'essai", "Période d'essai")),
            (E.RESIGNATION, ("Démission", "Rupture à l'initiative du salarié")),
            (E.DISMISSAL, ("Licenciement", "Rupture à l'initiative de l'employeur")),
            (
                E.HIRED,
                ("Embauche", "Embauche CDI", "Embauche CDD", "Embauche en CDI", "Recrutement", "Embauché"),
            ),
            (
                E.OTHER,
                ("Autre", "Abandon", "Abandon de poste", "Formation qualifiante", "Entrée en formation"),
            ),
        ]
    ),
)
SITUATION = Vocabulary.of(
    Situation,
    what="Situation à 6 mois",
    key=cached_key,
    synonyms=vocabulary_table(
        [
            (S.DURABLE_JOB, ("Emploi durable", "CDI", "CDD de 6 mois et plus", "Création d'entreprise")),
            (S.TRANSITION_JOB, ("Emploi de transition", "CDD de moins de 6 mois", "Contrat aidé", "IAE")),
            (S.TRAINING, ("Formation", "Formation qualifiante", "Formation certifiante")),
            (S.NONE, ("Sans emploi", "Demandeur d'emploi", "Chômage", "Sans solution")),
            (S.UNKNOWN, ("Inconnue", "Non renseigné", "NR", "Perdu de vue", "Sans nouvelles")),
        ]
    ),
)
MARKET_KIND = Vocabulary.of(
    MarketKind,
    what="Nature du marché",
    key=cached_key,
    synonyms=vocabulary_table(
        [
            (MarketKind.WORKS, ("Travaux", "Marché de travaux", "BTP")),
            (
                MarketKind.ENGINEERING,
                ("Ingénierie", "Études", "Étude", "Maîtrise d'œuvre", "Prestations intellectuelles"),
            ),
            (
                MarketKind.URBAN_MANAGEMENT,
                ("GUP", "GUSP", "Gestion urbaine", "Gestion urbaine de proximité", "Services", "Entretien"),
            ),
        ]
    ),
)


class OperationLabels:
    """The « Opération » column: a label matched against the programme's operations by the import itself
    (a label it cannot match leaves the market « à rattacher », never an error). Mappable, so that a
    programme may say once which operation a facilitator's label names (`import_xlsx --map-value`, page
    Correspondances): the mapping puts the operation's identifier in the cell."""

    target_what = OPERATIONS.target_what

    def targets(self, programme) -> list[tuple[str, str]]:
        return OPERATIONS.targets(programme)

    def target(self, programme, code: str) -> str | None:
        return OPERATIONS.target(programme, code)


OPERATION_LABELS = OperationLabels()

# Column headers of the facilitators' exports: field → "Label | other spellings" (docs/imports.md).
CONTRACT_HEADERS = Headers(
    {
        "reference": "ID contrat | Identifiant contrat | N° contrat | Numéro de contrat | Id contrat"
        " | Référence contrat | Réf. contrat | Code contrat",
        "participant": "ID dossier | Identifiant dossier | N° dossier | Numéro de dossier | ID participant"
        " | Identifiant participant | N° participant | ID personne | Identifiant personne | ID bénéficiaire"
        " | Identifiant bénéficiaire | N° bénéficiaire | Référence participant",
        "sex": "Sexe | Genre | Civilité | H/F",
        "age": "Âge | Age | Âge à l'entrée | Âge à l'embauche | Âge au début du contrat | Tranche d'âge"
        " | Classe d'âge",
        "birth_date": "Date de naissance | Né le | Née le | Né(e) le | Date naissance",
        "qualification": "Niveau de qualification | Niveau de formation | Qualification | Niveau"
        " | Niveau de diplôme | Diplôme",
        "commune": "Commune de résidence | Commune | Ville de résidence | Ville | Commune du domicile",
        "qpv_resident": "Habitant QPV | Résident QPV | Habite un QPV | Habitant d'un QPV | QPV (O/N)"
        " | Réside en QPV | Domicilié en QPV",
        "qpv": "Code QPV | QPV | QPV de résidence | Quartier de résidence | Nom QPV | Quartier prioritaire",
        "publics": "Public | Publics | Public éligible | Publics éligibles | Critère d'éligibilité"
        " | Critères d'éligibilité | Statut à l'entrée | Public prioritaire",
        "prescriber": "Prescripteur | Structure prescriptrice | Organisme prescripteur | Orienté par",
        "contract_type": "Type de contrat | Contrat | Nature du contrat | Type contrat",
        "modality": "Modalité | Modalité de réalisation | Modalité d'exécution | Mode de réalisation"
        " | Modalité de mise en œuvre | Dispositif",
        "job_code": "Code ROME | ROME | Métier (code ROME) | Code métier",
        "employer": "Employeur | Structure employeuse | Entreprise employeuse | Raison sociale employeur",
        "user_company": "Entreprise utilisatrice | Entreprise d'accueil | Entreprise attributaire"
        " | Entreprise titulaire",
        "operation": "Opération | Libellé opération | Opération NPRU | Opération ANRU | Chantier",
        "programme": "Programme | Projet | Projet NPRU | Programme NPRU | PRU",
        "market": "Marché | N° marché | Numéro de marché | N° de marché | Référence marché | Code marché"
        " | Numéro du marché",
        "market_title": "Objet du marché | Intitulé du marché | Libellé marché | Objet",
        "lot": "Lot | N° lot | Lot du marché | Intitulé du lot",
        "moa": "Maître d'ouvrage | MOA | Maîtrise d'ouvrage | Donneur d'ordre | Maître d'ouvrage (MOA)",
        "market_kind": "Nature du marché | Type de marché | Nature | Catégorie de marché",
        "anru": "ANRU | Financé ANRU | Financement ANRU | Opération ANRU (O/N) | Marché ANRU"
        " | Cofinancé ANRU",
        "starts_on": "Date de début | Début | Début du contrat | Date d'entrée | Date d'embauche"
        " | Date de début de contrat",
        "ends_on": "Date de fin | Fin | Fin du contrat | Date de sortie | Date de fin de contrat",
        "hours_worked": "Heures travaillées | Heures réalisées | Nb heures | Nombre d'heures"
        " | Heures d'insertion | Heures de travail | Heures",
        "training_hours": "Heures de formation | Heures formation | Nb heures formation",
        "end_reason": "Motif de fin | Motif de sortie | Motif de fin de contrat | Motif",
        "situation_6_months": "Situation à 6 mois | Sortie à 6 mois | Situation 6 mois après"
        " | Situation à 6 mois de la sortie",
        # Personal data: recognised to be dropped as soon as they are read.
        "personal_name": "Nom | Nom du participant | Nom de naissance | Nom d'usage | Nom prénom"
        " | Nom et prénom | NOM",
        "personal_first_name": "Prénom | Prénom du participant | Prénoms",
        "personal_phone": "Téléphone | Tél. | Tel | Portable | Mobile | N° de téléphone",
        "personal_address": "Adresse | Adresse postale | Adresse du domicile | Domicile",
        "personal_email": "Courriel | Email | E-mail | Mail | Adresse électronique",
        "personal_ids": "N° de sécurité sociale | NIR | Numéro de sécurité sociale"
        " | Identifiant France Travail | Identifiant Pôle emploi | N° Pôle emploi | N° France Travail",
    }
)

"""The projects app's vocabularies (data): families, statuses, generic names of organisations; and the
programme's objects that an import's values may be mapped to (operations, sectors)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from accounts.models import OrganisationKind
from core.imports import Headers
from core.parsing import normalize_key
from core.vocabularies import Vocabulary, vocabulary_table
from projects.models import Family, FundingKind, Operation, OperationStatus, Sector

F, S = Family, OperationStatus

FAMILY = Vocabulary.of(
    Family,
    what="Famille",
    synonyms=vocabulary_table(
        [
            (
                F.INGENIERIE,
                ("Études et conduite de projet", "Conduite de projet", "Ingénierie et conduite de projet"),
            ),
            (F.DEMOLITION, ("Démolition", "Démolitions", "Démolition de logements", "Démolition LLS")),
            (F.RECYCLAGE_COPRO, ("Recyclage de copropriétés", "Copropriétés dégradées")),
            (F.RECYCLAGE_HABITAT, ("Recyclage de l'habitat ancien", "Habitat ancien dégradé")),
            (F.AMENAGEMENT, ("Aménagement", "Aménagements")),
            (F.RECONSTITUTION, ("Reconstitution", "Reconstitution de l'offre de logements locatifs sociaux")),
            (F.REQUALIFICATION, ("Requalification", "Réhabilitation", "Réhabilitation de logements sociaux")),
            (F.RESIDENTIALISATION, ("Résidentialisations",)),
            (
                F.DIVERSIFICATION,
                ("Diversification", "Accession", "Diversification de l'habitat", "Accession à la propriété"),
            ),
            (
                F.EQUIPEMENT,
                ("Équipement", "Équipements", "Équipement public", "Équipements publics de proximité"),
            ),
            (F.ECONOMIQUE, ("Immobilier économique", "Développement économique")),
            (F.AUTRE, ("Autre", "Autres")),
        ]
    ),
)
OPERATION_STATUS = Vocabulary.of(
    OperationStatus,
    what="Statut",
    synonyms=vocabulary_table(
        [
            (S.ETUDE, ("Études", "En étude")),
            (S.PROGRAMMEE, ("Programmé",)),
            (S.ENGAGEE, ("Engagé",)),
            (S.TRAVAUX, ("Travaux", "En cours")),
            (S.LIVREE, ("Livré",)),
            (S.SOLDEE, ("Soldé",)),
            (S.ABANDONNEE, ("Abandonné",)),
        ]
    ),
)
# A maître d'ouvrage written as a generic word means the programme's own ville or métropole.
GENERIC_ORGANISATIONS = vocabulary_table(
    [
        (OrganisationKind.VILLE, ("ville", "la ville", "commune")),
        (OrganisationKind.EPCI, ("metropole", "la metropole", "epci", "intercommunalite", "agglomeration")),
    ]
)


# Operation labels are matched on their significant words.
STOP_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en"}


def significant_words(text: str) -> frozenset[str]:
    return frozenset(word for word in normalize_key(text).split() if word not in STOP_WORDS)


class OperationMatcher:
    """The programme's operation a cell names: by identifier, by label, or when every significant word
    of the cell is in the label of one operation only ("Démolition Tour Mozart")."""

    def __init__(self, programme):
        self.operations = list(Operation.objects.filter(programme=programme).order_by("identifier"))
        self.by_key = {normalize_key(o.label): o for o in self.operations}
        self.by_key.update({normalize_key(o.identifier): o for o in self.operations})
        self.words = [(o, significant_words(o.label)) for o in self.operations]

    def find(self, text: str) -> Operation:
        found = self.by_key.get(normalize_key(text))
        if found is not None:
            return found
        words = significant_words(text)
        candidates = [o for o, label_words in self.words if words and words <= label_words]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            names = ", ".join(f"{o.identifier} ({o.label})" for o in candidates[:5])
            raise ValidationError(
                f"Opération « {text} » ambiguë : elle peut désigner {names}. Indiquez son identifiant."
            )
        raise ValidationError(
            f"Opération « {text} » introuvable dans le programme : indiquez son identifiant ou son libellé."
        )


class SectorMatcher:
    """The programme's sector a cell names: its name, short name or QPV code (2015 or 2024)."""

    def __init__(self, programme):
        self.by_key = {}
        for sector in Sector.objects.filter(programme=programme):
            for key in (sector.qpv_code_2015, sector.qpv_code_2024, sector.slug, sector.name):
                if key:
                    self.by_key[normalize_key(key)] = sector

    def find(self, text: str) -> Sector:
        sector = self.by_key.get(normalize_key(text))
        if sector is None:
            names = ", ".join(sorted({sector.name for sector in self.by_key.values()})) or "aucun"
            raise ValidationError(
                f"Quartier « {text} » inconnu dans le programme. Quartiers du programme : {names}."
            )
        return sector


class ProgrammeOperations:
    """A column naming one of the programme's operations: the cell becomes the Operation, and an unknown
    one is mapped by its identifier."""

    target_what = "l'identifiant d'une opération du programme"
    matcher = OperationMatcher

    def targets(self, programme) -> list[tuple[str, str]]:
        return list(
            Operation.objects.filter(programme=programme)
            .order_by("identifier")
            .values_list("identifier", "label")
        )

    def target(self, programme, code: str) -> str | None:
        found = Operation.objects.filter(programme=programme, identifier__iexact=code.strip())
        return found.values_list("identifier", flat=True).first()


class ProgrammeSectors:
    """A column naming one of the programme's sectors (quartiers); an unknown one is mapped by its slug."""

    target_what = "l'identifiant court (slug) d'un quartier du programme"
    matcher = SectorMatcher

    def targets(self, programme) -> list[tuple[str, str]]:
        return list(Sector.objects.filter(programme=programme).order_by("name").values_list("slug", "name"))

    def target(self, programme, code: str) -> str | None:
        found = Sector.objects.filter(programme=programme, slug__iexact=code.strip())
        return found.values_list("slug", flat=True).first()


OPERATIONS = ProgrammeOperations()
SECTORS = ProgrammeSectors()


# Column headers: field → "Label | other spellings" (docs/imports.md) --------------------------------------

OPERATION_HEADERS = Headers(
    {
        "identifier": "Identifiant | Identifiant opération | Id | ID opération | N° opération"
        " | Numéro d'opération | Code opération | Référence opération | Réf. opération",
        "label": "Libellé | Libellé opération | Libellé de l'opération | Intitulé"
        " | Intitulé de l'opération | Opération",
        "sector": "Quartier | Secteur | QPV | Quartier QPV | Code QPV | Site",
        "family": "Famille | Famille d'opération | Famille ANRU | Type d'opération | Nature de l'opération",
        "moa": "Maître d'ouvrage | MOA | Maîtrise d'ouvrage | Maître d'ouvrage (MOA) | Porteur"
        " | Porteur de projet",
        "cost_excl_tax": "Coût HT | Coût | Coût total HT | Coût prévisionnel HT | Coût de l'opération HT"
        " | Montant HT | Coût total",
        "eligible_base": "Base subventionnable | Assiette subventionnable | Base de financement"
        " | Base subventionnable HT | Assiette",
        "fund_anru": "Subvention ANRU | ANRU | Subvention ANRU prévue | Subventions ANRU | Concours ANRU"
        " | Subvention NPNRU | Agence nationale pour la rénovation urbaine",
        "fund_action_logement": "Prêt Action Logement | Action Logement | Prêt bonifié Action Logement"
        " | Prêts Action Logement | Prêt AL | Action Logement Services",
        "fund_ville": "Ville | Commune | Subvention Ville | Part Ville | Subvention commune | Part commune",
        "fund_epci": "Métropole | EPCI | Intercommunalité | Subvention Métropole | Part Métropole"
        " | Agglomération",
        "fund_region": "Région | Conseil régional | Subvention Région | Part Région",
        "fund_departement": "Département | Conseil départemental | Subvention Département | Part Département",
        "fund_banque_territoires": "Banque des Territoires | Caisse des Dépôts | CDC | BdT"
        " | Banque des territoires (CDC) | Caisse des dépôts et consignations",
        "fund_anah": "Anah | Subvention Anah | Agence nationale de l'habitat",
        "fund_feder": "FEDER | Fonds européens | Europe | Union européenne | Europe (FEDER)",
        "fund_own": "Fonds propres | Fonds propres MOA | Fonds propres du maître d'ouvrage"
        " | Autofinancement | Part MOA | Fonds propres / emprunt",
        "planned_start": "Semestre de lancement | Lancement | Lancement prévu | Semestre de démarrage"
        " | Démarrage | Date de lancement",
        "duration": "Durée (semestres) | Durée | Durée en semestres | Nombre de semestres"
        " | Nb de semestres | Nb semestres",
        "status": "Statut | État | Statut opération | État d'avancement",
    }
)
QPV_HEADERS = Headers(
    {
        "code": "Code QPV | code_qp | Code quartier | Code du quartier | Code QP | Code",
        "name": "Nom du quartier | lib_qp | Libellé | Libellé QPV | Nom QPV | Nom | Quartier",
        "insee_codes": "Codes INSEE | insee_com | Code INSEE | Code commune | Codes communes | depcom",
        "communes": "Communes | lib_com | Commune | Nom commune | Noms communes",
    }
)


@dataclass(frozen=True)
class Funder:
    """A funder column of the financial annex: the funding's kind, the funder's kind of organisation, and
    the organisation created (or found by name) when the programme has none of that kind — None for the
    local authorities, which must already be attached to the programme."""

    field: str
    funding_kind: str
    organisation_kind: str
    default_name: str | None


K = OrganisationKind
FUNDERS = (
    Funder("fund_anru", FundingKind.SUBVENTION, K.ANRU, "ANRU"),
    Funder("fund_action_logement", FundingKind.PRET, K.ACTION_LOGEMENT, "Action Logement"),
    Funder("fund_ville", FundingKind.SUBVENTION, K.VILLE, None),
    Funder("fund_epci", FundingKind.SUBVENTION, K.EPCI, None),
    Funder("fund_region", FundingKind.SUBVENTION, K.REGION, "Région"),
    Funder("fund_departement", FundingKind.SUBVENTION, K.DEPARTEMENT, "Département"),
    Funder("fund_banque_territoires", FundingKind.SUBVENTION, K.BANQUE_TERRITOIRES, "Banque des Territoires"),
    Funder("fund_anah", FundingKind.SUBVENTION, K.ANAH, "Anah"),
    Funder("fund_feder", FundingKind.SUBVENTION, K.AUTRE, "FEDER"),
)
# Kinds of which a single organisation exists nationwide: any one found by kind is the right one.
NATIONAL_KINDS = {K.ANRU, K.ACTION_LOGEMENT, K.BANQUE_TERRITOIRES, K.ANAH}


# Funders' and finance department's statements (projects/funding_imports.py) -------------------------------

FUNDING_KIND = Vocabulary.of(
    FundingKind,
    what="Nature",
    synonyms=vocabulary_table(
        [
            (
                FundingKind.SUBVENTION,
                ("Subventions", "Sub", "Subv", "Subvention d'investissement", "Participation"),
            ),
            (FundingKind.PRET, ("Prêts", "Prêt bonifié", "Emprunt", "Avance remboursable")),
            (FundingKind.FONDS_PROPRES, ("Autofinancement", "Fonds propres MOA", "Part MOA")),
        ]
    ),
)
_OPERATION = (
    "Opération | N° opération | Numéro d'opération | Identifiant opération | Code opération"
    " | ID opération | Réf. opération | Référence opération | Identifiant | Opération NPRU"
    " | N° d'opération ANRU | Code ANRU"
)
_STATEMENT_INFO = {
    # Read and not used: they make a statement's usual columns known (not « non reconnue »).
    "operation_label": "Libellé opération | Libellé de l'opération | Intitulé de l'opération | Intitulé"
    " | Libellé",
    "moa": "Maître d'ouvrage | MOA | Maîtrise d'ouvrage | Bénéficiaire",
    "family": "Famille | Famille d'opération | Famille ANRU",
}
_FUNDER = (
    "Financeur | Organisme financeur | Cofinanceur | Co-financeur | Partenaire financeur"
    " | Source de financement"
)
_NATURE = "Nature | Nature du financement | Nature de l'aide | Type de financement | Type d'aide"
COMMITMENT_HEADERS = Headers(
    {
        "operation": _OPERATION,
        **_STATEMENT_INFO,
        "funder": _FUNDER,
        "kind": _NATURE,
        "committed": "Montant engagé | Engagé | Engagements | Montant engagé cumulé | Engagé cumulé"
        " | Montant notifié | Subvention notifiée | Montant attribué | Montant de la décision"
        " | Engagement juridique",
        "paid": "Montant versé | Versé | Versements | Cumul des versements | Versé cumulé | Total versé"
        " | Montant payé | Payé | Montant encaissé | Encaissé | Versé à date",
        "remaining": "Reste à verser | Reste à payer | Reste à percevoir | Solde à verser"
        " | Reste à encaisser",
        "date": "Date de situation | Situation au | Date de l'état | Arrêté au | Date d'arrêté | Date",
    }
)
PAYMENT_HEADERS = Headers(
    {
        "operation": _OPERATION,
        **_STATEMENT_INFO,
        "funder": _FUNDER,
        "kind": _NATURE,
        "date": "Date de versement | Date du versement | Date | Date de paiement | Date d'encaissement"
        " | Date de mandatement | Date de valeur | Date de règlement",
        "amount": "Montant | Montant versé | Montant du versement | Montant payé | Montant encaissé"
        " | Montant mandaté | Montant réglé",
        "reference": "Référence | N° de mandat | N° mandat | N° de titre | N° titre | N° de pièce | N° pièce"
        " | Référence du versement | N° de bordereau | N° d'ordre",
        "label": "Objet | Objet du versement | Type de versement | Nature du versement | Motif",
    }
)

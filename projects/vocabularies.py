"""The projects app's vocabularies (data): families, statuses, generic names of organisations; and the
programme's objects that an import's values may be mapped to (operations, sectors)."""

from accounts.models import OrganisationKind
from core.vocabularies import Vocabulary, vocabulary_table
from projects.models import Family, Operation, OperationStatus, Sector

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


class ProgrammeOperations:
    """An import's value mapped to one of the programme's operations, named by its identifier."""

    target_what = "l'identifiant d'une opération du programme"

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
    """An import's value mapped to one of the programme's sectors (quartiers), named by its short name."""

    target_what = "l'identifiant court (slug) d'un quartier du programme"

    def targets(self, programme) -> list[tuple[str, str]]:
        return list(Sector.objects.filter(programme=programme).order_by("name").values_list("slug", "name"))

    def target(self, programme, code: str) -> str | None:
        found = Sector.objects.filter(programme=programme, slug__iexact=code.strip())
        return found.values_list("slug", flat=True).first()


OPERATIONS = ProgrammeOperations()
SECTORS = ProgrammeSectors()

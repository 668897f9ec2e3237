"""Insertion clauses (charte nationale d'insertion): markets with a clause, the people they employ and
their work contracts. Personal data is minimised: no name, no age (an age band), no address (a commune);
a pseudonymous reference and the facilitator's own id only."""

from decimal import ROUND_HALF_UP, Decimal

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from accounts.models import Membership, Organisation, scope_q
from projects.models import Operation, Programme

DOMAIN = "insertion"  # the personal-data domain, registered in insertion/apps.py


class MarketKind(models.TextChoices):
    WORKS = "travaux", "Travaux"
    ENGINEERING = "ingenierie", "Ingénierie"
    URBAN_MANAGEMENT = "gestion_urbaine", "Gestion urbaine de proximité"


# The charte's minimum share of the hours worked that go to insertion: 5 % of the works and the
# ingénierie they need, 10 % of the markets of gestion urbaine (GUP). A market's own rate may differ.
CHARTE_RATES = {
    MarketKind.WORKS: Decimal("0.05"),
    MarketKind.ENGINEERING: Decimal("0.05"),
    MarketKind.URBAN_MANAGEMENT: Decimal("0.10"),
}


def charte_rate(kind: str) -> Decimal:
    """The charte's default target rate for a market of this kind."""
    return CHARTE_RATES[MarketKind(kind)]


HOURS = {"max_digits": 10, "decimal_places": 1}


class MarketQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MarketQuerySet":
        """Markets are no personal data: everyone inside the programme (and the market's sector, for a
        membership limited to sectors; a market with no operation has no sector) sees them."""
        return self.filter(scope_q(user, programme_path="programme", sector_path="operation__sector"))

    aggregable_by = visible_to

    def with_target_hours(self) -> "MarketQuerySet":
        return self.annotate(target=TARGET_HOURS)


@pghistory.track()
class Market(models.Model):
    """A market (marché) with an insertion clause; the facilitator knows it by its number."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="insertion_markets")
    number = models.CharField("numéro du marché", max_length=40)
    operation = models.ForeignKey(
        Operation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="insertion_markets",
        verbose_name="opération",
        help_text="Vide tant que personne n'a rattaché le marché à une opération du programme.",
    )
    moa = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="insertion_markets",
        verbose_name="maître d'ouvrage",
    )
    title = models.CharField("objet du marché", max_length=300)
    lot = models.CharField("lot", max_length=120, blank=True)
    contractor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="insertion_markets_held",
        verbose_name="titulaire",
    )
    kind = models.CharField("nature", max_length=20, choices=MarketKind.choices)
    anru_funded = models.BooleanField(
        "financé par l'ANRU",
        default=True,
        help_text="Les heures ne comptent alors que pour les habitants des QPV.",
    )
    amount = models.DecimalField("montant HT (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    labour_hours = models.DecimalField(
        "heures de main-d'œuvre estimées",
        **HOURS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="L'assiette de la clause : les heures travaillées prévues par le marché.",
    )
    target_rate = models.DecimalField(
        "taux d'insertion visé",
        max_digits=5,
        decimal_places=4,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=(
            "Vide : le taux de la charte pour cette nature (5 % travaux et ingénierie, 10 % gestion urbaine)."
        ),
    )
    target_hours_override = models.DecimalField(
        "heures d'insertion visées (saisies)",
        **HOURS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Vide : heures de main-d'œuvre × taux visé.",
    )
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)

    objects = MarketQuerySet.as_manager()

    class Meta:
        verbose_name = "marché avec clause d'insertion"
        verbose_name_plural = "marchés avec clause d'insertion"
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="insertion_market_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def clean(self) -> None:
        if self.target_rate is None and self.kind in MarketKind.values:
            self.target_rate = charte_rate(self.kind)
        if self.operation_id and self.programme_id and self.operation.programme_id != self.programme_id:
            raise ValidationError({"operation": "Cette opération n'appartient pas au programme."})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin du marché précède son début."})

    @property
    def computed_target_hours(self) -> Decimal | None:
        if self.labour_hours is None or self.target_rate is None:
            return None
        return (self.labour_hours * self.target_rate).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def target_hours(self) -> Decimal | None:
        """The hours the clause asks for: the ones entered, else labour hours × target rate."""
        if self.target_hours_override is not None:
            return self.target_hours_override
        return self.computed_target_hours


# The same rule in SQL (a market's target hours), rounded like `Market.target_hours`.
TARGET_HOURS = Coalesce(
    F("target_hours_override"),
    models.ExpressionWrapper(
        models.Func(F("labour_hours") * F("target_rate"), 1, function="ROUND"),
        output_field=models.DecimalField(**HOURS),
    ),
)


class Sex(models.TextChoices):
    WOMAN = "femme", "Femme"
    MAN = "homme", "Homme"


class AgeBand(models.TextChoices):
    UNDER_26 = "lt26", "moins de 26 ans"
    FROM_26 = "26_44", "26 à 44 ans"
    FROM_45 = "45_49", "45 à 49 ans"
    OVER_50 = "gte50", "50 ans et plus"


class Qualification(models.TextChoices):
    NONE = "sans", "Sans diplôme (niveaux 1 et 2)"
    LEVEL_3 = "niveau_3", "CAP, BEP (niveau 3)"
    LEVEL_4 = "niveau_4", "Baccalauréat (niveau 4)"
    LEVEL_5 = "niveau_5_plus", "Bac + 2 et plus (niveaux 5 et plus)"


class Public(models.TextChoices):
    """The publics eligible to the clause (a participant may belong to several)."""

    LONG_TERM_JOBSEEKER = "demandeur_longue_duree", "Demandeur d'emploi de longue durée (plus de 12 mois)"
    RSA = "rsa", "Bénéficiaire du RSA"
    UNDER_26 = "jeune_moins_26", "Jeune de moins de 26 ans sorti du système scolaire"
    OVER_50 = "senior_plus_50", "Demandeur d'emploi de plus de 50 ans"
    RQTH = "rqth", "Travailleur handicapé (RQTH)"
    ASS_AAH = "ass_aah", "Bénéficiaire de l'ASS ou de l'AAH"
    SIAE = "siae", "Personne suivie par une SIAE"
    OTHER = "autre_valide", "Autre public validé par le facilitateur"


class ParticipantQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ParticipantQuerySet":
        """Participants one by one: only memberships with the insertion personal-data grant (and MFA,
        enforced at login), superusers included. Everyone else works with aggregates (selectors)."""
        if not user.is_authenticated:
            return self.none()
        granted = Membership.objects.active().granted(DOMAIN).filter(user=user)
        return self.filter(
            scope_q(user, programme_path="programme", sector_path=None),
            programme__in=granted.values("programme_id"),
        )


class Participant(models.Model):
    """A person hired under a clause. No name: a pseudonymous reference and the facilitator's id."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="insertion_participants")
    reference = models.CharField("référence pseudonyme", max_length=20, unique=True)
    facilitator_reference = models.CharField("identifiant du facilitateur", max_length=40)
    sex = models.CharField("sexe", max_length=5, choices=Sex.choices)
    age_band = models.CharField("tranche d'âge à l'entrée", max_length=5, choices=AgeBand.choices)
    qualification = models.CharField(
        "niveau de qualification", max_length=15, choices=Qualification.choices, blank=True
    )
    commune = models.CharField("commune de résidence", max_length=120, blank=True)
    qpv_resident = models.BooleanField("habite un QPV", default=False)
    qpv = models.CharField("QPV de résidence", max_length=120, blank=True)
    publics = ArrayField(
        models.CharField(max_length=25, choices=Public.choices),
        verbose_name="publics",
        default=list,
        blank=True,
    )
    prescriber = models.CharField("prescripteur", max_length=120, blank=True)
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = "participant"
        verbose_name_plural = "participants"
        ordering = ["reference", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "facilitator_reference"],
                name="insertion_participant_unique_facilitator_id",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        if self.qpv and not self.qpv_resident:
            raise ValidationError({"qpv": "Un QPV de résidence n'a de sens que pour un habitant d'un QPV."})
        if len(set(self.publics or [])) != len(self.publics or []):
            raise ValidationError({"publics": "Un public est cité deux fois."})


class ContractType(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    TEMPORARY = "interim", "Intérim"
    APPRENTICESHIP = "apprentissage", "Contrat d'apprentissage"
    PROFESSIONALISATION = "professionnalisation", "Contrat de professionnalisation"


class Modality(models.TextChoices):
    """How the company meets its clause."""

    DIRECT = "embauche_directe", "Embauche directe"
    ETTI = "etti", "Mise à disposition par une ETTI"
    AI = "ai", "Mise à disposition par une AI"
    EI = "ei", "Sous-traitance ou co-traitance avec une EI"
    GEIQ = "geiq", "Mise à disposition par un GEIQ"
    ACI = "aci", "Chantier d'insertion (ACI)"


class EndReason(models.TextChoices):
    TERM = "terme", "Fin du contrat à son terme"
    TRIAL = "rupture_essai", "Rupture de la période d'essai"
    RESIGNATION = "demission", "Démission"
    DISMISSAL = "licenciement", "Licenciement"
    HIRED = "embauche", "Embauche par l'entreprise"
    OTHER = "autre", "Autre motif"


class Situation(models.TextChoices):
    """The participant's situation six months after the contract ended."""

    DURABLE_JOB = "emploi_durable", "Emploi durable (CDI, CDD ou intérim de 6 mois et plus)"
    TRANSITION_JOB = "emploi_transition", "Emploi de transition (contrat de moins de 6 mois, SIAE)"
    TRAINING = "formation_qualifiante", "Formation qualifiante"
    NONE = "aucune", "Sans emploi ni formation"
    UNKNOWN = "inconnue", "Inconnue"


# Contracts whose training hours are part of the work contract (they count with the hours worked).
TRAINING_COUNTS = Q(contract_type__in=[ContractType.APPRENTICESHIP, ContractType.PROFESSIONALISATION]) | Q(
    modality=Modality.GEIQ
)

ROME_CODE = RegexValidator(
    r"^[A-N][0-9]{4}$", "Un code ROME s'écrit d'une lettre et de quatre chiffres (F1703)."
)


class WorkContractQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WorkContractQuerySet":
        """Contracts one by one name their participant: the same grant as participants."""
        return self.filter(participant__in=Participant.objects.visible_to(user)).filter(
            scope_q(user, programme_path="programme", sector_path="market__operation__sector")
        )

    def aggregable_by(self, user) -> "WorkContractQuerySet":
        """The contracts whose aggregates the user may see (masked below the threshold for partners)."""
        return self.filter(scope_q(user, programme_path="programme", sector_path="market__operation__sector"))


@pghistory.track()
class WorkContract(models.Model):
    """One work contract of a participant under a market's clause (one row of the facilitator's export)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="insertion_contracts")
    reference = models.CharField(
        "identifiant du contrat",
        max_length=40,
        help_text="L'identifiant du facilitateur : la clé des imports.",
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="contracts", verbose_name="participant"
    )
    market = models.ForeignKey(
        Market, on_delete=models.PROTECT, related_name="contracts", verbose_name="marché"
    )
    employer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="insertion_contracts", verbose_name="employeur"
    )
    user_company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="insertion_placements",
        verbose_name="entreprise utilisatrice",
        help_text="Pour une mise à disposition (ETTI, AI, GEIQ) : l'entreprise où la personne travaille.",
    )
    contract_type = models.CharField("type de contrat", max_length=20, choices=ContractType.choices)
    modality = models.CharField("modalité", max_length=20, choices=Modality.choices)
    job_code = models.CharField("métier (code ROME)", max_length=5, blank=True, validators=[ROME_CODE])
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)
    hours_worked = models.DecimalField("heures travaillées", **HOURS, validators=[MinValueValidator(0)])
    training_hours = models.DecimalField(
        "heures de formation", **HOURS, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    end_reason = models.CharField("motif de fin", max_length=15, choices=EndReason.choices, blank=True)
    situation_6_months = models.CharField(
        "situation à 6 mois", max_length=25, choices=Situation.choices, default=Situation.UNKNOWN
    )

    objects = WorkContractQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat de travail"
        verbose_name_plural = "contrats de travail"
        ordering = ["starts_on", "reference", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"], name="insertion_contract_unique_reference"
            ),
        ]
        indexes = [models.Index(fields=["programme", "starts_on"])]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors = {}
        if self.market_id and self.programme_id and self.market.programme_id != self.programme_id:
            errors["market"] = "Ce marché n'appartient pas au programme."
        if self.participant_id and self.programme_id and self.participant.programme_id != self.programme_id:
            errors["participant"] = "Ce participant n'appartient pas au programme."
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "La fin du contrat précède son début."
        if self.end_reason and not self.ends_on:
            errors["end_reason"] = "Un motif de fin suppose une date de fin."
        if self.situation_6_months != Situation.UNKNOWN and not self.ends_on:
            errors["situation_6_months"] = "La situation à 6 mois suppose un contrat terminé."
        if errors:
            raise ValidationError(errors)

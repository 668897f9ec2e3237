"""Households to rehouse, offers and rehousings. Personal data is minimised: no name, phone or personal
address; a pseudonymous reference and the landlord's own reference only."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Membership, Organisation, scope_q
from projects.models import Operation, Programme


class Typology(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5"
    T6 = "T6", "T6 et plus"


class IncomeBand(models.TextChoices):
    """Monthly income bands of the landlords' RIME workbook."""

    UNDER_600 = "lt600", "moins de 600 €"
    FROM_601 = "601_1000", "601 à 1 000 €"
    FROM_1001 = "1001_1500", "1 001 à 1 500 €"
    FROM_1501 = "1501_2000", "1 501 à 2 000 €"
    OVER_2000 = "gt2000", "plus de 2 000 €"


class AgeBand(models.TextChoices):
    UNDER_30 = "lt30", "moins de 30 ans"
    FROM_30 = "30_44", "30 à 44 ans"
    FROM_45 = "45_59", "45 à 59 ans"
    FROM_60 = "60_74", "60 à 74 ans"
    OVER_75 = "gte75", "75 ans et plus"


class HouseholdStatus(models.TextChoices):
    TO_SURVEY = "a_enqueter", "À enquêter"
    SURVEYED = "enquete", "Enquêté"
    SEARCHING = "en_recherche", "En recherche"
    OFFER = "proposition", "Proposition en cours"
    REHOUSED = "reloge", "Relogé (définitif)"
    TEMPORARY = "reloge_temporaire", "Relogé (temporaire)"
    FOLLOW_UP = "suivi", "Suivi post-relogement"
    CLOSED = "clos", "Clos"
    LEFT = "parti", "Parti sans relogement"


# Households counted as rehoused definitively by the ANRU indicators.
DEFINITIVELY_REHOUSED = (HouseholdStatus.REHOUSED, HouseholdStatus.FOLLOW_UP, HouseholdStatus.CLOSED)
# Households whose follow-up is over: the household list shows them only on demand.
CLOSED_STATUSES = (HouseholdStatus.CLOSED, HouseholdStatus.LEFT)
IN_PROGRESS = (
    HouseholdStatus.TO_SURVEY,
    HouseholdStatus.SURVEYED,
    HouseholdStatus.SEARCHING,
    HouseholdStatus.OFFER,
    HouseholdStatus.TEMPORARY,
)


class RelogementPlan(models.Model):
    """The rehousing plan of one operation (demolition or heavy rehabilitation) and its local targets."""

    operation = models.OneToOneField(Operation, on_delete=models.CASCADE, related_name="relogement_plan")
    mous = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relogement_plans",
        verbose_name="MOUS relogement",
    )
    households_planned = models.PositiveIntegerField("ménages à reloger", default=0)
    target_new_share = models.DecimalField(
        "objectif : part relogée dans le neuf ou conventionné < 5 ans",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    target_outside_qpv_share = models.DecimalField(
        "objectif : part relogée hors QPV",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    max_rent_increase = models.DecimalField(
        "hausse maximale du reste à charge (€ par mois)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "plan de relogement"
        verbose_name_plural = "plans de relogement"
        ordering = ["operation__identifier", "pk"]

    def __str__(self) -> str:
        return f"Relogement — {self.operation}"


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HouseholdQuerySet":
        """Households one by one: only memberships with the relogement personal-data grant (and MFA,
        enforced at login), superusers included. Everyone else works with aggregates (selectors)."""
        if not user.is_authenticated:
            return self.none()
        granted = Membership.objects.active().granted("relogement").filter(user=user)
        return self.filter(
            scope_q(user, programme_path="programme", sector_path="origin_operation__sector"),
            programme__in=granted.values("programme_id"),
        )

    def aggregable_by(self, user) -> "HouseholdQuerySet":
        """The households whose aggregates the user may see (masked below the threshold for partners)."""
        return self.filter(scope_q(user, programme_path="programme", sector_path="origin_operation__sector"))


class Household(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="households")
    reference = models.CharField("référence pseudonyme", max_length=20, unique=True)
    landlord_reference = models.CharField("référence du bailleur", max_length=40)
    origin_operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, related_name="households", verbose_name="opération d'origine"
    )
    origin_landlord = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name="bailleur d'origine",
    )
    origin_typology = models.CharField(
        "typologie d'origine", max_length=2, choices=Typology.choices, blank=True
    )
    origin_surface = models.DecimalField(
        "surface (m²)", max_digits=6, decimal_places=1, null=True, blank=True
    )
    origin_rent = models.DecimalField(
        "loyer d'origine (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    origin_charges = models.DecimalField(
        "charges d'origine (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    origin_aid = models.DecimalField(
        "APL d'origine (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    adults = models.PositiveSmallIntegerField("adultes", default=1)
    children = models.PositiveSmallIntegerField("enfants", default=0)
    holder_age_band = models.CharField("âge du titulaire", max_length=6, choices=AgeBand.choices, blank=True)
    income_band = models.CharField("revenus mensuels", max_length=10, choices=IncomeBand.choices, blank=True)
    needs_mobility = models.BooleanField("besoin d'accessibilité", default=False)
    needs_decohabitation = models.BooleanField("décohabitation", default=False)
    over_occupation = models.BooleanField("sur-occupation", default=False)
    under_occupation = models.BooleanField("sous-occupation", default=False)
    wished_communes = models.CharField("communes souhaitées", max_length=300, blank=True)
    wishes_outside_qpv = models.BooleanField("souhaite quitter le QPV", null=True, blank=True)
    diagnostic_on = models.DateField("diagnostic social", null=True, blank=True)
    reinforced_support = models.BooleanField("accompagnement renforcé", default=False)
    status = models.CharField(
        "statut", max_length=20, choices=HouseholdStatus.choices, default=HouseholdStatus.TO_SURVEY
    )
    last_contact_on = models.DateField("dernier contact", null=True, blank=True)
    closed_on = models.DateField("clos le", null=True, blank=True)
    comments = models.TextField("observations", blank=True)
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "ménage"
        verbose_name_plural = "ménages"
        ordering = ["reference", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin_landlord", "landlord_reference"], name="household_unique_landlord_reference"
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def composition(self) -> str:
        """ "2 adultes, sans enfant", "1 adulte, 3 enfants" (list and page alike)."""
        adults = f"{self.adults} adulte{'s' if self.adults > 1 else ''}"
        if not self.children:
            return f"{adults}, sans enfant"
        return f"{adults}, {self.children} enfant{'s' if self.children > 1 else ''}"

    def clean(self) -> None:
        if (
            self.origin_operation_id
            and self.programme_id
            and self.origin_operation.programme_id != self.programme_id
        ):
            raise ValidationError({"origin_operation": "Cette opération n'appartient pas au programme."})

    @property
    def origin_remaining_cost(self):
        """Reste à charge before rehousing: rent + charges − housing aid."""
        if self.origin_rent is None:
            return None
        return self.origin_rent + (self.origin_charges or 0) - (self.origin_aid or 0)


class OfferAnswer(models.TextChoices):
    PENDING = "en_attente", "En attente"
    ACCEPTED = "acceptee", "Acceptée"
    REFUSED = "refusee", "Refusée"


class RefusalReason(models.TextChoices):
    LOCATION = "localisation", "Localisation"
    RENT = "loyer", "Loyer ou reste à charge"
    TYPOLOGY = "typologie", "Typologie ou surface"
    CONDITION = "etat", "État du logement"
    FLOOR = "etage", "Étage, accessibilité"
    OTHER = "autre", "Autre motif"


class Offer(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="offers")
    offered_on = models.DateField("date de la proposition")
    landlord = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="bailleur"
    )
    commune = models.CharField("commune", max_length=120)
    in_qpv = models.BooleanField("en QPV")
    new_or_recent = models.BooleanField("neuf ou conventionné depuis moins de 5 ans")
    typology = models.CharField("typologie", max_length=2, choices=Typology.choices)
    rent = models.DecimalField("loyer (€)", max_digits=8, decimal_places=2)
    charges = models.DecimalField("charges (€)", max_digits=8, decimal_places=2, default=0)
    estimated_aid = models.DecimalField("APL estimée (€)", max_digits=8, decimal_places=2, default=0)
    technical_committee_on = models.DateField("comité technique", null=True, blank=True)
    cal_on = models.DateField("CAL", null=True, blank=True)
    answer = models.CharField(
        "réponse", max_length=12, choices=OfferAnswer.choices, default=OfferAnswer.PENDING
    )
    refusal_reason = models.CharField(
        "motif du refus", max_length=15, choices=RefusalReason.choices, blank=True
    )

    class Meta:
        verbose_name = "proposition de logement"
        verbose_name_plural = "propositions de logement"
        ordering = ["household", "offered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.household} — {self.offered_on:%d/%m/%Y}"

    def clean(self) -> None:
        if self.offered_on and self.cal_on and self.offered_on > self.cal_on:
            raise ValidationError(
                {
                    "offered_on": (
                        f"La proposition ne peut pas être datée après la décision de la CAL "
                        f"({self.cal_on:%d/%m/%Y}) : la commission statue sur un logement déjà proposé. "
                        "Corrigez l'une des deux dates."
                    )
                }
            )
        if self.offered_on and self.technical_committee_on and self.technical_committee_on > self.offered_on:
            raise ValidationError(
                {
                    "technical_committee_on": (
                        f"Le comité technique ne peut pas être daté après la proposition "
                        f"({self.offered_on:%d/%m/%Y}) : il retient le logement avant qu'il soit proposé "
                        "au ménage. Corrigez l'une des deux dates."
                    )
                }
            )
        if self.answer == OfferAnswer.REFUSED and not self.refusal_reason:
            raise ValidationError({"refusal_reason": "Indiquez le motif du refus."})
        if self.answer != OfferAnswer.REFUSED and self.refusal_reason:
            raise ValidationError({"refusal_reason": "Un motif de refus n'a de sens que pour un refus."})


class RehousingKind(models.TextChoices):
    DEFINITIVE = "definitif", "Définitif"
    TEMPORARY = "temporaire", "Temporaire"


class Rehousing(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="rehousings")
    rehoused_on = models.DateField("date du relogement")
    kind = models.CharField("nature", max_length=10, choices=RehousingKind.choices)
    landlord = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="bailleur d'accueil"
    )
    commune = models.CharField("commune", max_length=120)
    in_qpv = models.BooleanField("en QPV")
    new_or_recent = models.BooleanField("neuf ou conventionné depuis moins de 5 ans")
    same_site = models.BooleanField("sur site", help_text="Relogé dans le quartier d'origine.")
    typology = models.CharField("typologie", max_length=2, choices=Typology.choices)
    rent = models.DecimalField("loyer (€)", max_digits=8, decimal_places=2)
    charges = models.DecimalField("charges (€)", max_digits=8, decimal_places=2, default=0)
    aid = models.DecimalField("APL (€)", max_digits=8, decimal_places=2, default=0)
    indemnity_eligible = models.BooleanField("éligible à l'indemnité de minoration de loyer", default=False)
    indemnity_amount = models.DecimalField(
        "indemnité de minoration (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    survey_on = models.DateField("enquête de satisfaction", null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        "satisfaction (1 à 5)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    survey_comment = models.TextField("commentaire de l'enquête", blank=True)

    class Meta:
        verbose_name = "relogement"
        verbose_name_plural = "relogements"
        ordering = ["household", "rehoused_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="rehousing_satisfaction_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} — {self.get_kind_display()} le {self.rehoused_on:%d/%m/%Y}"

    @property
    def remaining_cost(self):
        return self.rent + self.charges - self.aid


class TypologyGroup(models.TextChoices):
    SMALL = "T1-T2", "T1 et T2"
    MEDIUM = "T3-T4", "T3 et T4"
    LARGE = "T5+", "T5 et plus"


class IndemnityRate(models.Model):
    """Rent-reduction indemnity (minoration de loyer) paid to the rehousing landlord: amounts are data."""

    typology_group = models.CharField("typologies", max_length=5, choices=TypologyGroup.choices)
    zone = models.CharField("zone", max_length=20, blank=True, help_text="Vide : toutes zones.")
    amount = models.DecimalField("montant (€)", max_digits=8, decimal_places=2)
    valid_from = models.DateField("applicable depuis")

    class Meta:
        verbose_name = "barème de l'indemnité de minoration"
        verbose_name_plural = "barème de l'indemnité de minoration"
        ordering = ["-valid_from", "typology_group", "zone"]
        constraints = [
            models.UniqueConstraint(
                fields=["typology_group", "zone", "valid_from"], name="indemnity_rate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_typology_group_display()} : {self.amount} € (depuis le {self.valid_from:%d/%m/%Y})"

"""Households to rehouse, offers and rehousings. Personal data is minimised: no name, phone or personal
address; a pseudonymous reference and the landlord's own reference only."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, scope_q
from projects.models import Operation, Programme


class Typology(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5"
    T6 = "T6", _("T6 et plus")


class IncomeBand(models.TextChoices):
    """Monthly income bands of the landlords' RIME workbook."""

    UNDER_600 = "lt600", _("moins de 600 €")
    FROM_601 = "601_1000", _("601 à 1 000 €")
    FROM_1001 = "1001_1500", _("1 001 à 1 500 €")
    FROM_1501 = "1501_2000", _("1 501 à 2 000 €")
    OVER_2000 = "gt2000", _("plus de 2 000 €")


class AgeBand(models.TextChoices):
    UNDER_30 = "lt30", _("moins de 30 ans")
    FROM_30 = "30_44", _("30 à 44 ans")
    FROM_45 = "45_59", _("45 à 59 ans")
    FROM_60 = "60_74", _("60 à 74 ans")
    OVER_75 = "gte75", _("75 ans et plus")


class HouseholdStatus(models.TextChoices):
    TO_SURVEY = "a_enqueter", _("À enquêter")
    SURVEYED = "enquete", _("Enquêté")
    SEARCHING = "en_recherche", _("En recherche")
    OFFER = "proposition", _("Proposition en cours")
    REHOUSED = "reloge", _("Relogé (définitif)")
    TEMPORARY = "reloge_temporaire", _("Relogé (temporaire)")
    FOLLOW_UP = "suivi", _("Suivi post-relogement")
    CLOSED = "clos", _("Clos")
    LEFT = "parti", _("Parti sans relogement")


# Households counted as rehoused definitively by the ANRU indicators.
DEFINITIVELY_REHOUSED = (HouseholdStatus.REHOUSED, HouseholdStatus.FOLLOW_UP, HouseholdStatus.CLOSED)
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
        verbose_name=_("MOUS relogement"),
    )
    households_planned = models.PositiveIntegerField(_("ménages à reloger"), default=0)
    target_new_share = models.DecimalField(
        _("objectif : part relogée dans le neuf ou conventionné < 5 ans"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    target_outside_qpv_share = models.DecimalField(
        _("objectif : part relogée hors QPV"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    max_rent_increase = models.DecimalField(
        _("hausse maximale du reste à charge (€ par mois)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("plan de relogement")
        verbose_name_plural = _("plans de relogement")
        ordering = ["operation__identifier", "pk"]

    def __str__(self) -> str:
        return f"Relogement — {self.operation}"


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HouseholdQuerySet":
        """Households one by one: only memberships with the relogement personal-data grant (and MFA,
        enforced at login). Everyone else works with aggregates (selectors)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        granted = Membership.objects.filter(user=user, is_active=True, personal_data_relogement=True)
        return self.filter(
            scope_q(user, programme_path="programme", sector_path="origin_operation__sector"),
            programme__in=granted.values("programme_id"),
        )

    def aggregable_by(self, user) -> "HouseholdQuerySet":
        """The households whose aggregates the user may see (masked below the threshold for partners)."""
        return self.filter(scope_q(user, programme_path="programme", sector_path="origin_operation__sector"))


class Household(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="households")
    reference = models.CharField(_("référence pseudonyme"), max_length=20, unique=True)
    landlord_reference = models.CharField(_("référence du bailleur"), max_length=40)
    origin_operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, related_name="households", verbose_name=_("opération d'origine")
    )
    origin_landlord = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("bailleur d'origine"),
    )
    origin_typology = models.CharField(
        _("typologie d'origine"), max_length=2, choices=Typology.choices, blank=True
    )
    origin_surface = models.DecimalField(
        _("surface (m²)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    origin_rent = models.DecimalField(
        _("loyer d'origine (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    origin_charges = models.DecimalField(
        _("charges d'origine (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    origin_aid = models.DecimalField(
        _("APL d'origine (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    adults = models.PositiveSmallIntegerField(_("adultes"), default=1)
    children = models.PositiveSmallIntegerField(_("enfants"), default=0)
    holder_age_band = models.CharField(
        _("âge du titulaire"), max_length=6, choices=AgeBand.choices, blank=True
    )
    income_band = models.CharField(
        _("revenus mensuels"), max_length=10, choices=IncomeBand.choices, blank=True
    )
    needs_mobility = models.BooleanField(_("besoin d'accessibilité"), default=False)
    needs_decohabitation = models.BooleanField(_("décohabitation"), default=False)
    over_occupation = models.BooleanField(_("sur-occupation"), default=False)
    under_occupation = models.BooleanField(_("sous-occupation"), default=False)
    wished_communes = models.CharField(_("communes souhaitées"), max_length=300, blank=True)
    wishes_outside_qpv = models.BooleanField(_("souhaite quitter le QPV"), null=True, blank=True)
    diagnostic_on = models.DateField(_("diagnostic social"), null=True, blank=True)
    reinforced_support = models.BooleanField(_("accompagnement renforcé"), default=False)
    status = models.CharField(
        _("statut"), max_length=20, choices=HouseholdStatus.choices, default=HouseholdStatus.TO_SURVEY
    )
    last_contact_on = models.DateField(_("dernier contact"), null=True, blank=True)
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    comments = models.TextField(_("observations"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("ménage")
        verbose_name_plural = _("ménages")
        ordering = ["reference", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin_landlord", "landlord_reference"], name="household_unique_landlord_reference"
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        if (
            self.origin_operation_id
            and self.programme_id
            and self.origin_operation.programme_id != self.programme_id
        ):
            raise ValidationError({"origin_operation": _("Cette opération n'appartient pas au programme.")})

    @property
    def origin_remaining_cost(self):
        """Reste à charge before rehousing: rent + charges − housing aid."""
        if self.origin_rent is None:
            return None
        return self.origin_rent + (self.origin_charges or 0) - (self.origin_aid or 0)


class OfferAnswer(models.TextChoices):
    PENDING = "en_attente", _("En attente")
    ACCEPTED = "acceptee", _("Acceptée")
    REFUSED = "refusee", _("Refusée")


class RefusalReason(models.TextChoices):
    LOCATION = "localisation", _("Localisation")
    RENT = "loyer", _("Loyer ou reste à charge")
    TYPOLOGY = "typologie", _("Typologie ou surface")
    CONDITION = "etat", _("État du logement")
    FLOOR = "etage", _("Étage, accessibilité")
    OTHER = "autre", _("Autre motif")


class Offer(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="offers")
    offered_on = models.DateField(_("date de la proposition"))
    landlord = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("bailleur")
    )
    commune = models.CharField(_("commune"), max_length=120)
    in_qpv = models.BooleanField(_("en QPV"))
    new_or_recent = models.BooleanField(_("neuf ou conventionné depuis moins de 5 ans"))
    typology = models.CharField(_("typologie"), max_length=2, choices=Typology.choices)
    rent = models.DecimalField(_("loyer (€)"), max_digits=8, decimal_places=2)
    charges = models.DecimalField(_("charges (€)"), max_digits=8, decimal_places=2, default=0)
    estimated_aid = models.DecimalField(_("APL estimée (€)"), max_digits=8, decimal_places=2, default=0)
    technical_committee_on = models.DateField(_("comité technique"), null=True, blank=True)
    cal_on = models.DateField(_("CAL"), null=True, blank=True)
    answer = models.CharField(
        _("réponse"), max_length=12, choices=OfferAnswer.choices, default=OfferAnswer.PENDING
    )
    refusal_reason = models.CharField(
        _("motif du refus"), max_length=15, choices=RefusalReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("proposition de logement")
        verbose_name_plural = _("propositions de logement")
        ordering = ["household", "offered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.household} — {self.offered_on:%d/%m/%Y}"

    def clean(self) -> None:
        if self.answer == OfferAnswer.REFUSED and not self.refusal_reason:
            raise ValidationError({"refusal_reason": _("Indiquez le motif du refus.")})
        if self.answer != OfferAnswer.REFUSED and self.refusal_reason:
            raise ValidationError({"refusal_reason": _("Un motif de refus n'a de sens que pour un refus.")})


class RehousingKind(models.TextChoices):
    DEFINITIVE = "definitif", _("Définitif")
    TEMPORARY = "temporaire", _("Temporaire")


class Rehousing(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="rehousings")
    rehoused_on = models.DateField(_("date du relogement"))
    kind = models.CharField(_("nature"), max_length=10, choices=RehousingKind.choices)
    landlord = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("bailleur d'accueil")
    )
    commune = models.CharField(_("commune"), max_length=120)
    in_qpv = models.BooleanField(_("en QPV"))
    new_or_recent = models.BooleanField(_("neuf ou conventionné depuis moins de 5 ans"))
    same_site = models.BooleanField(_("sur site"), help_text=_("Relogé dans le quartier d'origine."))
    typology = models.CharField(_("typologie"), max_length=2, choices=Typology.choices)
    rent = models.DecimalField(_("loyer (€)"), max_digits=8, decimal_places=2)
    charges = models.DecimalField(_("charges (€)"), max_digits=8, decimal_places=2, default=0)
    aid = models.DecimalField(_("APL (€)"), max_digits=8, decimal_places=2, default=0)
    indemnity_eligible = models.BooleanField(
        _("éligible à l'indemnité de minoration de loyer"), default=False
    )
    indemnity_amount = models.DecimalField(
        _("indemnité de minoration (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    survey_on = models.DateField(_("enquête de satisfaction"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1 à 5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    survey_comment = models.TextField(_("commentaire de l'enquête"), blank=True)

    class Meta:
        verbose_name = _("relogement")
        verbose_name_plural = _("relogements")
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
    SMALL = "T1-T2", _("T1 et T2")
    MEDIUM = "T3-T4", _("T3 et T4")
    LARGE = "T5+", _("T5 et plus")


class IndemnityRate(models.Model):
    """Rent-reduction indemnity (minoration de loyer) paid to the rehousing landlord: amounts are data."""

    typology_group = models.CharField(_("typologies"), max_length=5, choices=TypologyGroup.choices)
    zone = models.CharField(_("zone"), max_length=20, blank=True, help_text=_("Vide : toutes zones."))
    amount = models.DecimalField(_("montant (€)"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("applicable depuis"))

    class Meta:
        verbose_name = _("barème de l'indemnité de minoration")
        verbose_name_plural = _("barème de l'indemnité de minoration")
        ordering = ["-valid_from", "typology_group", "zone"]
        constraints = [
            models.UniqueConstraint(
                fields=["typology_group", "zone", "valid_from"], name="indemnity_rate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_typology_group_display()} : {self.amount} € (depuis le {self.valid_from:%d/%m/%Y})"

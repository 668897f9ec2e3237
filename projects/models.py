import pghistory
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Q, Sum

from accounts.models import Organisation, Role, scope_q
from projects.semesters import SemesterField, semester_label

QPV_2015 = RegexValidator(r"^QP\d{6}$", "Code QPV 2015 attendu au format QP059074.")
NON_NEGATIVE = MinValueValidator(0, "Le montant ne peut être négatif.")
QPV_2024 = RegexValidator(r"^QN\d{5}[A-Z]$", "Code QPV 2024 attendu au format QN05912M.")


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProgrammeQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(pk__in=user.memberships.filter(is_active=True).values("programme_id"))


class Programme(models.Model):
    """One NPRU: the local project that a direction de projet steers."""

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant court", unique=True)
    anru_reference = models.CharField("référence ANRU", max_length=60, blank=True)
    description = models.TextField("présentation", blank=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="programmes", verbose_name="partenaires"
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "programme"
        verbose_name_plural = "programmes"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Interest(models.TextChoices):
    PRIN = "prin", "PRIN — intérêt national"
    PRIR = "prir", "PRIR — intérêt régional"
    NONE = "", "Hors NPNRU"


class Qpv(models.Model):
    """Reference list of quartiers prioritaires (official QPV list)."""

    code = models.CharField("code QPV", max_length=8, unique=True)
    name = models.CharField("nom", max_length=200)
    insee_codes = ArrayField(models.CharField(max_length=5), verbose_name="codes INSEE", default=list)
    communes = ArrayField(models.CharField(max_length=120), verbose_name="communes", default=list)

    class Meta:
        verbose_name = "QPV"
        verbose_name_plural = "QPV"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def geography(self) -> str:
        return "2024" if self.code.startswith("QN") else "2015"


class SectorQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SectorQuerySet":
        return self.filter(scope_q(user, programme_path="programme", sector_path="pk"))


@pghistory.track()
class Sector(models.Model):
    """A quartier or secteur de projet of the programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sectors")
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant court")
    qpv_code_2015 = models.CharField("code QPV 2015", max_length=8, blank=True, validators=[QPV_2015])
    qpv_code_2024 = models.CharField("code QPV 2024", max_length=8, blank=True, validators=[QPV_2024])
    interest = models.CharField("intérêt", max_length=4, choices=Interest.choices, blank=True)
    communes = models.CharField("communes", max_length=300, blank=True)
    perimeter = models.JSONField("périmètre (GeoJSON)", null=True, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    housing_units = models.PositiveIntegerField("logements", null=True, blank=True)
    social_housing_units = models.PositiveIntegerField("logements sociaux", null=True, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    objects = SectorQuerySet.as_manager()

    class Meta:
        verbose_name = "quartier"
        verbose_name_plural = "quartiers"
        ordering = ["programme", "order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="sector_unique_slug"),
            models.UniqueConstraint(fields=["programme", "name"], name="sector_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.social_housing_units
            and self.housing_units
            and self.social_housing_units > self.housing_units
        ):
            raise ValidationError(
                {"social_housing_units": "Le nombre de logements sociaux dépasse le nombre de logements."}
            )


class ConventionKind(models.TextChoices):
    PROTOCOLE = "protocole", "Protocole de préfiguration"
    CONVENTION = "convention", "Convention pluriannuelle"
    PIA = "pia", "PIA — Ville durable et solidaire"
    OTHER = "autre", "Autre"


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ConventionQuerySet":
        return self.filter(programme__in=Programme.objects.visible_to(user))


@pghistory.track()
class Convention(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="conventions")
    kind = models.CharField("type", max_length=20, choices=ConventionKind.choices)
    title = models.CharField("intitulé", max_length=200)
    reference = models.CharField("référence", max_length=60, blank=True)
    signed_on = models.DateField("signée le", null=True, blank=True)
    ends_on = models.DateField("échéance", null=True, blank=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["programme", "signed_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.signed_on and self.ends_on and self.ends_on < self.signed_on:
            raise ValidationError({"ends_on": "L'échéance précède la date de signature."})
        earlier = (
            self.amendments.filter(signed_on__lt=self.signed_on).order_by("signed_on").first()
            if self.pk and self.signed_on
            else None
        )
        if earlier:
            raise ValidationError(
                {
                    "signed_on": f"L'avenant n° {earlier.number} a été signé avant cette date "
                    f"(le {earlier.signed_on:%d/%m/%Y})."
                }
            )


UNIQUE_CODES = {"unique", "unique_together"}


class UniqueErrorOnField(models.Model):
    """A model whose unique constraint, when broken, is reported on one field with its own French message
        (`unique_error = (field, message)`) instead of Django's error on the whole form. Other constraints (a
    check constraint) keep their own error: a negative amount is not « a duplicate line »."""

    unique_error: tuple[str, str]

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            broken = getattr(error, "error_dict", {}).get(NON_FIELD_ERRORS, [])
            if any(item.code in UNIQUE_CODES for item in broken):
                field, message = self.unique_error
                raise ValidationError({field: message}) from error
            raise


class AmendmentKind(models.TextChoices):
    LOCAL = "local", "Avenant local simplifié"
    NATIONAL = "national", "Avenant national"


@pghistory.track()
class Amendment(UniqueErrorOnField):
    unique_error = ("number", "Cette convention a déjà un avenant de ce numéro.")

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(
        "numéro", validators=[MinValueValidator(1, "Les avenants sont numérotés à partir de 1.")]
    )
    kind = models.CharField("type", max_length=10, choices=AmendmentKind.choices)
    subject = models.CharField("objet", max_length=300)
    signed_on = models.DateField("signé le", null=True, blank=True)

    class Meta:
        verbose_name = "avenant"
        verbose_name_plural = "avenants"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="amendment_unique_number")
        ]

    def __str__(self) -> str:
        return f"Avenant n° {self.number} — {self.subject}"

    def clean(self) -> None:
        signed = self.convention.signed_on if self.convention_id else None
        if self.signed_on and signed and self.signed_on < signed:
            raise ValidationError(
                {"signed_on": f"L'avenant ne peut être signé avant la convention ({signed:%d/%m/%Y})."}
            )


class Family(models.TextChoices):
    """Operation families of the RGA NPNRU, Titre II."""

    INGENIERIE = "ingenierie", "Ingénierie"
    DEMOLITION = "demolition", "Démolition de logements sociaux"
    RECYCLAGE_COPRO = "recyclage_copro", "Recyclage de copropriétés dégradées"
    RECYCLAGE_HABITAT = "recyclage_habitat", "Recyclage de l'habitat ancien dégradé"
    AMENAGEMENT = "amenagement", "Aménagement d'ensemble"
    RECONSTITUTION = "reconstitution", "Reconstitution de l'offre"
    REQUALIFICATION = "requalification", "Requalification de logements sociaux"
    RESIDENTIALISATION = "residentialisation", "Résidentialisation"
    DIVERSIFICATION = "diversification", "Accession / diversification"
    EQUIPEMENT = "equipement", "Équipement public de proximité"
    ECONOMIQUE = "economique", "Immobilier à vocation économique"
    AUTRE = "autre", "Autres investissements"


class OperationStatus(models.TextChoices):
    ETUDE = "etude", "Étude"
    PROGRAMMEE = "programmee", "Programmée"
    ENGAGEE = "engagee", "Engagée"
    TRAVAUX = "travaux", "En travaux"
    LIVREE = "livree", "Livrée"
    SOLDEE = "soldee", "Soldée"
    ABANDONNEE = "abandonnee", "Abandonnée"


# Same colours as the status badges in static/css/app.css, for charts.
STATUS_COLORS = {
    OperationStatus.ETUDE: "#5f6b7a",
    OperationStatus.PROGRAMMEE: "#1d4f91",
    OperationStatus.ENGAGEE: "#6d3f9a",
    OperationStatus.TRAVAUX: "#e07b00",
    OperationStatus.LIVREE: "#2e7d32",
    OperationStatus.SOLDEE: "#1b5e20",
    OperationStatus.ABANDONNEE: "#8b1d1d",
}


class OperationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OperationQuerySet":
        return self.filter(scope_q(user, programme_path="programme", sector_path="sector"))

    def with_list_data(self) -> "OperationQuerySet":
        """The list's row data: funding planned, committed and paid summed in the same query."""
        return self.select_related("sector", "moa").annotate(
            funding_planned=Sum("funding_lines__planned"),
            funding_committed=Sum("funding_lines__committed"),
            funding_paid=Sum("funding_lines__paid"),
        )

    def with_detail_data(self) -> "OperationQuerySet":
        return self.select_related("sector", "moa", "convention", "programme").prefetch_related(
            models.Prefetch(
                "funding_lines", FundingLine.objects.select_related("funder").order_by("kind", "pk")
            ),
            models.Prefetch("milestones", Milestone.objects.order_by("due_on", "pk")),
        )

    def status_counts(self) -> dict[str, int]:
        return dict(self.values_list("status").annotate(n=Count("pk")).order_by())


@pghistory.track()
class Operation(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="operations")
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        related_name="operations",
        null=True,
        blank=True,
        verbose_name="quartier",
        help_text="Laisser vide pour une opération à l'échelle du programme.",
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.SET_NULL, null=True, blank=True, related_name="operations"
    )
    identifier = models.CharField("identifiant", max_length=60)
    label = models.CharField("libellé", max_length=300)
    family = models.CharField("famille", max_length=30, choices=Family.choices)
    moa = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="operations", verbose_name="maître d'ouvrage"
    )
    status = models.CharField(
        "statut", max_length=20, choices=OperationStatus.choices, default=OperationStatus.ETUDE
    )
    planned_start = SemesterField("lancement prévu")
    planned_end = SemesterField("fin prévue")
    actual_start = SemesterField("lancement réel")
    actual_end = SemesterField("fin réelle")
    cost_excl_tax = models.DecimalField(
        "coût HT (€)", max_digits=14, decimal_places=2, default=0, validators=[NON_NEGATIVE]
    )
    eligible_base = models.DecimalField(
        "base subventionnable (€)", max_digits=14, decimal_places=2, default=0, validators=[NON_NEGATIVE]
    )
    housing_demolished = models.PositiveIntegerField("logements démolis", default=0)
    housing_rebuilt = models.PositiveIntegerField("logements reconstitués", default=0)
    housing_rehabilitated = models.PositiveIntegerField("logements réhabilités", default=0)
    location = models.CharField("localisation", max_length=300, blank=True)
    progress = models.PositiveSmallIntegerField(
        "avancement (%)", default=0, validators=[MaxValueValidator(100)]
    )
    at_risk = models.BooleanField("livraison à risque", default=False)
    at_risk_reason = models.TextField("motif du risque", blank=True)
    description = models.TextField("description", blank=True)
    updated_at = models.DateTimeField("mise à jour", auto_now=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        verbose_name = "opération"
        verbose_name_plural = "opérations"
        ordering = ["programme", "identifier", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "identifier"], name="operation_unique_identifier"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="operation_progress_max_100"),
        ]
        indexes = [models.Index(fields=["programme", "status"]), models.Index(fields=["programme", "sector"])]

    def __str__(self) -> str:
        return f"{self.identifier} — {self.label}"

    def clean(self) -> None:
        errors = {}
        if self.at_risk and not self.at_risk_reason.strip():
            errors["at_risk_reason"] = "Indiquez le motif du risque sur la livraison."
        if self.eligible_base and self.cost_excl_tax and self.eligible_base > self.cost_excl_tax:
            errors["eligible_base"] = "La base subventionnable ne peut dépasser le coût HT."
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = "La fin prévue précède le lancement prévu."
        if self.sector_id and self.programme_id and self.sector.programme_id != self.programme_id:
            errors["sector"] = "Ce quartier n'appartient pas au programme."
        if errors:
            raise ValidationError(errors)

    @property
    def planned_start_label(self) -> str:
        return semester_label(self.planned_start)

    @property
    def planned_end_label(self) -> str:
        return semester_label(self.planned_end)


class FundingKind(models.TextChoices):
    SUBVENTION = "subvention", "Subvention"
    PRET = "pret", "Prêt"
    FONDS_PROPRES = "fonds_propres", "Fonds propres"


class FundingLineQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FundingLineQuerySet":
        return self.filter(
            scope_q(user, programme_path="operation__programme", sector_path="operation__sector")
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FundingLine(UniqueErrorOnField):
    unique_error = ("funder", "Ce financeur a déjà une ligne de cette nature sur l'opération : modifiez-la.")

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="funding_lines")
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="funding_lines", verbose_name="financeur"
    )
    kind = models.CharField("nature", max_length=20, choices=FundingKind.choices)
    planned = models.DecimalField(
        "prévu (€)", max_digits=14, decimal_places=2, default=0, validators=[NON_NEGATIVE]
    )
    committed = models.DecimalField(
        "engagé (€)", max_digits=14, decimal_places=2, default=0, validators=[NON_NEGATIVE]
    )
    paid = models.DecimalField(
        "versé (€)", max_digits=14, decimal_places=2, default=0, validators=[NON_NEGATIVE]
    )

    objects = FundingLineQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de financement"
        verbose_name_plural = "lignes de financement"
        ordering = ["operation", "kind", "funder", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "funder", "kind"], name="funding_unique_funder_kind"
            ),
            models.CheckConstraint(
                condition=Q(planned__gte=0) & Q(committed__gte=0) & Q(paid__gte=0),
                name="funding_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} ({self.get_kind_display().lower()})"  # as the history names it

    def clean(self) -> None:
        if self.paid is not None and self.committed is not None and self.paid > self.committed:
            raise ValidationError({"paid": "Le montant versé ne peut dépasser le montant engagé."})


class MilestoneQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MilestoneQuerySet":
        return self.filter(
            scope_q(user, programme_path="operation__programme", sector_path="operation__sector")
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Milestone(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="milestones")
    label = models.CharField("jalon", max_length=200)
    due_on = models.DateField("échéance")
    done_on = models.DateField("réalisé le", null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = "jalon"
        verbose_name_plural = "jalons"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="milestone_open_due")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def done(self) -> bool:
        return self.done_on is not None


class Confidentiality(models.TextChoices):
    PUBLIC = "public", "Public"
    PARTNERS = "partenaires", "Partenaires"
    INTERNAL = "interne", "Interne à l'équipe projet et à la direction"
    RESTRICTED = "restreint", "Restreint à l'équipe projet"


# Which confidentiality levels each role may open.
CONFIDENTIALITY_BY_ROLE = {
    Role.ADMIN: list(Confidentiality.values),
    Role.MISSION: list(Confidentiality.values),
    Role.REFERENT: [Confidentiality.PUBLIC, Confidentiality.PARTNERS, Confidentiality.INTERNAL],
    Role.DIRECTION: [Confidentiality.PUBLIC, Confidentiality.PARTNERS, Confidentiality.INTERNAL],
    Role.PARTNER: [Confidentiality.PUBLIC, Confidentiality.PARTNERS],
}


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user, membership=None) -> "DocumentQuerySet":
        scoped = self.filter(scope_q(user, programme_path="programme", sector_path="sector"))
        if user.is_superuser:
            return scoped
        if membership is None:
            return scoped.filter(confidentiality=Confidentiality.PUBLIC)
        return scoped.filter(
            programme=membership.programme, confidentiality__in=CONFIDENTIALITY_BY_ROLE[membership.role]
        )

    def attached_to(self, obj) -> "DocumentQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def document_upload_to(instance: "Document", filename: str) -> str:
    return f"documents/{instance.programme_id}/{filename}"


class Document(models.Model):
    """A file attached to a programme object (sector, operation…), with a confidentiality level."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="documents")
    sector = models.ForeignKey(
        Sector, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to=document_upload_to)
    confidentiality = models.CharField(
        "confidentialité", max_length=20, choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["-uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.title

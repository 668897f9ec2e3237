from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q

from core.personal_data import validate_domain


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in with an e-mail address."""

    username = None  # type: ignore[assignment]  # the e-mail address is the identifier
    email = models.EmailField("adresse électronique", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]  # e-mail, no username

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def needs_mfa(self) -> bool:
        """Anyone who may read personal data must use a second factor."""
        return self.memberships.with_personal_data().exists()


class OrganisationKind(models.TextChoices):
    VILLE = "ville", "Ville"
    EPCI = "epci", "Métropole / EPCI"
    BAILLEUR = "bailleur", "Bailleur social"
    ANRU = "anru", "ANRU"
    ETAT = "etat", "État / DDT"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    CAF = "caf", "CAF"
    ACTION_LOGEMENT = "action_logement", "Action Logement"
    BANQUE_TERRITOIRES = "banque_territoires", "Banque des Territoires"
    ANAH = "anah", "Anah"
    MAISON_EMPLOI = "maison_emploi", "Maison de l'emploi / PLIE"
    AMENAGEUR = "amenageur", "Aménageur"
    ASSOCIATION = "association", "Association"
    CONSEIL_CITOYEN = "conseil_citoyen", "Conseil citoyen"
    ENTREPRISE = "entreprise", "Entreprise"
    AUTRE = "autre", "Autre"


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrganisationQuerySet":
        """Organisations that take part in a programme the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        programme_ids = Membership.objects.filter(user=user, is_active=True).values("programme_id")
        return self.filter(programmes__in=programme_ids).distinct()


class Organisation(models.Model):
    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=30, choices=OrganisationKind.choices)
    short_name = models.CharField("sigle", max_length=40, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur du programme"
    MISSION = "mission", "Équipe projet"
    REFERENT = "referent", "Référent thématique"
    DIRECTION = "direction", "Direction"
    PARTNER = "partenaire", "Partenaire"


# Roles that may change the programme's reference data (sectors, operations, funding).
EDITOR_ROLES = (Role.ADMIN, Role.MISSION)
# Roles that read everything of the programme, not only aggregates.
INTERNAL_ROLES = (Role.ADMIN, Role.MISSION, Role.REFERENT, Role.DIRECTION)


class Domain(models.TextChoices):
    """The domain a referent works in (personal-data grants are `core.personal_data` domains)."""

    GOVERNANCE = "gouvernance", "Gouvernance"
    RELOGEMENT = "relogement", "Relogement"
    INSERTION = "insertion", "Insertion"
    EVALUATION = "evaluation", "Évaluation"
    GUSP = "gusp", "GUSP"


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True)

    def granted(self, domain: str) -> "MembershipQuerySet":
        """Memberships holding the personal-data grant of `domain` (a `core.personal_data` key)."""
        return self.filter(personal_data_domains__contains=[domain])

    def writing(self, domain: str) -> "MembershipQuerySet":
        """Memberships that write the records of `domain` (see `Membership.writes_domain`)."""
        return self.filter(Q(role__in=EDITOR_ROLES) | Q(role=Role.REFERENT, referent_domain=domain))

    def with_personal_data(self) -> "MembershipQuerySet":
        return self.filter(personal_data_domains__len__gt=0)


class Membership(models.Model):
    """A user's role in one programme, optionally limited to some sectors."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    programme = models.ForeignKey("projects.Programme", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    referent_domain = models.CharField(
        "domaine du référent", max_length=20, choices=Domain.choices, blank=True
    )
    sectors = models.ManyToManyField(
        "projects.Sector",
        blank=True,
        related_name="memberships",
        verbose_name="quartiers",
        help_text="Laisser vide pour donner accès à tout le programme.",
    )
    personal_data_domains = ArrayField(
        models.CharField(max_length=30, validators=[validate_domain]),
        verbose_name="habilitations aux données personnelles",
        default=list,
        blank=True,
        help_text="Domaines dont la personne peut consulter les données personnelles (double "
        "authentification obligatoire, chaque accès est journalisé).",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "rattachement"
        verbose_name_plural = "rattachements"
        ordering = ["programme", "user", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="membership_one_per_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.programme} ({self.get_role_display()})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role == Role.REFERENT and not self.referent_domain:
            raise ValidationError({"referent_domain": "Indiquez le domaine du référent."})
        self.personal_data_domains = sorted(set(self.personal_data_domains or []))
        if self.role == Role.PARTNER and self.personal_data_domains:
            raise ValidationError("Un partenaire ne peut pas accéder aux données personnelles.")

    def grants(self, domain: str) -> bool:
        """Whether this membership holds the personal-data grant of `domain`."""
        return domain in (self.personal_data_domains or [])

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    def writes_domain(self, domain: str) -> bool:
        """Whether this membership writes the records of `domain`: the programme's editors, and the
        referent of that domain (the relogement referent records offers, CAL decisions, rehousings)."""
        return self.role in EDITOR_ROLES or (self.role == Role.REFERENT and self.referent_domain == domain)

    @property
    def is_internal(self) -> bool:
        return self.role in INTERNAL_ROLES


def scope_q(user, *, programme_path: str, sector_path: str | None) -> Q:
    """Q object selecting rows inside the user's memberships.

    A membership without sectors opens its whole programme; one with sectors opens only rows whose
    sector is among them (rows with no sector stay hidden from it).
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    whole_programme = Membership.objects.filter(
        user=user, is_active=True, sectors__isnull=True, programme=OuterRef(programme_path)
    )
    condition = Q(Exists(whole_programme))
    if sector_path is not None:
        sector_grant = Membership.sectors.through.objects.filter(
            membership__user=user, membership__is_active=True, sector=OuterRef(sector_path)
        )
        condition |= Q(Exists(sector_grant))
    return condition


def membership_for(user, programme) -> Membership | None:
    if not user.is_authenticated or programme is None:
        return None
    return (
        Membership.objects.active()
        .filter(user=user, programme=programme)
        .select_related("organisation")
        .prefetch_related("sectors")
        .first()
    )

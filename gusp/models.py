"""Gestion urbaine et sociale de proximité (GUSP): conventions and the NPNRU « projet de gestion », themes
of reports (data, editable), walk audits (diagnostics en marchant), reports (signalements) routed to a
handler organisation with a target delay, their photos and history, and the action plan (TFPB included).

No personal data: a report describes a place and a problem, never the person who reported it.
"""

import datetime
from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, scope_q
from core.jobs import Job, JobKind
from core.scoping import ScopedQuerySet
from projects.models import Convention, Interest, Programme, Sector


class Volet(models.TextChoices):
    """The volets of a GUSP convention and of its action plan."""

    CORRECTIVE = "correctif", "Correctif"
    WORKS = "travaux", "Accompagnement des travaux"
    WATCH = "veille", "Veille"
    ANTICIPATION = "anticipation", "Anticipation"


# --- Conventions -----------------------------------------------------------------------------------------


class GuspConventionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "GuspConventionQuerySet":
        """Members of the programme with no sector limit, and members limited to sectors when the
        convention covers one of them (a convention covers several sectors)."""
        whole = scope_q(user, programme_path="programme", sector_path=None)
        if not user.is_authenticated or user.is_superuser:
            return self.filter(whole)
        sector_grant = Membership.sectors.through.objects.filter(
            membership__user=user, membership__is_active=True, sector__gusp_conventions=OuterRef("pk")
        )
        return self.filter(whole | Q(Exists(sector_grant)))


@pghistory.track()
class GuspConvention(models.Model):
    """A local GUSP convention (Ville, Métropole, landlords, State), or the « projet de gestion » annexed
    to the NPNRU convention."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="gusp_conventions")
    title = models.CharField("intitulé", max_length=200)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="gusp_conventions", verbose_name="quartiers"
    )
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    signed_on = models.DateField("signée le", null=True, blank=True)
    signatories = models.ManyToManyField(
        Organisation, blank=True, related_name="gusp_conventions", verbose_name="signataires"
    )
    npnru_convention = models.ForeignKey(
        Convention,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gusp_conventions",
        verbose_name="convention NPNRU",
    )
    is_management_project = models.BooleanField(
        "projet de gestion",
        default=False,
        help_text="Le « projet de gestion » annexé à la convention pluriannuelle NPNRU.",
    )
    management_project = models.TextField(
        "projet de gestion (texte)",
        blank=True,
        help_text="Les orientations du projet de gestion : ce qui change pendant et après les travaux.",
    )
    summary = models.TextField("présentation", blank=True)

    objects = GuspConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention GUSP"
        verbose_name_plural = "conventions GUSP"
        ordering = ["programme", "-starts_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "La fin de la convention précède son début."
        if (
            self.npnru_convention_id
            and self.programme_id
            and self.npnru_convention.programme_id != self.programme_id
        ):
            errors["npnru_convention"] = "Cette convention n'appartient pas au programme."
        if self.is_management_project and not self.npnru_convention_id:
            errors["npnru_convention"] = (
                "Un projet de gestion est annexé à une convention NPNRU : indiquez-la."
            )
        if errors:
            raise ValidationError(errors)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Commitment(models.Model):
    """One commitment of a GUSP convention, by volet and signatory."""

    convention = models.ForeignKey(GuspConvention, on_delete=models.CASCADE, related_name="commitments")
    volet = models.CharField("volet", max_length=15, choices=Volet.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gusp_commitments",
        verbose_name="signataire engagé",
    )
    text = models.TextField("engagement")
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["convention", "volet", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_volet_display()} — {self.text[:60]}"


# --- Themes ----------------------------------------------------------------------------------------------


class ThemeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ThemeQuerySet":
        """Themes are the programme's reference data: every member of the programme reads them."""
        return self.filter(programme__in=Programme.objects.visible_to(user))


@pghistory.track()
class Theme(models.Model):
    """A theme of reports (propreté, éclairage…): its default handler and target delay are data, edited
    by the mission team; its synonyms map the categories of other tools on import."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="gusp_themes")
    slug = models.SlugField("identifiant court", max_length=40)
    name = models.CharField("nom", max_length=120)
    default_handler = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gusp_themes",
        verbose_name="organisation en charge par défaut",
    )
    target_days = models.PositiveSmallIntegerField(
        "délai cible (jours)",
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="L'échéance d'un signalement : sa date de signalement plus ce délai.",
    )
    synonyms = ArrayField(
        models.CharField(max_length=120),
        verbose_name="autres intitulés",
        default=list,
        blank=True,
        help_text="Les catégories d'autres outils qui désignent ce thème (import des signalements).",
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = "thème"
        verbose_name_plural = "thèmes"
        ordering = ["programme", "order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="gusp_theme_unique_slug"),
            models.UniqueConstraint(fields=["programme", "name"], name="gusp_theme_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        # Blank and repeated spellings are dropped before the array's items are validated.
        self.synonyms = list(dict.fromkeys(word.strip() for word in (self.synonyms or []) if word.strip()))
        super().clean_fields(exclude=exclude)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ThemeHandlerDelay(models.Model):
    """The target delay of a theme when one organisation handles the report (« Gestion locative » in 5
    days at the landlord): it replaces the theme's delay for that handler. Data, edited by the mission
    team; a changed delay applies to the reports created or routed afterwards."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="handler_delays")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="gusp_theme_delays",
        verbose_name="organisation en charge",
    )
    target_days = models.PositiveSmallIntegerField(
        "délai cible (jours)", validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = "délai cible par organisation"
        verbose_name_plural = "délais cibles par organisation"
        ordering = ["theme", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "organisation"],
                name="gusp_theme_delay_unique_handler",
                violation_error_message="Cette organisation a déjà un délai pour ce thème.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme} — {self.organisation} : {self.target_days} j"


# --- Walk audits -----------------------------------------------------------------------------------------


class WalkAuditQuerySet(ScopedQuerySet):
    def held(self, today: datetime.date) -> "WalkAuditQuerySet":
        return self.filter(held_on__lte=today)


@pghistory.track()
class WalkAudit(models.Model):
    """A diagnostic en marchant: residents, conseil citoyen, partners and elected officials walk a route;
    its outputs are observations (each one a report linked to the walk), proposals (what participants
    proposed) and follow-up actions (action plan items linked to the walk, `GuspAction.walk_audit`)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="gusp_walk_audits")
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="gusp_walk_audits", verbose_name="quartier"
    )
    held_on = models.DateField("date")
    route = models.TextField("parcours", blank=True)
    residents = models.PositiveSmallIntegerField("habitants", default=0)
    citizen_council = models.PositiveSmallIntegerField("membres du conseil citoyen", default=0)
    elected_officials = models.PositiveSmallIntegerField("élus", default=0)
    professionals = models.PositiveSmallIntegerField("professionnels", default=0)
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="gusp_walk_audits", verbose_name="partenaires présents"
    )
    summary = models.TextField("synthèse", blank=True)
    proposals = models.TextField(
        "propositions",
        blank=True,
        help_text="Ce que les participants ont proposé pendant ou après la marche.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = WalkAuditQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic en marchant"
        verbose_name_plural = "diagnostics en marchant"
        ordering = ["-held_on", "pk"]
        indexes = [models.Index(fields=["programme", "held_on"])]

    def __str__(self) -> str:
        return f"Diagnostic en marchant — {self.sector} — {self.held_on:%d/%m/%Y}"

    @property
    def participants(self) -> int:
        return self.residents + self.citizen_council + self.elected_officials + self.professionals

    def clean(self) -> None:
        if self.sector_id and self.programme_id and self.sector.programme_id != self.programme_id:
            raise ValidationError({"sector": "Ce quartier n'appartient pas au programme."})


# --- Reports ---------------------------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    NEW = "nouveau", "Nouveau"
    SENT = "transmis", "Transmis"
    IN_PROGRESS = "en_cours", "En cours"
    RESOLVED = "resolu", "Résolu"
    CLOSED_UNRESOLVED = "clos_non_resolu", "Clos non résolu"
    NOT_OURS = "hors_competence", "Hors compétence"
    DUPLICATE = "doublon", "Doublon"


R = ReportStatus
OPEN_STATUSES = (R.NEW, R.SENT, R.IN_PROGRESS)
CLOSED_STATUSES = (R.RESOLVED, R.CLOSED_UNRESOLVED, R.NOT_OURS, R.DUPLICATE)
# Statuses in which a handler organisation must be named (it has the report in hand).
HANDLED_STATUSES = (R.SENT, R.IN_PROGRESS, R.RESOLVED)
# A report is routed to its handler once it has left « Nouveau » (the team transmitted it at triage, or an
# import brought it with a later status): a « Nouveau » report's handler is only the theme's default, and
# its organisation's partners neither see it one by one nor act on it.
ROUTED = ~Q(status=R.NEW)
# The open reports an organisation has in hand (its weekly digest's « ouverts »).
ROUTED_OPEN_STATUSES = (R.SENT, R.IN_PROGRESS)


class ReportSource(models.TextChoices):
    WALK_AUDIT = "diagnostic_marchant", "Diagnostic en marchant"
    RESIDENT = "habitant", "Habitant"
    AGENT = "agent", "Agent de proximité"
    CITIZEN_COUNCIL = "conseil_citoyen", "Conseil citoyen"
    LANDLORD = "bailleur", "Bailleur"
    PROJECT_HOUSE = "maison_projet", "Maison du projet"
    OTHER_TOOL = "autre_outil", "Autre outil"


class Priority(models.TextChoices):
    LOW = "basse", "Basse"
    NORMAL = "normale", "Normale"
    HIGH = "haute", "Haute"
    URGENT = "urgente", "Urgente"


class ReportQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> "ReportQuerySet":
        """Reports one by one: the programme's own people (admin, mission, referents, direction) within
        their sectors; a partner only the reports routed to their organisation (its handler users update
        them), never a « Nouveau » one (`ROUTED`: its handler is only the theme's default until triage).
        Partners' aggregates go through `aggregable_by`, masked by the audience."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        memberships = Membership.objects.filter(user=user, is_active=True)
        whole = memberships.exclude(role=Role.PARTNER).filter(
            sectors__isnull=True, programme=OuterRef("programme")
        )
        sector = Membership.sectors.through.objects.filter(
            membership__user=user, membership__is_active=True, sector=OuterRef("sector")
        ).exclude(membership__role=Role.PARTNER)
        handler = memberships.filter(
            role=Role.PARTNER, programme=OuterRef("programme"), organisation=OuterRef("handler")
        )
        return self.filter(Q(Exists(whole)) | Q(Exists(sector)) | (Q(Exists(handler)) & ROUTED))

    def seen_through(self, user, membership: Membership | None, *, programme) -> "ReportQuerySet":
        """The reports of `programme` the user sees one by one — the same rows as
        `visible_to(user).filter(programme=programme)` — from the user's membership in that programme
        (`request.membership`: one per programme, None for a superuser without one). The scope becomes
        plain conditions on the report's own columns (programme, sector, handler) instead of an EXISTS per
        row: a list's count reads the index alone. At most one query, for a membership's sectors (kept on
        the membership object: the next call on the same request asks nothing)."""
        if not user.is_authenticated or programme is None:
            return self.none()
        reports = self.filter(programme=programme)
        if user.is_superuser:
            return reports
        if membership is None or not membership.is_active or membership.programme_id != programme.pk:
            return self.none()
        if membership.user_id != user.pk:
            raise ValueError("seen_through: the membership is not the user's")
        if membership.role == Role.PARTNER:
            return reports.filter(ROUTED, handler_id=membership.organisation_id)
        # Ids only (a sector carries its perimeter); a membership already prefetched is not asked again.
        models.prefetch_related_objects(
            [membership], models.Prefetch("sectors", Sector.objects.only("pk").order_by())
        )
        sector_ids = [sector.pk for sector in membership.sectors.all()]
        return reports.filter(sector_id__in=sector_ids) if sector_ids else reports

    def aggregable_by(self, user) -> "ReportQuerySet":
        """The reports whose aggregates the user may see: the programme, or the membership's sectors (the
        rows `scope_q` keeps). The user's memberships are read here, once (one query): the scope reaches
        the database as lists of programmes and sectors the planner can estimate. As an EXISTS per row it
        expected a few hundred reports out of 100,000 and chose nested loops, disk sorts and JIT for the
        dashboard's aggregates (1.6 s for the hotspots)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        grants = (
            Membership.objects.filter(user=user, is_active=True)
            .order_by()
            .values_list("programme_id", "sectors")
        )
        programmes, sectors = set(), set()
        for programme_id, sector_id in grants:
            if sector_id is None:
                programmes.add(programme_id)
            else:
                sectors.add(sector_id)
        if not programmes and not sectors:
            return self.none()
        condition = Q(programme_id__in=sorted(programmes)) if programmes else Q()
        if sectors:
            condition = (
                condition | Q(sector_id__in=sorted(sectors))
                if programmes
                else Q(sector_id__in=sorted(sectors))
            )
        return self.filter(condition)

    def open(self) -> "ReportQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def late(self, today: datetime.date) -> "ReportQuerySet":
        return self.open().filter(due_on__lt=today)

    def with_list_data(self) -> "ReportQuerySet":
        return self.select_related("sector", "theme", "handler")

    def with_detail_data(self) -> "ReportQuerySet":
        return self.select_related(
            "programme", "sector", "theme", "handler", "duplicate_of", "walk_audit", "created_by"
        ).prefetch_related("photos", models.Prefetch("events", ReportEvent.objects.with_list_data()))


COORDINATE = {"max_digits": 9, "decimal_places": 6}


# Every write of a report's fields, imports' bulk writes included (the status and handler steps, with who
# and why, are the explicit ReportEvent rows below).
@pghistory.track(model_name="ReportHistory", obj_field=pghistory.ObjForeignKey(related_name="history"))
class Report(models.Model):
    """A signalement: a problem reported in a place, routed to the organisation that must act."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="gusp_reports")
    reference = models.CharField(
        "numéro",
        max_length=40,
        help_text="Unique dans le programme ; pour un signalement importé, le numéro de l'outil d'origine.",
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="gusp_reports", verbose_name="quartier"
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="reports", verbose_name="thème")
    description = models.TextField("description")
    address = models.CharField("adresse", max_length=300, blank=True)
    latitude = models.DecimalField(
        "latitude",
        **COORDINATE,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        "longitude",
        **COORDINATE,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    source = models.CharField("origine", max_length=20, choices=ReportSource.choices)
    walk_audit = models.ForeignKey(
        WalkAudit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="diagnostic en marchant",
    )
    handler = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gusp_reports",
        verbose_name="organisation en charge",
    )
    priority = models.CharField("priorité", max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    reported_at = models.DateTimeField("signalé le")
    due_on = models.DateField("échéance")
    status = models.CharField("statut", max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW)
    acknowledged_at = models.DateTimeField(
        "pris en compte le",
        null=True,
        blank=True,
        help_text="La première transmission à l'organisation en charge (ou la première suite donnée).",
    )
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    competent_body = models.CharField(
        "organisme compétent",
        max_length=200,
        blank=True,
        help_text="Pour un signalement hors compétence : l'organisme vers lequel il est réorienté.",
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name="doublon de",
    )
    answer = models.TextField("réponse", blank=True, help_text="La réponse donnée à qui a signalé.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "signalement"
        verbose_name_plural = "signalements"
        ordering = ["-reported_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "reference"], name="gusp_report_unique_reference"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="gusp_report_point_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status", "due_on"]),
            models.Index(fields=["programme", "reported_at"]),
            models.Index(fields=["programme", "handler", "status"]),
            models.Index(fields=["programme", "theme", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.theme}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_late(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on < today

    @property
    def delay_days(self) -> int | None:
        """The target delay its due date was set with: days from the day it was reported to its due date."""
        if self.due_on is None or self.reported_at is None:
            return None
        return (self.due_on - timezone.localdate(self.reported_at)).days

    def clean(self) -> None:
        errors = {}
        if self.programme_id:
            if self.sector_id and self.sector.programme_id != self.programme_id:
                errors["sector"] = "Ce quartier n'appartient pas au programme."
            if self.theme_id and self.theme.programme_id != self.programme_id:
                errors["theme"] = "Ce thème n'appartient pas au programme."
            if self.walk_audit_id and self.walk_audit.programme_id != self.programme_id:
                errors["walk_audit"] = "Ce diagnostic en marchant n'appartient pas au programme."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = (
                "Indiquez la latitude et la longitude, ou aucune des deux."
            )
        if self.status in HANDLED_STATUSES and not self.handler_id:
            errors["handler"] = "Indiquez l'organisation en charge : le signalement lui est transmis."
        # « Hors compétence » names the competent body when set by hand (gusp.services.report_set_status);
        # a report imported from another tool may not say it.
        if self.status != R.NOT_OURS and self.competent_body:
            errors["competent_body"] = (
                "L'organisme compétent ne se nomme que pour un signalement hors compétence."
            )
        if self.duplicate_of_id and self.status != R.DUPLICATE:
            errors["duplicate_of"] = "Seul un doublon renvoie à un autre signalement."
        if self.duplicate_of_id and self.pk and self.duplicate_of_id == self.pk:
            errors["duplicate_of"] = "Un signalement ne peut pas être le doublon de lui-même."
        if self.duplicate_of_id and self.programme_id and self.duplicate_of.programme_id != self.programme_id:
            errors["duplicate_of"] = "Ce signalement n'appartient pas au programme."
        if self.closed_at and self.status not in CLOSED_STATUSES:
            errors["closed_at"] = "Seul un signalement clos a une date de clôture."
        if self.reported_at and self.closed_at and self.closed_at < self.reported_at:
            errors["closed_at"] = "La clôture précède le signalement."
        if self.reported_at and self.acknowledged_at and self.acknowledged_at < self.reported_at:
            errors["acknowledged_at"] = "La prise en compte précède le signalement."
        if errors:
            raise ValidationError(errors)


def photo_upload_to(instance: "ReportPhoto", filename: str) -> str:
    return f"gusp/photos/{instance.report.programme_id}/{filename}"


class ReportPhoto(models.Model):
    """A photo of a report, stored re-encoded (JPEG, bounded size, no EXIF: no GPS, no device)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("photo", upload_to=photo_upload_to, max_length=200)
    width = models.PositiveSmallIntegerField("largeur")
    height = models.PositiveSmallIntegerField("hauteur")
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_at = models.DateTimeField("ajoutée le", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "photo"
        verbose_name_plural = "photos"
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return f"Photo du signalement {self.report_id}"


class EventKind(models.TextChoices):
    CREATED = "creation", "Création"
    STATUS = "statut", "Changement de statut"
    ROUTED = "orientation", "Orientation"
    ANSWERED = "reponse", "Réponse"


class ReportEventQuerySet(models.QuerySet):
    def with_list_data(self) -> "ReportEventQuerySet":
        return self.select_related("user", "from_handler", "to_handler").order_by("at", "pk")


class ReportEvent(models.Model):
    """One step of a report's history: who changed its status or its handler, when, and why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("le")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    kind = models.CharField("nature", max_length=15, choices=EventKind.choices)
    from_status = models.CharField("statut avant", max_length=20, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField("statut après", max_length=20, choices=ReportStatus.choices, blank=True)
    from_handler = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_handler = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField("commentaire", blank=True)

    objects = ReportEventQuerySet.as_manager()

    class Meta:
        verbose_name = "étape d'un signalement"
        verbose_name_plural = "historique des signalements"
        ordering = ["report", "at", "pk"]
        indexes = [models.Index(fields=["report", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.at:%d/%m/%Y %H:%M}"


class AnswerTemplateQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AnswerTemplateQuerySet":
        """The programme's canned answers: every member of the programme reads them (handler partners
        answer too)."""
        return self.filter(programme__in=Programme.objects.visible_to(user))


class AnswerTemplate(models.Model):
    """A canned answer to whoever reported (« Votre signalement a été transmis… »): data of the
    programme, written and edited by the mission team, picked when answering a report."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="gusp_answer_templates")
    title = models.CharField("intitulé", max_length=120)
    text = models.TextField("texte de la réponse")
    order = models.PositiveSmallIntegerField("ordre", default=0)

    objects = AnswerTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "modèle de réponse"
        verbose_name_plural = "modèles de réponse"
        ordering = ["programme", "order", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"],
                name="gusp_answer_template_unique_title",
                violation_error_message="Un modèle de réponse porte déjà cet intitulé.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- Action plan -----------------------------------------------------------------------------------------


class ActionStatus(models.TextChoices):
    TODO = "a_faire", "À faire"
    IN_PROGRESS = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"
    DROPPED = "abandonnee", "Abandonnée"


# The national framework of the TFPB abatement dates from 29 April 2015: no abatement year before it.
TFPB_FIRST_YEAR = 2015


class TfpbAxis(models.TextChoices):
    """The 8 axes of the national framework of the TFPB abatement (29 April 2015)."""

    PRESENCE = "1", "1. Renforcement de la présence du personnel de proximité"
    TRAINING = "2", "2. Formation / soutien des personnels de proximité"
    EXTRA_MAINTENANCE = "3", "3. Sur-entretien"
    WASTE = "4", "4. Gestion des déchets et encombrants / épaves"
    TRANQUILLITY = "5", "5. Tranquillité résidentielle"
    CONSULTATION = "6", "6. Concertation / sensibilisation des locataires"
    SOCIAL_LINK = "7", "7. Animation, lien social, vivre ensemble"
    SMALL_WORKS = "8", "8. Petits travaux d'amélioration de la qualité de service"


class GuspActionQuerySet(ScopedQuerySet):
    def open(self) -> "GuspActionQuerySet":
        return self.filter(status__in=(ActionStatus.TODO, ActionStatus.IN_PROGRESS))

    def tfpb(self) -> "GuspActionQuerySet":
        return self.exclude(tfpb_axis="")

    def readable_by(self, user, *, internal: bool, organisation_id: int | None) -> "GuspActionQuerySet":
        """The actions a reader sees, on the action plan and in the dashboard's TFPB figures alike: the
        programme's people (`internal`) within their perimeter (`visible_to`); a partner the actions of its
        perimeter that are not valued against a TFPB abatement, and every action its own organisation
        carries — a landlord its own TFPB actions, never another landlord's; a partner that is not a
        landlord (State services, Métropole…) no TFPB action."""
        if internal:
            return self.visible_to(user)
        own = Q(owner_id=organisation_id) if organisation_id else Q(pk__in=[])
        in_scope = scope_q(user, programme_path="programme", sector_path="sector") & Q(tfpb_axis="")
        return self.filter(in_scope | own)

    def with_list_data(self) -> "GuspActionQuerySet":
        return self.select_related("sector", "owner", "convention")


@pghistory.track()
class GuspAction(models.Model):
    """An item of the GUSP action plan; with a TFPB axis, a landlord's action valued against its abatement."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="gusp_actions")
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gusp_actions",
        verbose_name="quartier",
    )
    convention = models.ForeignKey(
        GuspConvention,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="convention",
    )
    title = models.CharField("action", max_length=300)
    description = models.TextField("précisions", blank=True)
    volet = models.CharField("volet", max_length=15, choices=Volet.choices)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="gusp_actions", verbose_name="porteur"
    )
    due_on = models.DateField("échéance")
    status = models.CharField(
        "statut", max_length=12, choices=ActionStatus.choices, default=ActionStatus.TODO
    )
    done_on = models.DateField("réalisée le", null=True, blank=True)
    tfpb_axis = models.CharField(
        "axe de l'abattement TFPB",
        max_length=1,
        choices=TfpbAxis.choices,
        blank=True,
        help_text="Vide pour une action hors abattement de TFPB.",
    )
    tfpb_year = models.PositiveSmallIntegerField(
        "année de l'abattement",
        null=True,
        blank=True,
        validators=[MinValueValidator(TFPB_FIRST_YEAR), MaxValueValidator(2100)],
    )
    tfpb_amount = models.DecimalField(
        "montant valorisé (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    report = models.ForeignKey(
        Report,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="signalement à l'origine",
    )
    walk_audit = models.ForeignKey(
        WalkAudit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="diagnostic d'origine",
        help_text="Le diagnostic en marchant dont l'action est une suite.",
    )

    objects = GuspActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action GUSP"
        verbose_name_plural = "actions GUSP"
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["programme", "status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_tfpb(self) -> bool:
        return bool(self.tfpb_axis)

    def clean(self) -> None:
        errors = {}
        if self.sector_id and self.programme_id and self.sector.programme_id != self.programme_id:
            errors["sector"] = "Ce quartier n'appartient pas au programme."
        if self.convention_id and self.programme_id and self.convention.programme_id != self.programme_id:
            errors["convention"] = "Cette convention n'appartient pas au programme."
        if self.walk_audit_id and self.programme_id:
            if self.walk_audit.programme_id != self.programme_id:
                errors["walk_audit"] = "Ce diagnostic en marchant n'appartient pas au programme."
            elif self.sector_id and self.walk_audit.sector_id != self.sector_id:
                errors["walk_audit"] = (
                    "Ce diagnostic s'est tenu dans un autre quartier que celui de l'action : choisissez un "
                    "diagnostic du quartier, ou l'action de tout le programme."
                )
        if self.status == ActionStatus.DONE and not self.done_on:
            errors["done_on"] = "Indiquez la date de réalisation."
        if self.status != ActionStatus.DONE and self.done_on:
            errors["done_on"] = "Seule une action réalisée a une date de réalisation."
        if self.tfpb_axis:
            if self.tfpb_amount is None:
                errors["tfpb_amount"] = "Indiquez le montant valorisé au titre de l'abattement."
            if self.tfpb_year is None:
                errors["tfpb_year"] = "Indiquez l'année de l'abattement."
            if self.owner_id and self.owner.kind != "bailleur":
                errors["owner"] = (
                    "Une action valorisée au titre de l'abattement de TFPB est portée par un bailleur."
                )
            if (
                self.tfpb_axis == TfpbAxis.SMALL_WORKS
                and self.sector_id
                and self.sector.interest in (Interest.PRIN, Interest.PRIR)
            ):
                errors["tfpb_axis"] = (
                    "L'axe 8 (petits travaux d'amélioration) ne s'applique pas dans les quartiers NPNRU."
                )
        elif self.tfpb_amount is not None or self.tfpb_year is not None:
            errors["tfpb_axis"] = "Un montant ou une année d'abattement suppose un axe TFPB."
        if errors:
            raise ValidationError(errors)


# An abatement is recorded for the years of the landlord's (usually triennial) action programme: at most
# that far ahead of the current year.
TFPB_YEARS_AHEAD = 3


class TfpbAbatementQuerySet(ScopedQuerySet):
    def readable_by(self, user, *, internal: bool, organisation_id: int | None) -> "TfpbAbatementQuerySet":
        """The abatement amounts a reader sees, by the rule of the TFPB actions
        (`GuspAction.objects.readable_by`): the programme's people within their perimeter (a member
        limited to quartiers: the amounts of its quartiers, not the landlord's amount for all its
        housing); a landlord's partner its own organisation's amounts; any other partner none."""
        if internal:
            return self.visible_to(user)
        if not organisation_id:
            return self.none()
        return self.filter(landlord_id=organisation_id)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TfpbAbatement(models.Model):
    """The yearly TFPB abatement of a landlord (art. 1388 bis CGI, 30 % of the property-tax base of its
    social housing in a QPV), as reported to the signatories: the amount the valued actions
    (`GuspAction` with a TFPB axis) are compared with. Without a quartier, all the landlord's QPV housing
    in the programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tfpb_abatements")
    landlord = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="tfpb_abatements", verbose_name="bailleur"
    )
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(TFPB_FIRST_YEAR), MaxValueValidator(2100)]
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tfpb_abatements",
        verbose_name="quartier",
        help_text="Vide : tout le patrimoine du bailleur en QPV dans le programme.",
    )
    amount = models.DecimalField(
        "montant de l'abattement (€)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    note = models.TextField("remarque", blank=True)

    objects = TfpbAbatementQuerySet.as_manager()

    class Meta:
        verbose_name = "abattement de TFPB"
        verbose_name_plural = "abattements de TFPB"
        ordering = ["-year", "landlord__name", "sector__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "landlord", "year", "sector"],
                nulls_distinct=False,
                name="gusp_tfpb_abatement_unique",
                violation_error_message=(
                    "Un montant d'abattement est déjà enregistré pour ce bailleur, cette année "
                    "et ce quartier."
                ),
            ),
        ]

    def __str__(self) -> str:
        where = f" — {self.sector}" if self.sector_id else ""
        return f"Abattement de TFPB {self.year} — {self.landlord}{where}"

    def clean(self) -> None:
        errors = {}
        if self.landlord_id and self.landlord.kind != "bailleur":
            errors["landlord"] = "L'abattement de TFPB est celui d'un bailleur."
        elif (
            self.landlord_id
            and self.programme_id
            and not self.programme.organisations.filter(pk=self.landlord_id).exists()
        ):
            errors["landlord"] = "Ce bailleur n'est pas un partenaire du programme."
        if self.sector_id and self.programme_id and self.sector.programme_id != self.programme_id:
            errors["sector"] = "Ce quartier n'appartient pas au programme."
        latest = timezone.localdate().year + TFPB_YEARS_AHEAD
        if self.year is not None and self.year > latest:
            errors["year"] = f"Indiquez une année au plus tard en {latest} (programme d'actions triennal)."
        if errors:
            raise ValidationError(errors)


# --- Weekly digest to handler organisations --------------------------------------------------------------


class DigestStatus(models.TextChoices):
    PENDING = "en_attente", "En attente"
    SENDING = "envoi", "Envoi en cours"
    SENT = "envoye", "Envoyé"
    NO_RECIPIENT = "sans_destinataire", "Sans destinataire"
    FAILED = "echec", "Échec"


class WeeklyDigest(Job):
    """The weekly e-mail to a handler organisation listing its open and late reports: one row per
    (programme, organisation, week), created by the Monday planner and sent once by a worker
    (core/jobs.py: unique row, then claim before sending)."""

    job = JobKind(
        task="gusp.tasks.digest_send_task",
        task_arg="digest_id",
        sweep_task="gusp.tasks.digests_pending_sweep_task",
        give_up="gusp.services.digest_give_up",
        waiting={DigestStatus.PENDING: "planned_at"},
        give_up_after=datetime.timedelta(days=1),
        give_up_message="Récapitulatif non envoyé : le service d'envoi n'a pas répondu pendant un jour.",
        max_attempts=6,
        running=(DigestStatus.SENDING,),
        running_stale_after=datetime.timedelta(minutes=30),
        running_stale_message="Envoi incertain (le traitement s'est arrêté pendant l'envoi) : à vérifier.",
    )

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="gusp_digests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="gusp_digests", verbose_name="organisation"
    )
    week = models.DateField("semaine du", help_text="Le lundi de la semaine.")
    status = models.CharField(
        "statut", max_length=20, choices=DigestStatus.choices, default=DigestStatus.PENDING
    )
    planned_at = models.DateTimeField("prévu le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    recipients = models.PositiveSmallIntegerField("destinataires", default=0)
    open_reports = models.PositiveIntegerField("signalements ouverts", default=0)
    late_reports = models.PositiveIntegerField("signalements en retard", default=0)
    message = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "récapitulatif hebdomadaire GUSP"
        verbose_name_plural = "récapitulatifs hebdomadaires GUSP"
        ordering = ["-week", "organisation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation", "week"], name="gusp_digest_once_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Récapitulatif GUSP — {self.organisation} — semaine du {self.week:%d/%m/%Y}"

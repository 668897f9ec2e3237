from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, scope_q
from core.scoping import ScopedQuerySet
from projects.models import Operation, Programme, Sector


class BodyKind(models.TextChoices):
    COPIL = "copil", "COPIL — comité de pilotage"
    COTEC = "cotec", "COTEC — comité technique"
    CTE = "cte", "CTE — coordination technique élargie"
    REVUE_PROJET = "revue_projet", "Revue de projet"
    POINT_ETAPE = "point_etape", "Point d'étape"
    GTR = "gtr", "Groupe technique relogement"
    INSERTION = "insertion", "Comité de la clause d'insertion"
    PARTICIPATION = "participation", "Comité de suivi de la participation citoyenne"
    GUSP_STRATEGIQUE = "gusp_strategique", "Comité GUSP stratégique"
    GUSP_TECHNIQUE = "gusp_technique", "Comité GUSP technique"
    PARTENAIRES = "partenaires", "Comité des partenaires"
    OTHER = "autre", "Autre instance"


class BodyQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BodyQuerySet":
        """A body is visible to whole-programme members, and to sector members if it covers their sector
        or the whole programme (a COTEC concerns every partner)."""
        whole_or_sector = scope_q(user, programme_path="programme", sector_path="sectors")
        programme_wide = Q(sectors__isnull=True) & Q(
            programme__in=Programme.objects.visible_to(user).values("pk")
        )
        return self.filter(whole_or_sector | programme_wide).distinct()


class Body(models.Model):
    """A governance body (instance): its kind, scope, chair, members and rhythm are data."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="bodies")
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=30, choices=BodyKind.choices)
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        related_name="bodies",
        verbose_name="quartiers",
        help_text="Laisser vide pour une instance de tout le programme.",
    )
    chair = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_bodies",
        verbose_name="présidence",
    )
    members = models.ManyToManyField(
        Organisation, blank=True, related_name="bodies", verbose_name="organisations membres"
    )
    periodicity_months = models.PositiveSmallIntegerField(
        "périodicité (mois)",
        null=True,
        blank=True,
        help_text="Vide si l'instance se réunit à la demande.",
    )
    is_active = models.BooleanField("active", default=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = "instance"
        verbose_name_plural = "instances"
        ordering = ["programme", "kind", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="body_unique_name")]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    PLANNED = "prevue", "Prévue"
    HELD = "tenue", "Tenue"
    CANCELLED = "annulee", "Annulée"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MeetingQuerySet":
        return self.filter(body__in=Body.objects.visible_to(user))


def minutes_upload_to(instance: "Meeting", filename: str) -> str:
    return f"seances/{instance.body.programme_id}/{filename}"


class Meeting(models.Model):
    """A séance of a body."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings", verbose_name="instance")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin", null=True, blank=True)
    place = models.CharField("lieu", max_length=300, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField("compte rendu", blank=True, help_text="Texte mis en forme (HTML nettoyé).")
    minutes_file = models.FileField("compte rendu (fichier)", upload_to=minutes_upload_to, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.body} du {timezone.localtime(self.starts_at):%d/%m/%Y}"

    def clean(self) -> None:
        if self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "La fin doit suivre le début de la séance."})


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField("point", max_length=300)
    description = models.TextField("précisions", blank=True)
    operation = models.ForeignKey(
        Operation, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    presenter = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="présenté par",
    )

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "ordre du jour"
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Présent"
    EXCUSED = "excuse", "Excusé"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    """An organisation at a séance, through its representative (named in a professional capacity)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="attendances")
    attendee = models.CharField("représentant", max_length=200, blank=True)
    status = models.CharField(
        "présence", max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["meeting", "organisation__name", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DecisionQuerySet":
        return self.filter(meeting__in=Meeting.objects.visible_to(user))


class Decision(models.Model):
    """An entry of the relevé de décisions."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    text = models.TextField("décision")
    sector = models.ForeignKey(
        Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    operation = models.ForeignKey(
        Operation, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionStatus(models.TextChoices):
    TODO = "a_faire", "À faire"
    IN_PROGRESS = "en_cours", "En cours"
    DONE = "faite", "Faite"
    DROPPED = "abandonnee", "Abandonnée"


OPEN_ACTION_STATUSES = (ActionStatus.TODO, ActionStatus.IN_PROGRESS)


class ActionQuerySet(ScopedQuerySet):
    def open(self) -> "ActionQuerySet":
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today) -> "ActionQuerySet":
        return self.open().filter(due_on__lt=today)

    def with_board_data(self) -> "ActionQuerySet":
        return self.select_related("owner_organisation", "sector", "operation", "meeting__body")


class Action(models.Model):
    """A suite à donner: who does what by when."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("action", max_length=300)
    description = models.TextField("précisions", blank=True)
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="actions", verbose_name="porteur"
    )
    owner_name = models.CharField("personne en charge", max_length=200, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="compte à relancer",
        help_text="Reçoit les rappels avant et après l'échéance.",
    )
    due_on = models.DateField("échéance")
    status = models.CharField(
        "statut", max_length=12, choices=ActionStatus.choices, default=ActionStatus.TODO
    )
    done_on = models.DateField("réalisée le", null=True, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    operation = models.ForeignKey(
        Operation, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="séance",
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["programme", "status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.status == ActionStatus.DONE and not self.done_on:
            raise ValidationError({"done_on": "Indiquez la date de réalisation."})
        if self.sector_id and self.programme_id and self.sector.programme_id != self.programme_id:
            raise ValidationError({"sector": "Ce quartier n'appartient pas au programme."})


class ReminderKind(models.TextChoices):
    BEFORE = "avant", "Avant l'échéance"
    AFTER = "apres", "Après l'échéance"


class ActionReminder(models.Model):
    """One reminder sent for an action; unique per kind so that a retried task never sends twice."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=5, choices=ReminderKind.choices)
    due_on = models.DateField(help_text="Échéance rappelée (un report d'échéance ouvre un nouveau rappel).")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rappel d'action"
        verbose_name_plural = "rappels d'action"
        constraints = [
            models.UniqueConstraint(fields=["action", "kind", "due_on"], name="action_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.action} — {self.get_kind_display()}"


class Theme(models.TextChoices):
    HABITAT = "habitat", "Habitat et logement"
    ESPACES_PUBLICS = "espaces_publics", "Espaces publics"
    MOBILITE = "mobilite", "Mobilités et stationnement"
    EQUIPEMENTS = "equipements", "Équipements et services"
    CADRE_DE_VIE = "cadre_de_vie", "Propreté et cadre de vie"
    TRANQUILLITE = "tranquillite", "Tranquillité publique"
    CHANTIERS = "chantiers", "Chantiers et nuisances"
    RELOGEMENT = "relogement", "Relogement"
    EMPLOI = "emploi", "Emploi et commerces"
    AUTRE = "autre", "Autre"


class PublicEventKind(models.TextChoices):
    REUNION_PUBLIQUE = "reunion_publique", "Réunion publique"
    ATELIER = "atelier", "Atelier"
    PERMANENCE = "permanence", "Permanence de la Maison du projet"
    BALADE = "balade", "Balade urbaine"
    EXPOSITION = "exposition", "Exposition"
    ENQUETE = "enquete", "Enquête"


class PublicEvent(models.Model):
    """A concertation event with residents."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="public_events")
    sector = models.ForeignKey(
        Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="public_events"
    )
    kind = models.CharField("type", max_length=20, choices=PublicEventKind.choices)
    title = models.CharField("intitulé", max_length=300)
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)
    held_on = models.DateField("date")
    residents = models.PositiveIntegerField("habitants présents", default=0)
    conseil_citoyen = models.PositiveIntegerField("membres du conseil citoyen", default=0)
    partners = models.PositiveIntegerField("partenaires présents", default=0)
    summary = models.TextField("synthèse", blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "temps de concertation"
        verbose_name_plural = "temps de concertation"
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def attendance(self) -> int:
        return self.residents + self.conseil_citoyen + self.partners


class FeedbackStatus(models.TextChoices):
    RECEIVED = "recue", "Reçue"
    IN_PROGRESS = "en_cours", "En cours d'examen"
    ANSWERED = "repondue", "Réponse apportée"
    CLOSED = "close", "Classée"


class Feedback(models.Model):
    """A remontée des habitants and the answer given to it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="feedbacks")
    sector = models.ForeignKey(
        Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedbacks"
    )
    event = models.ForeignKey(
        PublicEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedbacks"
    )
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)
    received_on = models.DateField("reçue le")
    text = models.TextField("remontée")
    answer = models.TextField("réponse apportée", blank=True)
    answered_on = models.DateField("répondue le", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.RECEIVED
    )
    action = models.OneToOneField(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name="action",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "remontée d'habitants"
        verbose_name_plural = "remontées d'habitants"
        ordering = ["-received_on", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.status == FeedbackStatus.ANSWERED and not self.answer.strip():
            raise ValidationError({"answer": "Indiquez la réponse apportée."})

"""PDF packs (dossiers de COPIL, de COTEC, de revue de projet): the row that tracks one generation."""

import datetime

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q

from accounts.models import INTERNAL_ROLES, Membership
from core.jobs import Job, JobKind
from projects.models import Programme, Sector


class PackKind(models.TextChoices):
    COPIL = "copil", "Dossier de COPIL"
    COTEC = "cotec", "Dossier de COTEC"
    REVUE = "revue", "Dossier de revue de projet"


class PackAudience(models.TextChoices):
    INTERNAL = "interne", "Équipe projet et direction"
    PARTNERS = "partenaires", "Partenaires (petits effectifs masqués)"


class PackStatus(models.TextChoices):
    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    READY = "prete", "Prêt"
    FAILED = "echec", "Échec"


def _internal_reach(memberships) -> Q:
    """Packs internal memberships reach: whole-programme ones reach all, sector ones their sectors' packs
    and the programme-wide packs."""
    return (
        Q(Exists(memberships.filter(sectors__isnull=True)))
        | Q(Exists(memberships.filter(sectors=OuterRef("sector"))))
        | (Q(sector__isnull=True) & Q(Exists(memberships)))
    )


def _partner_reach(memberships) -> Q:
    """Packs a partner reaches: those whose scope lies inside its sectors. A partner limited to some
    sectors does not get a programme-wide pack (it names the other sectors' operations, which answer
    404 to that partner); a partner of the whole programme gets every pack."""
    return Q(Exists(memberships.filter(sectors__isnull=True))) | Q(
        Exists(memberships.filter(sectors=OuterRef("sector")))
    )


class PackQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PackQuerySet":
        """Internal roles see every pack in their reach, drafts included; partners only the published
        packs meant for partners whose scope lies inside their sectors."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        memberships = Membership.objects.filter(user=user, is_active=True, programme=OuterRef("programme"))
        internal = memberships.filter(role__in=INTERNAL_ROLES)
        return self.filter(
            _internal_reach(internal)
            | (Q(audience=PackAudience.PARTNERS, published_at__isnull=False) & _partner_reach(memberships))
        )


def pack_upload_to(instance: "Pack", filename: str) -> str:
    return f"dossiers/{instance.programme_id}/{filename}"


@pghistory.track(
    pghistory.UpdateEvent("publication", condition=pghistory.AnyChange("published_at", "withdrawn_at")),
    fields=["published_at", "published_by", "withdrawn_at", "withdrawn_by"],
    model_name="PackPublicationEvent",
    obj_field=pghistory.ObjForeignKey(related_name="publication_events"),
)
class Pack(Job):
    """A PDF pack (dossier) built from live data by a Celery task (a background job, core/jobs.py).

    Built over several transactions so that its page sees it move: the claim commits "en cours" at once,
    and a pack a dead worker left "en cours" is failed by the sweep, not built again.

    A pack for partners is a draft until the mission team publishes it (`published_at`); withdrawing it
    makes it a draft again. Each publication and withdrawal is an event (`PackPublicationEvent`).
    """

    job = JobKind(
        task="reporting.tasks.pack_generate_task",
        task_arg="pack_id",
        sweep_task="reporting.tasks.packs_pending_sweep_task",
        give_up="reporting.services.pack_give_up",
        waiting={PackStatus.PENDING: "requested_at"},
        give_up_after=datetime.timedelta(hours=2),
        give_up_message=(
            "Le dossier n'a pas pu être généré (service de génération indisponible depuis plus de "
            "deux heures) : demandez-en un nouveau."
        ),
        running=(PackStatus.RUNNING,),
        running_stale_after=datetime.timedelta(minutes=30),
        running_stale_message="Génération interrompue (le traitement ne répond plus).",
    )

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="packs")
    kind = models.CharField("type", max_length=10, choices=PackKind.choices)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="packs",
        help_text="COPIL d'un quartier ; vide pour tout le programme.",
    )
    period_start = models.DateField("début de la période")
    period_end = models.DateField("fin de la période (date de situation)")
    audience = models.CharField(
        "destinataires", max_length=20, choices=PackAudience.choices, default=PackAudience.INTERNAL
    )
    status = models.CharField("statut", max_length=12, choices=PackStatus.choices, default=PackStatus.PENDING)
    error = models.TextField("motif de l'échec", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("durée (ms)", null=True, blank=True)
    render_ms = models.PositiveIntegerField("dont rendu PDF (ms)", null=True, blank=True)
    page_count = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    file = models.FileField("fichier", upload_to=pack_upload_to, blank=True)
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="publié par",
    )
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="retiré par",
    )

    objects = PackQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier PDF"
        verbose_name_plural = "dossiers PDF"
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        scope = self.sector.name if self.sector_id else self.programme.name
        return f"{self.get_kind_display()} — {scope} — {self.period_end:%d/%m/%Y}"

    @property
    def for_partners(self) -> bool:
        return self.audience == PackAudience.PARTNERS

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def clean(self) -> None:
        if self.period_end < self.period_start:
            raise ValidationError({"period_end": "La fin de la période précède son début."})
        if self.sector_id and self.sector.programme_id != self.programme_id:
            raise ValidationError({"sector": "Ce quartier n'appartient pas au programme."})

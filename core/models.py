import datetime

from django.conf import settings
from django.db import models

from core.jobs import Job, JobKind


class ImportStatus(models.TextChoices):
    ANALYSING = "analyse", "Analyse en cours"
    PREVIEW = "apercu", "Aperçu"
    COMMITTING = "enregistrement", "Enregistrement en cours"
    COMMITTED = "importe", "Importé"
    REJECTED = "refuse", "Refusé (erreurs)"
    CANCELLED = "annule", "Annulé"


def import_upload_to(instance: "ImportRecord", filename: str) -> str:
    return f"imports/{instance.kind}/{instance.file_hash[:2]}/{instance.file_hash}-{filename}"


class ImportRecord(Job):
    """One uploaded file: its original kept in storage, its outcome, who sent it and who confirmed it.

    The worker analyses it ("analyse en cours" → "aperçu" or "refusé") and, once confirmed, writes it
    ("enregistrement en cours" → "importé" or "refusé"): see core/import_records.py. A background job
    (core/jobs.py): the worker holds the row's lock for the whole step, which is one transaction.
    """

    # Statuses the worker has still to deal with.
    PENDING_STATUSES = (ImportStatus.ANALYSING, ImportStatus.COMMITTING)

    job = JobKind(
        task="core.tasks.import_process_task",
        task_arg="record_id",
        sweep_task="core.tasks.imports_pending_sweep_task",
        give_up="core.import_records.import_record_give_up",
        # Waiting since the upload (analysis), or since the confirmation (writing).
        waiting={ImportStatus.ANALYSING: "created_at", ImportStatus.COMMITTING: "confirmed_at"},
        give_up_after=datetime.timedelta(hours=2),  # a file that kills its worker every time
        give_up_message=(
            "Le traitement de ce fichier n'a pas pu aboutir (service de traitement indisponible ou "
            "interrompu à chaque essai) : rien n'a été écrit. Déposez-le de nouveau ; si cela se "
            "reproduit, communiquez le numéro d'import n° {pk} à l'équipe technique."
        ),
    )

    kind = models.CharField("type d'import", max_length=40)
    programme = models.ForeignKey("projects.Programme", on_delete=models.CASCADE, related_name="imports")
    file = models.FileField("fichier", upload_to=import_upload_to, max_length=300)
    filename = models.CharField("nom du fichier", max_length=255)
    file_hash = models.CharField("empreinte SHA-256", max_length=64)
    status = models.CharField("statut", max_length=20, choices=ImportStatus.choices)
    summary = models.JSONField("bilan", default=dict)
    errors = models.JSONField("erreurs", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    committed_at = models.DateTimeField("importé le", null=True, blank=True)

    class Meta:
        verbose_name = "import"
        verbose_name_plural = "imports"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class AccessAction(models.TextChoices):
    VIEW = "consultation", "Consultation"
    LIST = "liste", "Liste"
    EXPORT = "export", "Export"
    PRINT = "impression", "Impression"
    EDIT = "modification", "Modification"


class AccessEvent(models.Model):
    """One access to personal data: who, when, which record, which page, why — never the data itself.

    Kept 12 months (purged nightly)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField("le", auto_now_add=True, db_index=True)
    domain = models.CharField("domaine", max_length=20)
    action = models.CharField("action", max_length=20, choices=AccessAction.choices)
    model = models.CharField("type d'objet", max_length=60)
    object_ref = models.CharField("référence", max_length=60, blank=True)
    count = models.PositiveIntegerField("nombre d'enregistrements", default=1)
    path = models.CharField("page", max_length=300, blank=True)
    reason = models.CharField("motif", max_length=200, blank=True)

    class Meta:
        verbose_name = "accès à des données personnelles"
        verbose_name_plural = "journal des accès aux données personnelles"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.get_action_display()} {self.model} {self.object_ref}"
        )


class MappingType(models.TextChoices):
    COLUMN = "colonne", "Colonne"
    VALUE = "valeur", "Valeur"


class ImportMapping(models.Model):
    """A correspondence remembered for the imports of one kind in one programme.

    A column mapping says which field a header of the partner's file holds ("Programme / opération" →
    Opération); a value mapping says what a value of a mappable field means ("Démolition Tour Bizet" → the
    operation C0591-21-0003, "Relogé ANRU" → the status « Relogé (définitif) »). See core/import_mappings.py.
    """

    programme = models.ForeignKey(
        "projects.Programme", on_delete=models.CASCADE, related_name="import_mappings"
    )
    kind = models.CharField("type d'import", max_length=40)
    mapping_type = models.CharField("correspondance de", max_length=10, choices=MappingType.choices)
    field = models.CharField("champ", max_length=60)
    source = models.CharField("dans le fichier", max_length=300)
    source_key = models.CharField("clé de comparaison", max_length=300, editable=False)
    target = models.CharField("correspond à", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "correspondance d'import"
        verbose_name_plural = "correspondances d'import"
        ordering = ["kind", "mapping_type", "field", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "mapping_type", "field", "source_key"],
                name="import_mapping_unique_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.field} : « {self.source} » → {self.target}"

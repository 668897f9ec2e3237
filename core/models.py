from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    ANALYSING = "analysing", _("Analyse en cours")
    PREVIEW = "preview", _("Aperçu")
    COMMITTING = "committing", _("Enregistrement en cours")
    COMMITTED = "committed", _("Importé")
    REJECTED = "rejected", _("Refusé (erreurs)")
    CANCELLED = "cancelled", _("Annulé")


def import_upload_to(instance: "ImportRecord", filename: str) -> str:
    return f"imports/{instance.kind}/{instance.file_hash[:2]}/{instance.file_hash}-{filename}"


class ImportRecord(models.Model):
    """One uploaded file: its original kept in storage, its outcome, who sent it and who confirmed it.

    The worker analyses it ("analyse en cours" → "aperçu" or "refusé") and, once confirmed, writes it
    ("enregistrement en cours" → "importé" or "refusé"): see core/import_records.py.
    """

    # Statuses the worker has still to deal with.
    PENDING_STATUSES = (ImportStatus.ANALYSING, ImportStatus.COMMITTING)

    kind = models.CharField(_("type d'import"), max_length=40)
    programme = models.ForeignKey("projects.Programme", on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("fichier"), upload_to=import_upload_to, max_length=300)
    filename = models.CharField(_("nom du fichier"), max_length=255)
    file_hash = models.CharField(_("empreinte SHA-256"), max_length=64)
    status = models.CharField(_("statut"), max_length=20, choices=ImportStatus.choices)
    summary = models.JSONField(_("bilan"), default=dict)
    errors = models.JSONField(_("erreurs"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    committed_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class AccessAction(models.TextChoices):
    VIEW = "view", _("Consultation")
    LIST = "list", _("Liste")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Impression")
    EDIT = "edit", _("Modification")


class AccessEvent(models.Model):
    """One access to personal data: who, when, which record, which page, why — never the data itself.

    Kept 12 months (purged nightly)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)
    domain = models.CharField(_("domaine"), max_length=20)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    model = models.CharField(_("type d'objet"), max_length=60)
    object_ref = models.CharField(_("référence"), max_length=60, blank=True)
    count = models.PositiveIntegerField(_("nombre d'enregistrements"), default=1)
    path = models.CharField(_("page"), max_length=300, blank=True)
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("accès à des données personnelles")
        verbose_name_plural = _("journal des accès aux données personnelles")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.get_action_display()} {self.model} {self.object_ref}"
        )

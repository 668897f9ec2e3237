from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Aperçu")
    COMMITTED = "committed", _("Importé")
    REJECTED = "rejected", _("Refusé (erreurs)")
    CANCELLED = "cancelled", _("Annulé")


def import_upload_to(instance: "ImportRecord", filename: str) -> str:
    return f"imports/{instance.kind}/{instance.file_hash[:2]}/{instance.file_hash}-{filename}"


class ImportRecord(models.Model):
    """One uploaded file: its original kept in storage, its outcome, who sent it."""

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
    committed_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

"""Pack, moved from `governance` (governance 0004 renamed its table): state only, plus its content type
so that permissions and admin history follow it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import reporting.models


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="reporting", model="pack").exists():
        content_type.objects.filter(app_label="governance", model="pack").update(app_label="reporting")


def restore_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="governance", model="pack").exists():
        content_type.objects.filter(app_label="reporting", model="pack").update(app_label="governance")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0004_pack_moved_to_reporting"),
        ("projects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Pack",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("copil", "Dossier de COPIL"),
                                    ("cotec", "Dossier de COTEC"),
                                    ("revue", "Dossier de revue de projet"),
                                ],
                                max_length=10,
                                verbose_name="type",
                            ),
                        ),
                        ("period_start", models.DateField(verbose_name="début de la période")),
                        ("period_end", models.DateField(verbose_name="fin de la période (date de situation)")),
                        (
                            "audience",
                            models.CharField(
                                choices=[
                                    ("internal", "Équipe projet et direction"),
                                    ("partners", "Partenaires (petits effectifs masqués)"),
                                ],
                                default="internal",
                                max_length=10,
                                verbose_name="destinataires",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("en_attente", "En attente"),
                                    ("en_cours", "En cours"),
                                    ("prete", "Prête"),
                                    ("echec", "Échec"),
                                ],
                                default="en_attente",
                                max_length=12,
                                verbose_name="statut",
                            ),
                        ),
                        ("error", models.TextField(blank=True, verbose_name="motif de l'échec")),
                        ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="avancement (%)")),
                        ("requested_at", models.DateTimeField(auto_now_add=True, verbose_name="demandé le")),
                        ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="commencé le")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="terminé le")),
                        (
                            "duration_ms",
                            models.PositiveIntegerField(blank=True, null=True, verbose_name="durée (ms)"),
                        ),
                        (
                            "render_ms",
                            models.PositiveIntegerField(blank=True, null=True, verbose_name="dont rendu PDF (ms)"),
                        ),
                        ("page_count", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="pages")),
                        (
                            "file",
                            models.FileField(
                                blank=True, upload_to=reporting.models.pack_upload_to, verbose_name="fichier"
                            ),
                        ),
                        (
                            "programme",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="packs",
                                to="projects.programme",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "sector",
                            models.ForeignKey(
                                blank=True,
                                help_text="COPIL d'un quartier ; vide pour tout le programme.",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="packs",
                                to="projects.sector",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "dossier PDF",
                        "verbose_name_plural": "dossiers PDF",
                        "ordering": ["-requested_at", "-pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]

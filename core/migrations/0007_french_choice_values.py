# Stored choice values become French slugs (issue 8 §6): the AlterFields, then the rows rewritten both ways.

from django.db import migrations, models

RENAMES = [
    (
        "AccessEvent",
        "action",
        {"view": "consultation", "list": "liste", "print": "impression", "edit": "modification"},
    ),
    (
        "ImportRecord",
        "status",
        {
            "analysing": "analyse",
            "preview": "apercu",
            "committing": "enregistrement",
            "committed": "importe",
            "rejected": "refuse",
            "cancelled": "annule",
        },
    ),
]


def _rename(apps, *, backward):
    for model_name, field, values in RENAMES:
        model = apps.get_model("core", model_name)
        for old, new in values.items():
            source, target = (new, old) if backward else (old, new)
            model.objects.filter(**{field: source}).update(**{field: target})


def forward(apps, schema_editor):
    _rename(apps, backward=False)


def backward(apps, schema_editor):
    _rename(apps, backward=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_importrecord_job"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accessevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("consultation", "Consultation"),
                    ("liste", "Liste"),
                    ("export", "Export"),
                    ("impression", "Impression"),
                    ("modification", "Modification"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="importrecord",
            name="status",
            field=models.CharField(
                choices=[
                    ("analyse", "Analyse en cours"),
                    ("apercu", "Aperçu"),
                    ("enregistrement", "Enregistrement en cours"),
                    ("importe", "Importé"),
                    ("refuse", "Refusé (erreurs)"),
                    ("annule", "Annulé"),
                ],
                max_length=20,
                verbose_name="statut",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]

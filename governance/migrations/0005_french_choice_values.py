# Stored choice values become French slugs (issue 8 §6): the AlterFields, then the rows rewritten both ways.

from django.db import migrations, models

RENAMES = [
    ("Body", "kind", {"other": "autre"}),
]


def _rename(apps, *, backward):
    for model_name, field, values in RENAMES:
        model = apps.get_model("governance", model_name)
        for old, new in values.items():
            source, target = (new, old) if backward else (old, new)
            model.objects.filter(**{field: source}).update(**{field: target})


def forward(apps, schema_editor):
    _rename(apps, backward=False)


def backward(apps, schema_editor):
    _rename(apps, backward=True)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_pack_moved_to_reporting"),
    ]

    operations = [
        migrations.AlterField(
            model_name="body",
            name="kind",
            field=models.CharField(
                choices=[
                    ("copil", "COPIL — comité de pilotage"),
                    ("cotec", "COTEC — comité technique"),
                    ("cte", "CTE — coordination technique élargie"),
                    ("revue_projet", "Revue de projet"),
                    ("point_etape", "Point d'étape"),
                    ("gtr", "Groupe technique relogement"),
                    ("insertion", "Comité de la clause d'insertion"),
                    ("participation", "Comité de suivi de la participation citoyenne"),
                    ("gusp_strategique", "Comité GUSP stratégique"),
                    ("gusp_technique", "Comité GUSP technique"),
                    ("partenaires", "Comité des partenaires"),
                    ("autre", "Autre instance"),
                ],
                max_length=30,
                verbose_name="type",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]

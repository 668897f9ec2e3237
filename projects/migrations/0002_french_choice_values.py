# Stored choice values become French slugs (issue 8 §6): the AlterFields, then the rows rewritten both ways.

from django.db import migrations, models

RENAMES = [
    ("Convention", "kind", {"other": "autre"}),
    (
        "Document",
        "confidentiality",
        {"partners": "partenaires", "internal": "interne", "restricted": "restreint"},
    ),
]


def _rename(apps, *, backward):
    for model_name, field, values in RENAMES:
        model = apps.get_model("projects", model_name)
        for old, new in values.items():
            source, target = (new, old) if backward else (old, new)
            model.objects.filter(**{field: source}).update(**{field: target})


def forward(apps, schema_editor):
    _rename(apps, backward=False)


def backward(apps, schema_editor):
    _rename(apps, backward=True)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="convention",
            name="kind",
            field=models.CharField(
                choices=[
                    ("protocole", "Protocole de préfiguration"),
                    ("convention", "Convention pluriannuelle"),
                    ("pia", "PIA — Ville durable et solidaire"),
                    ("autre", "Autre"),
                ],
                max_length=20,
                verbose_name="type",
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="confidentiality",
            field=models.CharField(
                choices=[
                    ("public", "Public"),
                    ("partenaires", "Partenaires"),
                    ("interne", "Interne à l'équipe projet et à la direction"),
                    ("restreint", "Restreint à l'équipe projet"),
                ],
                default="interne",
                max_length=20,
                verbose_name="confidentialité",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]

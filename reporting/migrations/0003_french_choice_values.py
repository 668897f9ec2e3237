# Stored choice values become French slugs (issue 8 §6): the AlterFields, then the rows rewritten both ways.

from django.db import migrations, models

RENAMES = [
    ("Pack", "audience", {"internal": "interne", "partners": "partenaires"}),
]


def _rename(apps, *, backward):
    for model_name, field, values in RENAMES:
        model = apps.get_model("reporting", model_name)
        for old, new in values.items():
            source, target = (new, old) if backward else (old, new)
            model.objects.filter(**{field: source}).update(**{field: target})


def forward(apps, schema_editor):
    _rename(apps, backward=False)


def backward(apps, schema_editor):
    _rename(apps, backward=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_pack_job"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pack",
            name="audience",
            field=models.CharField(
                choices=[
                    ("interne", "Équipe projet et direction"),
                    ("partenaires", "Partenaires (petits effectifs masqués)"),
                ],
                default="interne",
                max_length=20,
                verbose_name="destinataires",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]

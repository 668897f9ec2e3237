# Stored choice values become French slugs (issue 8 §6): the AlterFields, then the rows rewritten both ways.

from django.db import migrations, models

RENAMES = [
    ("Membership", "role", {"partner": "partenaire"}),
    ("Membership", "referent_domain", {"governance": "gouvernance"}),
]


def _rename(apps, *, backward):
    for model_name, field, values in RENAMES:
        model = apps.get_model("accounts", model_name)
        for old, new in values.items():
            source, target = (new, old) if backward else (old, new)
            model.objects.filter(**{field: source}).update(**{field: target})


def forward(apps, schema_editor):
    _rename(apps, backward=False)


def backward(apps, schema_editor):
    _rename(apps, backward=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_membership_personal_data_domains"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="referent_domain",
            field=models.CharField(
                blank=True,
                choices=[
                    ("gouvernance", "Gouvernance"),
                    ("relogement", "Relogement"),
                    ("insertion", "Insertion"),
                    ("evaluation", "Évaluation"),
                    ("gusp", "GUSP"),
                ],
                max_length=20,
                verbose_name="domaine du référent",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("admin", "Administrateur du programme"),
                    ("mission", "Équipe projet"),
                    ("referent", "Référent thématique"),
                    ("direction", "Direction"),
                    ("partenaire", "Partenaire"),
                ],
                max_length=20,
                verbose_name="rôle",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]

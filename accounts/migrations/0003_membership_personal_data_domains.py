"""Personal-data grants: one boolean column per domain becomes a set of registered domains.

The relogement grants carry over. The insertion column granted nothing (there is no insertion app
yet): an insertion grant is given knowingly once that domain registers, so it is not carried over.
"""

import django.contrib.postgres.fields
from django.db import migrations, models

import core.personal_data


def booleans_to_domains(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    Membership.objects.filter(personal_data_relogement=True).update(personal_data_domains=["relogement"])


def domains_to_booleans(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    Membership.objects.filter(personal_data_domains__contains=["relogement"]).update(
        personal_data_relogement=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="personal_data_domains",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=30, validators=[core.personal_data.validate_domain]),
                blank=True,
                default=list,
                help_text="Domaines dont la personne peut consulter les données personnelles (double "
                "authentification obligatoire, chaque accès est journalisé).",
                size=None,
                verbose_name="habilitations aux données personnelles",
            ),
        ),
        migrations.RunPython(booleans_to_domains, domains_to_booleans),
        migrations.RemoveField(
            model_name="membership",
            name="personal_data_insertion",
        ),
        migrations.RemoveField(
            model_name="membership",
            name="personal_data_relogement",
        ),
    ]

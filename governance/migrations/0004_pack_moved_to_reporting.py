"""Packs moved to the `reporting` app: the table is renamed, its rows kept (reporting 0001 takes the
model over in Django's state)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0003_pack_requested_by_blank"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name="pack", table="reporting_pack")],
            state_operations=[migrations.DeleteModel(name="pack")],
        ),
    ]

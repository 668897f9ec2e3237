"""A trigram index on the reports' searched text (gusp.filters.searched_text: number, description and
address, lower case, accents removed), so that the list's search does not read every report.

Only where the pg_trgm extension can be had (it is absent from the pgserver fallback, like unaccent): the
search works without it, reading the table."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models import F, Func, TextField
from django.db.models.functions import Cast

from core.search import Fold

NAME = "gusp_report_search_trgm"


class Joined(Func):
    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()


def index():
    text = Fold(Joined(*(Cast(F(name), TextField()) for name in ("reference", "description", "address"))))
    return GinIndex(OpClass(text, name="gin_trgm_ops"), name=NAME)


def trigram_available(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            return True
        cursor.execute("SAVEPOINT gusp_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # not allowed to create it: no index, the search reads the table
            cursor.execute("ROLLBACK TO SAVEPOINT gusp_trgm")
            return False
        cursor.execute("RELEASE SAVEPOINT gusp_trgm")
        return True


def add_index(apps, schema_editor):
    if trigram_available(schema_editor):
        schema_editor.add_index(apps.get_model("gusp", "Report"), index())


def remove_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(NAME)}")


class Migration(migrations.Migration):
    dependencies = [("gusp", "0003_weekly_digest")]

    operations = [migrations.RunPython(add_index, remove_index)]

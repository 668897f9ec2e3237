"""The national-scale bench data set: the metropolitan demo programme copied nine more times into itself
(10× sectors, operations, funding lines, milestones, relogement plans, households, offers and
rehousings: ~3,000 operations and ~20,000 households), in bulk SQL (`INSERT … SELECT … CROSS JOIN
generate_series`), in seconds. Not demo data: only `make bench` builds it.

Copy k of a row is told from its original by a suffix: sector slug `<slug>-k` (its name `<name> k`, its
perimeter shifted east), operation identifier `<identifier>-k`, household reference `<reference>-k`;
the copies' foreign keys follow these names. Running it twice changes nothing.

    python scripts/bench_national.py            # on a database seeded with seed_demo --scale metro
"""

import copy
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from projects.models import FundingLine, Milestone, Operation, Programme, Sector  # noqa: E402
from relogement.models import Household, Offer, Rehousing, RelogementPlan  # noqa: E402

PROGRAMME = "npru-metro"
FACTOR = 10
SHIFT_DEGREES = 0.08  # each copy of a sector drawn this far east of the previous one


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_rows(model, *, overrides: dict[str, str], joins: str, where: str, params: list) -> int:
    """INSERT a copy k (1 … FACTOR − 1) of each row of `model` matched by `where` (alias t)."""
    columns = [field.column for field in model._meta.concrete_fields if not field.primary_key]
    values = [overrides.get(column, f"t.{_quoted(column)}") for column in columns]
    sql = (
        f"INSERT INTO {_quoted(model._meta.db_table)} ({', '.join(_quoted(c) for c in columns)}) "
        f"SELECT {', '.join(values)} FROM {_quoted(model._meta.db_table)} t "
        f"CROSS JOIN generate_series(1, {FACTOR - 1}) AS k {joins} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _shifted(perimeter, offset: float):
    def move(value):
        if isinstance(value, list) and value and isinstance(value[0], int | float):
            return [value[0] + offset, *value[1:]]
        if isinstance(value, list):
            return [move(item) for item in value]
        if isinstance(value, dict):
            return {
                key: (move(item) if key == "coordinates" else _shifted(item, offset))
                for key, item in value.items()
            }
        return value

    return move(copy.deepcopy(perimeter)) if perimeter else perimeter


OPERATION_OF_COPY = (
    "JOIN projects_operation o ON o.id = t.{column} "
    "JOIN projects_operation c ON c.programme_id = o.programme_id AND c.identifier = o.identifier || '-' || k"
)
HOUSEHOLD_OF_COPY = (
    "JOIN relogement_household h ON h.id = t.household_id "
    "JOIN relogement_household c ON c.reference = h.reference || '-' || k"
)


@transaction.atomic
def scale_national(slug: str = PROGRAMME) -> dict[str, int]:
    programme = Programme.objects.get(slug=slug)
    if Sector.objects.filter(programme=programme, slug__endswith="-1").exists():
        return {}
    originals = list(Sector.objects.filter(programme=programme).order_by("pk"))
    copied = ("slug", "name", "perimeter")
    copies = Sector.objects.bulk_create(
        [
            Sector(
                **{
                    field.attname: getattr(sector, field.attname)
                    for field in Sector._meta.concrete_fields
                    if not field.primary_key and field.attname not in copied
                },
                slug=f"{sector.slug}-{k}",
                name=f"{sector.name} {k}",
                perimeter=_shifted(sector.perimeter, SHIFT_DEGREES * k),
            )
            for k in range(1, FACTOR)
            for sector in originals
        ]
    )
    counts = {"quartiers": len(copies)}
    last_operation = (
        Operation.objects.filter(programme=programme).order_by("-pk").values_list("pk", flat=True)[0]
    )
    counts["opérations"] = _copy_rows(
        Operation,
        overrides={
            "identifier": "t.identifier || '-' || k",
            "sector_id": "c.id",
        },
        joins="LEFT JOIN projects_sector s ON s.id = t.sector_id "
        "LEFT JOIN projects_sector c ON c.programme_id = s.programme_id AND c.slug = s.slug || '-' || k",
        where="t.programme_id = %s AND t.id <= %s",
        params=[programme.pk, last_operation],
    )
    for model, label in (
        (FundingLine, "lignes de financement"),
        (Milestone, "jalons"),
        (RelogementPlan, "plans"),
    ):
        counts[label] = _copy_rows(
            model,
            overrides={"operation_id": "c.id"},
            joins=OPERATION_OF_COPY.format(column="operation_id"),
            where="o.programme_id = %s AND o.id <= %s",
            params=[programme.pk, last_operation],
        )
    last_household = Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    counts["ménages"] = _copy_rows(
        Household,
        overrides={
            "reference": "t.reference || '-' || k",
            "landlord_reference": "t.landlord_reference || '-' || k",
            "origin_operation_id": "c.id",
        },
        joins=OPERATION_OF_COPY.format(column="origin_operation_id"),
        where="t.programme_id = %s AND t.id <= %s",
        params=[programme.pk, last_household],
    )
    for model, label in ((Offer, "propositions"), (Rehousing, "relogements")):
        counts[label] = _copy_rows(
            model,
            overrides={"household_id": "c.id"},
            joins=HOUSEHOLD_OF_COPY,
            where="h.programme_id = %s AND h.id <= %s",
            params=[programme.pk, last_household],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def main() -> None:
    started = time.perf_counter()
    counts = scale_national()
    seconds = time.perf_counter() - started
    if not counts:
        print("Jeu national déjà construit.")
        return
    built = ", ".join(f"{number} {label}" for label, number in counts.items())
    print(f"Jeu national : {built} ajoutés en {seconds:.1f} s")


if __name__ == "__main__":
    main()

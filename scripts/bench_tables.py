"""Per-row rendering cost of the list tables, not a test (`make bench` prints it).

Rows are fetched once (no SQL in the timing); each table is rendered at two page sizes and the
per-row cost is the slope between them: (time(100 rows) − time(10 rows)) / 90, median of N runs.

    python scripts/bench_tables.py [--no-seed]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django_tables2 import RequestConfig  # noqa: E402

from accounts.models import User  # noqa: E402
from projects.models import Operation, Programme  # noqa: E402
from projects.tables import OperationTable  # noqa: E402
from relogement.models import Household  # noqa: E402
from relogement.tables import HouseholdTable  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def render_ms(table_class, rows: list, request, template: str) -> float:
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        table = table_class(rows)
        RequestConfig(request, paginate={"per_page": len(rows)}).configure(table)
        render_to_string(template, {"table": table, "count": len(rows)}, request=request)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    if not args.no_seed:
        call_command("seed_demo", scale="metro", verbosity=0)
    programme = Programme.objects.get(slug="npru-metro")
    request = RequestFactory().get("/")
    request.user = User.objects.get(email="mission@metro.npru.fr")
    request.programme = programme
    operations = list(Operation.objects.filter(programme=programme).with_list_data().order_by("pk")[:100])
    households = list(
        Household.objects.filter(programme=programme)
        .select_related("origin_operation__sector", "origin_landlord")
        .order_by("pk")[:100]
    )
    for household in households:
        household.offer_count = 0
    cases = [
        ("Opérations", OperationTable, operations, "projects/includes/operation_table.html"),
        ("Ménages", HouseholdTable, households, "relogement/includes/household_table.html"),
    ]
    print("| Tableau | 10 lignes (ms) | 100 lignes (ms) | par ligne (ms) |")
    print("|---|--:|--:|--:|")
    for label, table_class, rows, template in cases:
        small = render_ms(table_class, rows[:10], request, template)
        large = render_ms(table_class, rows, request, template)
        print(f"| {label} | {small:.1f} | {large:.1f} | {(large - small) / 90:.3f} |")


if __name__ == "__main__":
    main()

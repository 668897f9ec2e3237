"""Relogement timings, not a test: the landlord workbook import at 10,000 households and the
relogement dashboard on the metropolitan data set (seed_demo --scale metro).

Import: generates a workbook shaped like shared/samples/relogement_bailleur.xlsx, then measures
openpyxl's own read-only pass over it (the floor), the preview (validation only) and the commit
(all writes, in one transaction rolled back at the end so the bench can be re-run); peak Python memory
(tracemalloc) comes from separate runs, since tracing slows the code down. Dashboard: median of 15 GETs,
and its ratio to /healthz in the same run.

    python scripts/bench_relogement.py [--rows 10000] [--no-seed]
"""

import argparse
import io
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.middleware import SESSION_KEY  # noqa: E402
from accounts.models import User  # noqa: E402
from core.imports import get_spec, import_run  # noqa: E402
from projects.models import Family, Operation, Programme  # noqa: E402

PROGRAMME = "npru-metro"
HEADER = [
    "N° ménage", "Bailleur d'origine", "Opération", "Typologie origine", "Nb adultes", "Nb enfants",
    "Âge titulaire", "Revenus mensuels", "Loyer origine (€)", "Charges origine (€)", "APL origine (€)",
    "Date diagnostic social", "Statut",
]  # fmt: skip


def workbook(rows: int, operations: list[Operation]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Suivi")
    sheet.append(["Suivi du relogement — extraction de charge"])
    sheet.append([])
    sheet.append(HEADER)
    for index in range(rows):
        operation = operations[index % len(operations)]
        sheet.append([
            f"BENCH-{index:05d}", "Bailleur de charge", operation.identifier, f"T{2 + index % 4}",
            1 + index % 2, index % 4, "30 à 44 ans", "601 - 1000 €", 350 + index % 200, 90, index % 150,
            "03/02/2025", "À enquêter",
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def openpyxl_floor(data: bytes) -> float:
    def read():
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for _ in book.active.iter_rows(values_only=True):
            pass

    return timed(read)[1]


class _Rollback(Exception):
    pass


def peak_memory(function) -> int:
    """Peak Python memory of a call, traced in a run of its own (tracing slows it down)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def rolled_back(function):
    """Run a writing call in a transaction rolled back afterwards, so that the bench can run again."""

    def run():
        outcome = {}
        try:
            with transaction.atomic():
                outcome["result"] = function()
                raise _Rollback
        except _Rollback:
            return outcome["result"]

    return run


def bench_import(rows: int) -> None:
    programme = Programme.objects.get(slug=PROGRAMME)
    operations = list(Operation.objects.filter(programme=programme, family=Family.DEMOLITION)[:10])
    data = workbook(rows, operations)
    spec = get_spec("relogement")
    floor = min(openpyxl_floor(data) for _ in range(3))

    def preview():
        return import_run(spec_class=spec, data=data, filename="b.xlsx", programme=programme)

    commit = rolled_back(
        lambda: import_run(spec_class=spec, data=data, filename="b.xlsx", programme=programme, commit=True)
    )
    result, preview_s = timed(preview)
    assert not result.errors, result.errors[:3]
    result, commit_s = timed(commit)
    assert result.committed
    assert result.counts["create"] == rows
    print(f"\nImport relogement : {rows} ménages, classeur de {len(data) / 1e6:.1f} Mo\n")
    print("| Étape | durée (s) | ratio à la lecture openpyxl | pic mémoire Python (Mo) |")
    print("|---|--:|--:|--:|")
    print(f"| Lecture openpyxl seule (plancher) | {floor:.2f} | 1,0 | — |")
    for label, seconds, peak in (
        ("Aperçu (lecture + validation)", preview_s, peak_memory(preview)),
        ("Import (validation + écriture)", commit_s, peak_memory(commit)),
    ):
        print(f"| {label} | {seconds:.2f} | {seconds / floor:.1f} | {peak / 1e6:.0f} |")


def bench_dashboard(repeat: int = 15) -> None:
    programme = Programme.objects.get(slug=PROGRAMME)
    client = Client()
    client.force_login(User.objects.get(email="mission@metro.npru.fr"))
    session = client.session
    session[SESSION_KEY] = programme.pk
    session.save()

    def median(url: str) -> float:
        client.get(url)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    floor = median(reverse("healthz"))
    dashboard = median(reverse("relogement:dashboard"))
    households = programme.households.count()
    print(f"Tableau de bord relogement ({households} ménages) : médiane {dashboard:.1f} ms, "
          f"plancher /healthz {floor:.1f} ms, ratio {dashboard / floor:.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    if not args.no_seed:
        call_command("seed_demo", scale="metro", verbosity=0)
    # The dashboard first: the import's rolled-back rows leave dead tuples behind until autovacuum.
    bench_dashboard()
    bench_import(args.rows)


if __name__ == "__main__":
    main()

"""Insertion import timings, not a test: the clause facilitator's export at 50,000 work contracts.

Generates a file shaped like shared/samples/insertion_facilitateur.csv (same columns, decimal commas,
dd/mm/yyyy, multi-valued « Public », participants with several contracts, markets named on several rows,
operation labels the programme knows and some it does not), deterministic for a given size, as an xlsx
workbook and as a `;` CSV in UTF-8 with a BOM. For each format it measures, in the same run, the plain read
of the file (openpyxl read-only pass over every row, or csv.reader over the decoded text: the floor) and
the full import (read, validation, bulk writes, in one transaction rolled back at the end so the bench can
be re-run), then prints the medians and the ratio import / read. Target for the xlsx: ratio ≤ 2.5. The
CSV floor is a C parser over text in memory (a few hundred milliseconds): its ratio says what the
validation and the writes cost, not a target.

    python scripts/bench_insertion_import.py [--rows 50000] [--runs 3] [--programme npru-metro]
        [--formats xlsx,csv] [--no-seed]
"""

import argparse
import csv
import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from core.imports import decode_text, get_spec, import_run  # noqa: E402
from projects.models import Operation, Programme  # noqa: E402

HEADER = [
    "ID contrat", "ID dossier", "Sexe", "Âge", "Niveau de qualification", "Commune de résidence",
    "Habitant QPV", "Code QPV", "Public", "Prescripteur", "Type de contrat", "Modalité", "Code ROME",
    "Employeur", "Entreprise utilisatrice", "Opération", "Programme", "Marché", "Lot", "Maître d'ouvrage",
    "ANRU", "Date de début", "Date de fin", "Heures travaillées", "Heures de formation", "Motif de fin",
]  # fmt: skip
QUALIFICATIONS = ["Infra 3", "Niveau 3 (CAP/BEP)", "Niveau 4 (Bac)", "Niveau 5 (Bac+2)"]
COMMUNES = ["Lille", "Roubaix", "Lomme", "Hellemmes", "Villeneuve-d'Ascq", "Mons-en-Barœul"]
QPV_CODES = ["QP059062", "QP059068", "QP059074", ""]
PUBLICS = ["DELD", "RSA", "Jeune -26 ans", "Senior +50 ans", "RQTH", "SIAE"]
PRESCRIBERS = ["France Travail", "Mission locale", "PLIE", "Cap emploi"]
CONTRACT_TYPES = ["CDI", "CDD", "Intérim", "Apprentissage", "Contrat de professionnalisation"]
MODALITIES = ["Embauche directe", "ETTI", "AI", "EI", "GEIQ"]
JOBS = ["F1703", "F1701", "F1602", "K2204"]
COMPANIES = [f"Entreprise de charge {number:02d}" for number in range(40)]
MOA_KINDS = ("bailleur", "ville", "epci", "amenageur")
NEW_MOA = "Maître d'ouvrage de charge"  # unknown: created by the import
UNKNOWN_LABELS = ["Groupe scolaire Concorde", "Aménagement Parc central"]  # left « à rattacher »
END_REASONS = ["Fin de contrat", "Embauche CDI", "Abandon", "Formation qualifiante", ""]
CONTRACTS_PER_PARTICIPANT = 2.5
CONTRACTS_PER_MARKET = 80


def export_rows(count: int, labels: list[str], moas: list[str]) -> list[list]:
    """`count` contracts as the facilitator's export gives them (the same rows for the same count)."""
    rng = random.Random(f"insertion-bench-{count}")
    participants = max(int(count / CONTRACTS_PER_PARTICIPANT), 1)
    markets = [
        (f"B-{2021 + index % 4}-{index:04d}", rng.choice([*labels, *UNKNOWN_LABELS]), rng.choice(moas))
        for index in range(max(count // CONTRACTS_PER_MARKET, 1))
    ]
    profiles = [
        (
            rng.choice("HF"),
            rng.randint(17, 62),
            rng.choice(QUALIFICATIONS),
            rng.choice(COMMUNES),
            rng.random() < 0.8,
            ", ".join(rng.sample(PUBLICS, rng.choice((1, 1, 2)))),
            rng.choice(PRESCRIBERS),
        )
        for _ in range(participants)
    ]
    rows = []
    for index in range(count):
        participant = index % participants
        sex, age, qualification, commune, resident, publics, prescriber = profiles[participant]
        number, label, moa = markets[rng.randrange(len(markets))]
        start = datetime.date(2021, 1, 4) + datetime.timedelta(days=rng.randrange(1600))
        end = start + datetime.timedelta(days=rng.randrange(20, 400))
        rows.append([
            f"C{index + 1:06d}", f"D{participant + 1:06d}", sex, age + index // participants, qualification,
            commune, "Oui" if resident else "Non", rng.choice(QPV_CODES) if resident else "", publics,
            prescriber, rng.choice(CONTRACT_TYPES), rng.choice(MODALITIES), rng.choice(JOBS),
            rng.choice(COMPANIES), rng.choice(COMPANIES), label, "NPRU Lille", number,
            f"Lot {1 + rng.randrange(12)}", moa, "Oui" if rng.random() < 0.8 else "Non", f"{start:%d/%m/%Y}",
            f"{end:%d/%m/%Y}", f"{rng.randrange(40, 1600)},{rng.choice('05')}", rng.choice(("0", "35", "70")),
            rng.choice(END_REASONS),
        ])  # fmt: skip
    return rows


def xlsx_file(rows: list[list]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Contrats")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def read_xlsx(data: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for _row in book.active.iter_rows(values_only=True):
        pass
    book.close()


def read_csv(data: bytes) -> None:
    for _row in csv.reader(io.StringIO(decode_text(data), newline=""), delimiter=";"):
        pass


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


class _Rollback(Exception):
    pass


def rolled_back(function):
    """Run a writing call in a transaction rolled back afterwards, so that the bench can run again. The
    foreign keys are checked as each row is written (they are deferred to the commit otherwise, and a
    rolled-back transaction never commits: their cost would be left out)."""

    def run():
        outcome = {}
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                outcome["result"] = function()
                raise _Rollback
        except _Rollback:
            return outcome["result"]

    return run


def bench_format(name: str, data: bytes, floor_read, programme: Programme, rows: int, runs: int) -> dict:
    spec = get_spec("insertion")
    filename = f"export.{name}"
    outcome = {}

    def full_import():
        result = import_run(spec_class=spec, data=data, filename=filename, programme=programme, commit=True)
        assert result.committed, result.errors[:3]
        assert result.counts["create"] == rows, result.counts
        outcome["warnings"] = len(result.warnings)
        return result

    floors, imports = [], []
    for _run in range(runs):  # alternated, so that a busy moment of the machine weighs on both
        floors.append(timed(lambda: floor_read(data)))
        imports.append(timed(rolled_back(full_import)))
    floor, total = statistics.median(floors), statistics.median(imports)
    return {
        "format": name,
        "size": len(data) / 1e6,
        "floor": floor,
        "import": total,
        "ratio": total / floor,
        "warnings": outcome["warnings"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--programme", default="npru-metro")
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    if not args.no_seed:
        call_command("seed_demo", scale="metro", verbosity=0)
    programme = Programme.objects.get(slug=args.programme)
    operations = Operation.objects.filter(programme=programme).order_by("pk")
    labels = list(operations.values_list("label", flat=True)[:40])
    partners = programme.organisations.filter(kind__in=MOA_KINDS).order_by("pk")
    moas = [*partners.values_list("name", flat=True)[:8], NEW_MOA]
    rows = export_rows(args.rows, labels, moas)
    formats = {"xlsx": (xlsx_file, read_xlsx), "csv": (csv_file, read_csv)}
    results = []
    for name in args.formats.split(","):
        build, floor_read = formats[name]
        results.append(bench_format(name, build(rows), floor_read, programme, args.rows, args.runs))
    print(f"\nImport insertion : {args.rows} contrats, programme {programme.slug}, médiane de {args.runs}\n")
    print("| Fichier | taille (Mo) | lecture seule (s) | import complet (s) | ratio | points d'attention |")
    print("|---|--:|--:|--:|--:|--:|")
    for result in results:
        floor = "openpyxl" if result["format"] == "xlsx" else "csv.reader"
        print(
            f"| {result['format']} ({floor}) | {result['size']:.1f} | {result['floor']:.2f} | "
            f"{result['import']:.2f} | {result['ratio']:.2f} | {result['warnings']} |"
        )
    xlsx = next((result for result in results if result["format"] == "xlsx"), None)
    if xlsx is not None:
        verdict = "atteint" if xlsx["ratio"] <= 2.5 else "NON ATTEINT"
        print(f"\nObjectif xlsx ≤ 2,5 × la lecture openpyxl : {verdict} ({xlsx['ratio']:.2f}).")


if __name__ == "__main__":
    main()

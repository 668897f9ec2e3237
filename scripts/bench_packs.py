"""PDF pack timings on the metropolitan data set (seed_demo --scale metro), not a test.

For a COPIL of one sector and a revue de projet of the programme, three generations each: the total
time of `pack_generate` (sections, charts, HTML, WeasyPrint, storage), WeasyPrint's own time to render
the same HTML, their ratio, and the page count. Medians are printed; the first run of each kind also
warms the chart cache, as the first pack of the day does in production.

    python scripts/bench_packs.py [--no-seed] [--runs 3]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.pdf import render_pdf  # noqa: E402
from projects.models import Programme  # noqa: E402
from reporting import services as packs  # noqa: E402
from reporting.kinds import default_period  # noqa: E402
from reporting.models import Pack, PackAudience, PackKind, PackStatus  # noqa: E402

logging.getLogger("weasyprint").setLevel(logging.ERROR)
PROGRAMME = "npru-metro"


def one_run(*, programme, kind, sector) -> dict:
    situation = timezone.localdate()
    start, end = default_period(kind, situation)
    pack = packs.pack_create(
        programme=programme,
        kind=kind,
        sector=sector,
        period_start=start,
        period_end=end,
        audience=PackAudience.INTERNAL,
    )
    started = time.perf_counter()
    pack = packs.pack_generate(pack=pack)
    total_ms = (time.perf_counter() - started) * 1000
    if pack.status != PackStatus.READY:
        raise SystemExit(f"Échec de la génération : {pack.error}")
    html = packs.pack_html(packs.pack_scope(pack))
    render_ms = render_pdf(html).render_ms
    return {
        "total": total_ms,
        "inside": pack.render_ms,
        "render": render_ms,
        "pages": pack.page_count,
        "pack": pack,
    }


def bench(label: str, runs: int, **scope) -> list:
    results = [one_run(**scope) for _ in range(runs)]
    total, inside, render = (
        statistics.median(r[key] for r in results) for key in ("total", "inside", "render")
    )
    cells = [
        label,
        f"{results[-1]['pages']:>5}",
        f"{total / 1000:>9.2f}",
        f"{inside / 1000:>13.2f}",
        f"{render / 1000:>10.2f}",
        f"{total / render:>5.2f}",
        f"{results[0]['total'] / 1000:>13.2f}",
    ]
    print("| " + " | ".join(cells) + " |")
    return [r["pack"] for r in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-seed", action="store_true", help="ne pas relancer seed_demo --scale metro")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.no_seed:
        call_command("seed_demo", scale="metro", verbosity=0)
    programme = Programme.objects.get(slug=PROGRAMME)
    sector = programme.sectors.order_by("order", "pk").first()
    operations = programme.operations.count()
    print(
        f"Jeu de charge : {programme.name} — {operations} opérations ; médianes de {args.runs} générations\n"
    )
    print("| Dossier | pages | total (s) | dont rendu (s) | rendu seul (s) | ratio | 1er essai (s) |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    scopes = [
        (f"COPIL du quartier {sector.name}", {"kind": PackKind.COPIL, "sector": sector}),
        ("Revue de projet (programme)", {"kind": PackKind.REVUE, "sector": None}),
    ]
    created = []
    for label, scope in scopes:
        created += bench(label, args.runs, programme=programme, **scope)
    with mock.patch("core.charts.cache.get", return_value=None):  # every chart drawn again by vl-convert
        for label, scope in scopes:
            created += bench(f"{label}, graphiques hors cache", 1, programme=programme, **scope)
    print(
        "\ntotal : pack_generate (sections, graphiques, HTML, WeasyPrint, enregistrement) ; dont rendu : "
        "WeasyPrint pendant la génération ; rendu seul : WeasyPrint sur le même HTML, mesuré à part ; "
        "ratio : total / rendu seul."
    )
    for pack in Pack.objects.filter(pk__in=[pack.pk for pack in created]):
        pack.file.delete(save=False)
        pack.delete()


if __name__ == "__main__":
    main()

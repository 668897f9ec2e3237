"""`make bench`: page and export timings on the metropolitan data set (seed_demo --scale metro) or the
national one (`--scale national`: the metropolitan set copied to 10×, scripts/bench_national.py).

Prints medians, the size of each page and the ratio of each median to a floor measured in the same run
(/healthz without Celery, the cheapest request through every middleware), so that figures from
different machines compare.

    python scripts/bench.py [--scale metro|national] [--no-seed]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from accounts.middleware import SESSION_KEY  # noqa: E402
from accounts.models import User  # noqa: E402
from governance.models import Meeting  # noqa: E402
from projects.models import Operation, Programme  # noqa: E402
from relogement.models import Household  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def median_ms(client: Client, url: str, **params) -> tuple[float, int]:
    first = client.get(url, params)  # warm caches (templates, charts)
    size = len(b"".join(first.streaming_content) if first.streaming else first.content)
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), size


def _optional(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["metro", "national"], default="metro")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    if not args.no_seed:
        call_command("seed_demo", scale="metro", verbosity=0)
    if args.scale == "national":
        from bench_national import scale_national

        scale_national()
    programme = Programme.objects.get(slug="npru-metro")
    user = User.objects.get(email="mission@metro.npru.fr")
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = programme.pk
    session.save()
    operation = Operation.objects.filter(programme=programme, sector__isnull=False).order_by("pk").first()
    sector = operation.sector
    meeting = (
        Meeting.objects.filter(body__programme=programme, agenda_items__isnull=False)
        .order_by("-starts_at", "pk")
        .first()
    )
    cases = [
        ("Plancher : /healthz", reverse("healthz"), {}),
        ("Tableau de bord", reverse("projects:dashboard"), {}),
        ("Liste des quartiers", reverse("projects:sector_list"), {}),
        ("Fiche quartier", reverse("projects:sector_detail", args=[sector.slug]), {}),
        ("Liste des opérations (page 1)", reverse("projects:operation_list"), {}),
        (
            "Liste filtrée et triée",
            reverse("projects:operation_list"),
            {"status": "travaux", "sort": "-cost_excl_tax"},
        ),
        ("Fiche opération", reverse("projects:operation_detail", args=[operation.pk]), {}),
        ("Historique opération", reverse("projects:operation_history", args=[operation.pk]), {}),
        ("Export xlsx des opérations", reverse("projects:operation_export"), {}),
        ("Séance (éditeur)", reverse("governance:meeting_detail", args=[meeting.pk]), {}),
        ("Relogement : tableau de bord", reverse("relogement:dashboard"), {}),
        ("Relogement : détail par opération", _optional("relogement:dashboard_operations"), {}),
        ("Périmètres des quartiers (GeoJSON)", _optional("projects:sectors_geojson"), {}),
    ]
    cases = [case for case in cases if case[1]]
    operations = Operation.objects.filter(programme=programme).count()
    households = Household.objects.filter(programme=programme).count()
    print(
        f"Jeu de charge {args.scale} : {programme.name} — {operations} opérations, {households} ménages, "
        f"{REPEAT} mesures par page\n"
    )
    floor = None
    print(f"| {'Page':<36} | médiane (ms) | ratio au plancher | taille (Ko) |")
    print(f"|{'-' * 38}|-------------:|------------------:|------------:|")
    for label, url, params in cases:
        value, size = median_ms(client, url, **params)
        floor = floor or value
        print(f"| {label:<36} | {value:12.1f} | {value / floor:17.1f} | {size / 1000:11.0f} |")


if __name__ == "__main__":
    main()

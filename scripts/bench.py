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
from insertion.models import Market, WorkContract  # noqa: E402
from insertion.selectors import figures_cache_bump  # noqa: E402
from projects.models import Operation, Programme  # noqa: E402
from relogement.models import Household  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def median_ms(client: Client, url: str, before=None, **params) -> tuple[float, int]:
    """Median of REPEAT requests after a warm-up; `before` runs ahead of each (outside the timing), to
    empty a cache for instance."""
    first = client.get(url, params)  # warm caches (templates, charts)
    size = len(b"".join(first.streaming_content) if first.streaming else first.content)
    samples = []
    for _ in range(REPEAT):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), size


def query_count(client: Client, url: str) -> int:
    """SQL queries of one GET with the insertion figures' cache emptied (all the figures computed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures_cache_bump()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _client(email: str, programme: Programme) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    session = client.session
    session[SESSION_KEY] = programme.pk
    session.save()
    return client


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
    client = _client("mission@metro.npru.fr", programme)
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
    moa = Market.objects.filter(programme=programme).values("moa_id").order_by("moa_id").first()
    if moa is not None:
        dashboard = reverse("insertion:dashboard")
        cases += [
            ("Insertion : tableau de bord", dashboard, {}),
            ("Insertion : tableau de bord, sans cache", dashboard, {}, figures_cache_bump),
            ("Insertion : au 30 juin dernier", dashboard, {"au": f"{time.localtime().tm_year - 1}-06-30"}),
            ("Insertion : fiche MOA", reverse("insertion:moa_detail", args=[moa["moa_id"]]), {}),
            ("Insertion : marchés (page 1)", reverse("insertion:market_list"), {}),
            ("Insertion : export xlsx des tableaux", reverse("insertion:dashboard_export"), {}),
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
    for label, url, params, *before in cases:
        value, size = median_ms(client, url, *before, **params)
        floor = floor or value
        print(f"| {label:<36} | {value:12.1f} | {value / floor:17.1f} | {size / 1000:11.0f} |")
    if moa is not None:
        insertion_queries(client, programme)


def insertion_queries(client: Client, programme: Programme) -> None:
    """The insertion dashboard's SQL queries do not depend on the data's size: the same count on the
    demo programme and on the metropolitan one (figures computed, cache emptied)."""
    url = reverse("insertion:dashboard")
    demo = Programme.objects.get(slug="npru-demo")
    counts = {
        programme.name: (query_count(client, url), WorkContract.objects.filter(programme=programme).count()),
        demo.name: (
            query_count(_client("mission@demo.npru.fr", demo), url),
            WorkContract.objects.filter(programme=demo).count(),
        ),
    }
    print("\nInsertion : requêtes SQL du tableau de bord (chiffres recalculés)")
    for name, (queries, contracts) in counts.items():
        print(f"  {name} : {queries} requêtes pour {contracts} contrats")
    same = len({queries for queries, _contracts in counts.values()}) == 1
    print("  Nombre de requêtes constant." if same else "  ATTENTION : le nombre de requêtes varie.")


if __name__ == "__main__":
    main()

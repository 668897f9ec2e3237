"""`make bench`: page, export and import timings on the metropolitan data set (seed_demo --scale metro).

Prints medians and the ratio of each median to a floor measured in the same run (the cheapest
authenticated page, /healthz without Celery), so that figures from different machines compare.
"""

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
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.middleware import SESSION_KEY  # noqa: E402
from accounts.models import User  # noqa: E402
from projects.models import Operation, Programme  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def median_ms(client: Client, url: str, **params) -> float:
    client.get(url, params)  # warm caches (templates, charts)
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def main() -> None:
    call_command("seed_demo", scale="metro", verbosity=0)
    programme = Programme.objects.get(slug="npru-metro")
    user = User.objects.get(email="mission@metro.npru.fr")
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = programme.pk
    session.save()
    operation = Operation.objects.filter(programme=programme, sector__isnull=False).order_by("pk").first()
    sector = operation.sector
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
        ("Export xlsx (300 opérations)", reverse("projects:operation_export"), {}),
    ]
    operations = Operation.objects.filter(programme=programme).count()
    print(f"Jeu de charge : {programme.name} — {operations} opérations, {REPEAT} mesures par page\n")
    floor = None
    print(f"| {'Page':<32} | médiane (ms) | ratio au plancher |")
    print(f"|{'-' * 34}|-------------:|------------------:|")
    for label, url, params in cases:
        value = median_ms(client, url, **params)
        floor = floor or value
        print(f"| {label:<32} | {value:12.1f} | {value / floor:17.1f} |")


if __name__ == "__main__":
    main()

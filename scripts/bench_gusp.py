"""GUSP timings at 100,000 reports, not a test: the triage queue, the report list (default and searched),
the map's points and the GUSP dashboard, on the metropolitan programme (seed_demo --scale metro: ~20,000
reports) grown to 100,000 reports.

The growth is bulk SQL (`INSERT … SELECT … CROSS JOIN generate_series`): copy k of a report is numbered
`<reference>-B<k>`, with the same sector, theme, place, dates and status (the same city, five times as
busy). It is committed and VACUUM ANALYZEd, as a production table would be, then deleted at the end
(and at the start, if a previous run stopped half way), so the other benches find the metropolitan set as
seeded. Medians of BENCH_REPEAT requests (15) through the Django test client, DEBUG=False, and their
ratio to the floor (/healthz) measured in the same run; query counts of one request of each (caches
emptied for the uncached cases), at 1,000 reports (the metropolitan set cut to its 1,000 newest, in a
transaction rolled back) and at 100,000: they must be equal (exit status 1 otherwise).

    python scripts/bench_gusp.py [--reports 100000] [--no-seed]
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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from accounts.middleware import SESSION_KEY  # noqa: E402
from accounts.models import User  # noqa: E402
from gusp import selectors  # noqa: E402
from gusp.models import GuspAction, Report, WalkAudit  # noqa: E402
from projects.models import Programme  # noqa: E402

PROGRAMME = "npru-metro"
USER = "mission@metro.npru.fr"
SMALL = 1_000
SUFFIX = "-B"
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
TABLES = ("gusp_report", "gusp_reporthistory")


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def remove_copies(programme: Programme) -> int:
    """Delete the bench's copies (their history rows first), then VACUUM ANALYZE: the set as seeded."""
    with transaction.atomic(), connection.cursor() as cursor:
        copies = "SELECT id FROM gusp_report WHERE programme_id = %s AND reference LIKE %s"
        pattern = f"%{SUFFIX}%"
        cursor.execute(
            f"DELETE FROM gusp_reporthistory WHERE pgh_obj_id IN ({copies})", [programme.pk, pattern]
        )
        cursor.execute(
            "DELETE FROM gusp_report WHERE programme_id = %s AND reference LIKE %s", [programme.pk, pattern]
        )
        removed = cursor.rowcount
    if removed:
        vacuum()
    return removed


def vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(_quoted(table) for table in TABLES)}")


def grow(programme: Programme, total: int) -> tuple[int, float]:
    """Copies of the programme's reports up to `total` reports, committed, then VACUUM ANALYZE."""
    started = time.perf_counter()
    current = Report.objects.filter(programme=programme).count()
    wanted = total - current
    if wanted <= 0:
        return 0, 0.0
    factor = -(-wanted // current)  # copies per report needed, rounded up
    columns = [field.column for field in Report._meta.concrete_fields if not field.primary_key]
    values = [
        f"t.reference || '{SUFFIX}' || k" if column == "reference" else f"t.{_quoted(column)}"
        for column in columns
    ]
    names = ", ".join(_quoted(column) for column in columns)
    sql = (
        f"INSERT INTO gusp_report ({names}) SELECT {', '.join(values)} FROM gusp_report t "
        f"CROSS JOIN generate_series(1, %s) AS k WHERE t.programme_id = %s AND t.reference NOT LIKE %s "
        f"ORDER BY k, t.id LIMIT %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys checked row by row: deferred to the commit, 100,000 rows' checks queued behind the
        # history trigger's inserts make the statement quadratic (46 s for 20,000 rows, 1.4 s checked now).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, [factor, programme.pk, f"%{SUFFIX}%", wanted])
        added = cursor.rowcount
    vacuum()
    selectors.figures_cache_bump()
    return added, time.perf_counter() - started


def cut_to(programme: Programme, kept: int) -> None:
    """Inside a transaction the caller rolls back: only the programme's `kept` newest reports remain
    (the foreign keys to the others are checked at commit, which never comes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM gusp_report WHERE programme_id = %s AND id NOT IN "
            "(SELECT id FROM gusp_report WHERE programme_id = %s ORDER BY reported_at DESC, id LIMIT %s)",
            [programme.pk, programme.pk, kept],
        )
        cursor.execute("ANALYZE gusp_report")
    selectors.figures_cache_bump()


def client_for(programme: Programme) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=USER))
    session = client.session
    session[SESSION_KEY] = programme.pk
    session.save()
    return client


def _optional(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def cases(programme: Programme) -> list[tuple[str, str, dict, bool]]:
    """(label, url, parameters, cache emptied before each request)."""
    reference = (
        Report.objects.filter(programme=programme, reference__startswith="GUSP-")
        .order_by("-reported_at")
        .values_list("reference", flat=True)
        .first()
    )
    listed = [
        ("Plancher : /healthz", reverse("healthz"), {}, False),
        ("File de tri (page 1)", reverse("gusp:triage"), {}, False),
        ("Liste des signalements (page 1)", reverse("gusp:report_list"), {}, False),
        ("Liste, recherche « eclairage »", reverse("gusp:report_list"), {"q": "eclairage"}, False),
        ("Liste, recherche d'un numéro", reverse("gusp:report_list"), {"q": reference}, False),
        ("Points de la carte (JSON), sans cache", reverse("gusp:report_points"), {}, True),
        ("Points de la carte (JSON), en cache", reverse("gusp:report_points"), {}, False),
    ]
    dashboard = _optional("gusp:dashboard")
    if dashboard:
        listed += [
            ("Tableau de bord GUSP, sans cache", dashboard, {}, True),
            ("Tableau de bord GUSP, en cache", dashboard, {}, False),
        ]
    return listed


def median_ms(client: Client, url: str, params: dict, uncached: bool) -> tuple[float, int]:
    """Median of REPEAT requests after a warm-up; the figures' cache emptied before each when asked."""
    first = client.get(url, params)
    assert first.status_code == 200, (url, first.status_code)
    samples = []
    for _ in range(REPEAT):
        if uncached:
            selectors.figures_cache_bump()
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), len(first.content)


def query_counts(client: Client, listed) -> dict[str, int]:
    """SQL queries of one request of each page: the caches emptied before an uncached case (everything
    computed), filled by a first request before a cached one."""
    counts = {}
    for label, url, params, uncached in listed:
        if uncached:
            selectors.figures_cache_bump()
        else:
            client.get(url, params)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, params).status_code == 200
        counts[label] = len(context.captured_queries)
    return counts


def figures_ms(programme: Programme) -> tuple[float, float, int]:
    """Without the dashboard page: `selectors.gusp_figures` (medians, uncached and cached) and its
    queries."""
    user = User.objects.get(email=USER)
    reports = Report.objects.aggregable_by(user).filter(programme=programme)
    walks = WalkAudit.objects.visible_to(user).filter(programme=programme)
    actions = GuspAction.objects.visible_to(user).filter(programme=programme)

    def run(cached: bool) -> float:
        samples = []
        for _ in range(REPEAT):
            if not cached:
                selectors.figures_cache_bump()
            started = time.perf_counter()
            selectors.cached_figures(reports, walks, actions, programme_id=programme.pk, scope="bench")
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    with CaptureQueriesContext(connection) as context:
        selectors.gusp_figures(reports, walks, actions)
    return run(False), run(True), len(context.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    if not args.no_seed:
        call_command("seed_demo", scale="metro", verbosity=0)
    programme = Programme.objects.get(slug=PROGRAMME)
    remove_copies(programme)
    client = client_for(programme)
    listed = cases(programme)

    with transaction.atomic():
        cut_to(programme, SMALL)
        small = query_counts(client, listed)
        small_figures = None if _optional("gusp:dashboard") else figures_ms(programme)[2]
        transaction.set_rollback(True)
    selectors.figures_cache_bump()

    try:
        added, seconds = grow(programme, args.reports)
        total = Report.objects.filter(programme=programme).count()
        print(
            f"GUSP à {total} signalements ({programme.name}, {added} copies ajoutées en {seconds:.0f} s, "
            f"VACUUM ANALYZE compris) ; {REPEAT} mesures par page ; charge : {os.getloadavg()[0]:.1f}\n"
        )
        print("| Page | médiane (ms) | ratio au plancher | Ko | requêtes à 1 000 | requêtes à 100 000 |")
        print("|---|--:|--:|--:|--:|--:|")
        large = query_counts(client, listed)
        floor = None
        for label, url, params, uncached in listed:
            value, size = median_ms(client, url, params, uncached)
            floor = floor or value
            print(
                f"| {label} | {value:.1f} | {value / floor:.1f} | {size / 1000:.0f} | {small[label]} | "
                f"{large[label]} |"
            )
        if small_figures is not None:
            uncached, cached, queries = figures_ms(programme)
            for label, value in (("sans cache", uncached), ("en cache", cached)):
                print(
                    f"| selectors.gusp_figures, {label} | {value:.1f} | {value / floor:.1f} | — | "
                    f"{small_figures} | {queries} |"
                )
            large["gusp_figures"], small["gusp_figures"] = queries, small_figures
    finally:
        remove_copies(programme)
        selectors.figures_cache_bump()
    varying = [label for label in small if small[label] != large.get(label)]
    if varying:
        print(f"\nATTENTION : le nombre de requêtes varie avec le volume : {', '.join(varying)}")
        return 1
    print("\nNombre de requêtes constant de 1 000 à 100 000 signalements.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: the metropolitan load set (`seed_demo --scale metro`) built from nothing, then run again.

Times both runs and checks the load set's shape and proportions (what the tests check at the demo's
scale). Everything happens in one transaction rolled back at the end: the database keeps what it had.
Exits non-zero when a check fails.
"""

import datetime
import itertools
import os
import sys
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402

from accounts.models import User  # noqa: E402
from governance.models import Action, BodyKind, Meeting, MeetingStatus  # noqa: E402
from gusp.models import GuspAction, Report, WalkAudit  # noqa: E402
from insertion import selectors as insertion_selectors  # noqa: E402
from insertion.models import Market, WorkContract  # noqa: E402
from projects import selectors  # noqa: E402
from projects.models import FundingLine, Milestone, Operation, Programme, Sector  # noqa: E402
from relogement.models import Household  # noqa: E402
from tests.conftest import DEMO_TODAY  # noqa: E402
from tests.governance import test_seed_governance as governance_checks  # noqa: E402
from tests.projects import test_seed_demo as projects_checks  # noqa: E402
from tests.relogement import test_seed_relogement as relogement_checks  # noqa: E402

YEAR_AGO = DEMO_TODAY.replace(year=DEMO_TODAY.year - 1)


def seed(**options) -> float:
    started = time.perf_counter()
    call_command("seed_demo", scale="metro", today=DEMO_TODAY, stdout=StringIO(), **options)
    return time.perf_counter() - started


def check_projects(metro: Programme) -> None:
    assert Programme.objects.filter(slug="npru-demo").exists()
    assert metro.sectors.count() == 10
    operations = Operation.objects.filter(programme=metro)
    assert operations.count() == 300
    assert operations.values("moa").distinct().count() == 50
    assert projects_checks.funding_errors(metro) == []
    assert FundingLine.objects.filter(operation__programme=metro).count() >= 900
    assert Milestone.objects.filter(operation__programme=metro).count() >= 600
    # One per role, the relogement and insertion referents with their grants.
    assert metro.memberships.count() == 8
    landlord = User.objects.get(email="bailleur@metro.npru.fr")
    assert Sector.objects.visible_to(landlord).count() == 2
    sector_rings = [projects_checks.rings(sector.perimeter) for sector in metro.sectors.all()]
    for parts in sector_rings:
        assert 0.5 <= sum(projects_checks.ring_area_km2(ring) for ring in parts) <= 1.5
    all_rings = [ring for parts in sector_rings for ring in parts]
    assert not any(projects_checks.overlap(a, b) for a, b in itertools.combinations(all_rings, 2))
    for operation in operations[::37]:
        operation.full_clean()
    assert operations.aggregate(total=Sum("cost_excl_tax"))["total"] > Decimal(500_000_000)
    # the backdated history: the revue's previous year differs from today
    year_start = DEMO_TODAY.replace(month=1, day=1)
    figures = selectors.funding_year_over_year(
        operations=operations,
        before=selectors.start_of_day(year_start),
        after=selectors.start_of_day(DEMO_TODAY + datetime.timedelta(days=1)),
    )
    assert 0 < figures.total.before["committed"] < figures.total.after["committed"]
    assert 0 < figures.total.before["paid"] < figures.total.after["paid"]


def check_governance(metro: Programme) -> None:
    assert metro.bodies.count() >= 20
    assert metro.bodies.filter(kind=BodyKind.COPIL, sectors__isnull=False).distinct().count() == 10
    held = Meeting.objects.filter(
        body__programme=metro, status=MeetingStatus.HELD, starts_at__date__gt=YEAR_AGO
    )
    assert 50 <= held.count() <= 75
    ahead = Meeting.objects.filter(body__programme=metro, starts_at__date__gte=DEMO_TODAY)
    assert ahead.filter(status=MeetingStatus.PLANNED).count() >= 10
    actions = Action.objects.filter(programme=metro)
    assert actions.count() >= 80
    assert 0.05 <= actions.overdue(DEMO_TODAY).count() / actions.count() <= 0.35
    assert 35 <= metro.public_events.count() <= 65
    assert 90 <= metro.feedbacks.count() <= 160
    governance_checks.check_no_personal_names(metro)


def check_relogement(metro: Programme) -> None:
    total = Household.objects.filter(programme=metro).count()
    assert 1500 <= total <= 2500
    rehousings = relogement_checks.definitive(metro)
    assert 0.40 <= rehousings.filter(same_site=False).count() / rehousings.count() <= 0.62
    assert 0.22 <= rehousings.filter(new_or_recent=True).count() / rehousings.count() <= 0.42
    refs = Household.objects.values_list("origin_landlord", "landlord_reference")
    assert len(set(refs)) == Household.objects.count()


def check_insertion(metro: Programme) -> None:
    contracts = WorkContract.objects.filter(programme=metro)
    assert 4500 <= contracts.count() <= 5500
    markets = Market.objects.filter(programme=metro)
    assert markets.filter(operation__isnull=True).count() >= 5
    spread = insertion_selectors.dispersion(
        insertion_selectors.hours_by("moa", markets, contracts, today=DEMO_TODAY)
    )
    assert spread.reached >= 10
    assert spread.below >= 10


def check_gusp(metro: Programme) -> None:
    reports = Report.objects.filter(programme=metro)
    assert 18_000 <= reports.count() <= 22_000
    assert reports.values("sector").distinct().count() == 10
    assert 0.005 <= reports.late(DEMO_TODAY).count() / reports.count() <= 0.1
    assert WalkAudit.objects.filter(programme=metro, held_on__lte=DEMO_TODAY).count() >= 20
    assert GuspAction.objects.filter(programme=metro).tfpb().values("owner").distinct().count() >= 3


def snapshot() -> tuple:
    return projects_checks.row_counts(), governance_checks.governance_snapshot()


def main() -> int:
    failures = []
    with transaction.atomic():
        first = seed(reset=True)
        metro = Programme.objects.get(slug="npru-metro")
        for check in (check_projects, check_governance, check_relogement, check_insertion, check_gusp):
            try:
                check(metro)
            except AssertionError as error:
                failures.append(f"{check.__name__}: {error or 'assertion'}")
        before = snapshot()
        second = seed()
        if snapshot() != before:
            failures.append("second run: rows changed")
        operations = Operation.objects.filter(programme=metro).count()
        households = Household.objects.filter(programme=metro).count()
        contracts = WorkContract.objects.filter(programme=metro).count()
        reports = Report.objects.filter(programme=metro).count()
        transaction.set_rollback(True)
    print(
        f"Jeu de charge métropolitain : {operations} opérations, {households} ménages, "
        f"{contracts} contrats d'insertion, {reports} signalements GUSP"
    )
    print("| Semis                                  | durée (s) |")
    print("|----------------------------------------|----------:|")
    print(f"| {'premier (démo + métropole, --reset)':<38} | {first:9.1f} |")
    print(f"| {'second (idempotent, rien ne change)':<38} | {second:9.1f} |")
    for failure in failures:
        print(f"ÉCHEC {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

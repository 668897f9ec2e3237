import datetime
import os
import re
import shutil
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from accounts.models import Role
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.projects.factories import ProgrammeFactory, SectorFactory

SAVEPOINT_ID = re.compile(r'"s\d+_x\d+"')

# The day the shared demo is seeded for (tests/*/test_seed_*.py check dates against it).
DEMO_TODAY = datetime.date(2026, 11, 21)

# Opt-outs for a quick local run; nothing else may skip a test (see pytest_runtest_makereport).
OPT_OUTS = {
    "NPRU_SKIP_BROWSER": "parcours navigateur (tests/e2e)",
    "NPRU_SKIP_PDF": "lecture du texte des PDF générés (Poppler)",
}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def opted_out(variable: str) -> bool:
    return os.environ.get(variable, "") == "1"


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle
def pytest_collection_modifyitems(config, items):
    """Every test may use the database, except browser tests which set up their own live server.

    Tests on the shared demo (`seeded_demo`) run after all others (on each xdist worker too, as the
    scheduler hands tests out in this order): the demo is seeded once in an outer transaction that every
    later test sees, so no other test may run after it."""
    for item in items:
        if "live_server" not in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db)
    items[:] = sorted(items, key=lambda item: "seeded_demo" in getattr(item, "fixturenames", ()))


def pytest_runtest_setup(item):
    if "e2e" in item.keywords:
        if opted_out("NPRU_SKIP_BROWSER"):
            pytest.skip("NPRU_SKIP_BROWSER=1 : parcours navigateur non lancé.")
        if not CHROMIUM:
            pytest.fail(
                "Chromium absent : lancez « sudo apt-get install -y chromium » (make test le fait quand il "
                "le peut), ou NPRU_SKIP_BROWSER=1 pour une suite sans navigateur.",
                pytrace=False,
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test is a failure unless an opt-out variable (OPT_OUTS) asked for it: browser and PDF
    tests are never skipped silently because a tool is missing."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if not any(f"{variable}=1" in reason and opted_out(variable) for variable in OPT_OUTS):
            report.outcome = "failed"
            report.longrepr = f"Test ignoré sans variable d'opt-out ({', '.join(OPT_OUTS)}) : {reason}"
    return report


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    for variable, what in OPT_OUTS.items():
        count = sum(1 for report in skipped if f"{variable}=1" in str(report.longrepr))
        if count:
            terminalreporter.write_line(f"{variable}=1 : {count} test(s) ignoré(s) à votre demande — {what}.")


@pytest.fixture
def snapshot_queries(snapshot):
    """Compare the SQL a block runs with the stored snapshot (tests/<app>/__snapshots__/, written by
    `pytest --snapshot-update`): a new query, a lost join or an N+1 shows as a diff to review.

        with snapshot_queries():
            client.get(url)

    The SQL is recorded before parameters are bound (ids and dates do not show), savepoint names are
    normalised, and repeated identical statements are kept, so that a loop of queries shows as such."""
    from contextlib import contextmanager

    from django.db import connection

    @contextmanager
    def capture():
        statements: list[str] = []

        def record(execute, sql, params, many, context):
            statements.append(SAVEPOINT_ID.sub('"<savepoint>"', sql))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            yield statements
        assert statements == snapshot

    return capture


@pytest.fixture
def pdftotext():
    """The pdftotext command (Poppler), for tests that read a generated PDF back."""
    if opted_out("NPRU_SKIP_PDF"):
        pytest.skip("NPRU_SKIP_PDF=1 : texte du PDF non relu.")
    command = shutil.which("pdftotext")
    if command is None:
        pytest.fail(
            "pdftotext absent : lancez « sudo apt-get install -y poppler-utils » (make test le fait quand "
            "il le peut), ou NPRU_SKIP_PDF=1.",
            pytrace=False,
        )
    return command


@pytest.fixture(scope="session")
def demo_dry_run(django_db_setup, django_db_blocker) -> str:
    """The output of `seed_demo --dry-run` on the empty database, run once per test run (and worker); the
    tests using it check that nothing was written. Ordered before the tests on the shared demo."""
    out = StringIO()
    with django_db_blocker.unblock():
        call_command("seed_demo", today=DEMO_TODAY, dry_run=True, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="session")
def seeded_demo(django_db_setup, django_db_blocker) -> str:
    """The demo (`seed_demo` for DEMO_TODAY), seeded once per test run and xdist worker, for tests that
    read it; returns the command's output. It lives in an outer transaction rolled back at the end of the
    session, and every test using it runs after all others (see pytest_collection_modifyitems), so the
    other tests keep an empty database. A test that changes it runs in its own transaction as usual."""
    out = StringIO()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", today=DEMO_TODAY, stdout=out)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


class UnknownTemplateVariable(str):
    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit inconnue : {other!r}")

    def __bool__(self):
        return False  # lets `{% if missing %}` and default filters behave


@pytest.fixture(autouse=True)
def unknown_variable_template_error(settings):
    for template in settings.TEMPLATES:
        template["OPTIONS"]["string_if_invalid"] = UnknownTemplateVariable("%s")


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def programme():
    return ProgrammeFactory(name="NPRU Lille", slug="npru-lille")


@pytest.fixture
def sector_a(programme):
    return SectorFactory(programme=programme, name="Moulins", slug="moulins")


@pytest.fixture
def sector_b(programme):
    return SectorFactory(programme=programme, name="Concorde", slug="concorde")


def _member(programme, role, **kwargs):
    return MembershipFactory(
        programme=programme, role=role, organisation=OrganisationFactory(), **kwargs
    ).user


@pytest.fixture
def mission_user(programme):
    return _member(programme, Role.MISSION)


@pytest.fixture
def direction_user(programme):
    return _member(programme, Role.DIRECTION)


@pytest.fixture
def partner_user_a(programme, sector_a):
    """A partner (a landlord, say) who sees only sector A."""
    return _member(programme, Role.PARTNER, sectors=[sector_a])


@pytest.fixture
def mission_client(client, mission_user):
    client.force_login(mission_user)
    return client


@pytest.fixture
def partner_client_a(client, partner_user_a):
    client.force_login(partner_user_a)
    return client

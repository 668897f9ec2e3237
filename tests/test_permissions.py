"""Every URL of ours, as every role, on own and foreign objects, GET and POST, against declared tables.

Each app with URLs declares its table in tests/<app>/permissions.py (vocabulary in tests/matrix.py); the
tables are found from the installed apps, and a URL missing from its app's table, or an app with URLs and
no table, fails `test_every_url_is_in_its_apps_table`.
"""

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.matrix import LOGIN, OK, ROLES
from tests.projects.factories import ProgrammeFactory, SectorFactory

# Namespaces of third-party apps, tested upstream; our own pages are all in the tables.
THIRD_PARTY_PREFIXES = ("admin:", "account_", "mfa_", "socialaccount_", "usersessions_", "headless:")
REFUSED = (403, 404, 405)


def our_apps() -> list:
    """The project's apps: packages at the root of the repository (not the virtualenv's)."""
    root = Path(settings.BASE_DIR).resolve()
    return [app for app in apps.get_app_configs() if Path(app.path).resolve().parent == root]


def table_module(app_label: str) -> ModuleType | None:
    name = f"tests.{app_label}.permissions"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return None


def _url_owners(resolver=None, namespace="") -> dict[str, str]:
    """URL name → label of the app whose module defines the view."""
    owners = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            child = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            owners |= _url_owners(pattern, child)
        elif isinstance(pattern, URLPattern) and pattern.name:
            owners[f"{namespace}{pattern.name}"] = pattern.callback.__module__.split(".")[0]
    return {name: app for name, app in owners.items() if not name.startswith(THIRD_PARTY_PREFIXES)}


TABLES: dict[str, ModuleType] = {
    app.label: module for app in our_apps() if (module := table_module(app.label)) is not None
}
MATRIX: dict[str, list[tuple]] = {
    name: cases for table in TABLES.values() for name, cases in table.MATRIX.items()
}
BUILDERS: list[Callable[..., dict]] = [table.build_objects for table in TABLES.values()]


def test_every_url_is_in_its_apps_table():
    missing: dict[str, list[str]] = {}
    for name, app in _url_owners().items():
        if name not in getattr(TABLES.get(app), "MATRIX", {}):
            missing.setdefault(f"tests/{app}/permissions.py", []).append(name)
    assert not missing, f"Déclarez ces URL dans la matrice des droits : {missing}"


def test_the_tables_are_found_for_every_app_with_urls():
    assert set(_url_owners().values()) <= set(TABLES)
    assert {"core", "accounts", "projects", "governance", "relogement", "reporting"} <= set(TABLES)


def test_post_only_urls_declare_their_post_column():
    undeclared = [
        name
        for name, cases in MATRIX.items()
        for case in cases
        if len(case) == 2 and all(case[1][role] == 405 for role in ROLES if role != "anonymous")
    ]
    assert not undeclared, f"Donnez la colonne POST de ces URL (POST seulement) : {undeclared}"


@pytest.fixture
def world(programme, sector_a, sector_b):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    other_programme = ProgrammeFactory()
    SectorFactory(programme=other_programme)
    users = {
        "mission": MembershipFactory(programme=programme, role=Role.MISSION).user,
        "direction": MembershipFactory(programme=programme, role=Role.DIRECTION).user,
        "referent": MembershipFactory(programme=programme, referent=True).user,
        "partner_a": MembershipFactory(
            programme=programme,
            role=Role.PARTNER,
            organisation=OrganisationFactory(bailleur=True),
            sectors=[sector_a],
        ).user,
        "outsider": MembershipFactory(programme=other_programme, role=Role.MISSION).user,
        "granted": MembershipFactory(programme=programme, role=Role.MISSION, personal_data=True).user,
    }
    TOTP.activate(users["granted"], generate_totp_secret())
    objects: dict[str, dict] = {}
    for build in BUILDERS:
        objects.update(build(programme=programme, sector_a=sector_a, sector_b=sector_b, users=users))
    return users, objects


def _request(key: str, objects: dict) -> tuple[dict, dict]:
    """URL kwargs and POST data of an object key (data under "_data")."""
    if key == "none":
        return {}, {}
    kwargs = dict(objects[key])
    return kwargs, kwargs.pop("_data", {})


def _login_redirect(response) -> bool:
    return response.status_code == LOGIN and response["Location"].startswith(reverse(settings.LOGIN_URL))


def _consume(response) -> None:
    if response.streaming:
        b"".join(response.streaming_content)  # consuming a download closes its file


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, world, role):
    users, objects = world
    if role != "anonymous":
        client.force_login(users[role])
    failures = []
    for name, cases in MATRIX.items():
        for key, expected, *_ in cases:
            kwargs, _data = _request(key, objects)
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            _consume(response)
            if response.status_code != expected[role]:
                failures.append(f"{name} [{key}] {url}: {response.status_code}, attendu {expected[role]}")
            if _shows_template_syntax(response):
                failures.append(f"{name} [{key}] {url}: la page affiche du code de gabarit ({{# ou {{%)")
    assert not failures, "\n".join(failures)


def _shows_template_syntax(response) -> bool:
    """A multi-line {# #} comment, or a tag mistyped, is printed as text: it happened twice."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return False
    return b"{#" in response.content or b"{%" in response.content


def _post_outcome(response, expected) -> bool:
    refused = response.status_code in REFUSED or _login_redirect(response)
    if expected == OK:
        return not refused
    if expected == "refused":
        return refused
    if expected == LOGIN:
        return _login_redirect(response)
    return response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(client, world, role):
    """POST as every role: the declared POST column, or refused wherever the GET is refused. Each POST is
    rolled back, so that one accepted POST does not change the objects of the next."""
    users, objects = world
    if role != "anonymous":
        client.force_login(users[role])
    failures = []
    for name, cases in MATRIX.items():
        for key, get_row, *post_rows in cases:
            if post_rows:
                expected = post_rows[0][role]
            elif get_row[role] in (LOGIN, 403, 404):
                expected = "refused"
            else:
                continue  # a page this role may open: what a POST does there is the app's own tests' business
            kwargs, data = _request(key, objects)
            url = reverse(name, kwargs=kwargs)
            with transaction.atomic():
                response = client.post(url, data)
                _consume(response)
                transaction.set_rollback(True)
            if not _post_outcome(response, expected):
                failures.append(f"POST {name} [{key}] {url}: {response.status_code}, attendu {expected}")
    assert not failures, "\n".join(failures)


def test_partner_sees_no_edit_button_and_no_foreign_operation(client, world):
    users, objects = world
    client.force_login(users["partner_a"])
    detail = client.get(
        reverse("projects:operation_detail", args=[objects["operation_a"]["pk"]])
    ).content.decode()
    assert reverse("projects:operation_edit", args=[objects["operation_a"]["pk"]]) not in detail
    assert "Historique" not in detail
    listing = client.get(reverse("projects:operation_list")).content.decode()
    assert f"/operations/{objects['operation_a']['pk']}/" in listing
    assert f"/operations/{objects['operation_b']['pk']}/" not in listing


def test_partner_cannot_post_an_edit(client, world):
    users, objects = world
    client.force_login(users["partner_a"])
    response = client.post(
        reverse("projects:operation_edit", args=[objects["operation_a"]["pk"]]), {"label": "Piraté"}
    )
    assert response.status_code == 403


def test_user_switches_programme(client, programme):
    other = ProgrammeFactory(name="NPRU Roubaix")
    user = UserFactory()
    MembershipFactory(user=user, programme=programme)
    MembershipFactory(user=user, programme=other)
    SectorFactory(programme=other, name="Alma")
    client.force_login(user)
    response = client.post(reverse("accounts:programme_switch"), {"programme": other.pk})
    assert response.status_code == 302
    assert "Alma" in client.get(reverse("projects:sector_list")).content.decode()


def test_cannot_switch_to_a_programme_without_membership(client, mission_user):
    foreign = ProgrammeFactory()
    client.force_login(mission_user)
    response = client.post(reverse("accounts:programme_switch"), {"programme": foreign.pk})
    assert response.status_code == 404


def test_funding_and_milestones_follow_the_sector_scope(world, sector_a):
    from projects.models import FundingLine, Milestone
    from tests.projects.factories import FundingLineFactory, MilestoneFactory

    users, objects = world
    line_a = FundingLineFactory(operation_id=objects["operation_a"]["pk"])
    FundingLineFactory(operation_id=objects["operation_b"]["pk"])
    milestone_a = MilestoneFactory(operation_id=objects["operation_a"]["pk"])
    MilestoneFactory(operation_id=objects["operation_b"]["pk"])
    partner = users["partner_a"]
    # the permission tables build lines and milestones of their own: count those of operations a and b
    ours = {"operation_id__in": [objects["operation_a"]["pk"], objects["operation_b"]["pk"]]}
    assert list(FundingLine.objects.visible_to(partner).filter(**ours)) == [line_a]
    assert list(Milestone.objects.visible_to(partner).filter(**ours)) == [milestone_a]
    assert FundingLine.objects.visible_to(users["mission"]).filter(**ours).count() == 2
    assert not FundingLine.objects.visible_to(users["outsider"]).exists()

"""Every URL of ours, as every role, on own and foreign objects, against a declared table.

A new URL pattern with no entry here makes `test_every_url_is_in_the_matrix` fail.
"""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from core.models import ImportRecord
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory, SectorFactory

# Namespaces of third-party apps, tested upstream; our own pages are all listed below.
THIRD_PARTY_PREFIXES = ("admin:", "account_", "mfa_", "socialaccount_", "usersessions_", "headless:")

ROLES = ["anonymous", "mission", "direction", "referent", "partner_a", "outsider"]
LOGIN = 302


def row(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


# url name → list of (object used in the URL, expected status per role for a GET)
# partner_a sees only sector A; outsider belongs to another programme.
MATRIX: dict[str, list[tuple[str, dict[str, int]]]] = {
    "healthz": [("none", row(200, 200, 200, 200, 200, 200))],
    "accounts:programme_switch": [("none", row(LOGIN, 405, 405, 405, 405, 405))],
    "projects:dashboard": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "projects:sector_list": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "projects:sectors_geojson": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "projects:sector_detail": [
        ("sector_a", row(LOGIN, 200, 200, 200, 200, 404)),
        ("sector_b", row(LOGIN, 200, 200, 200, 404, 404)),
    ],
    "projects:operation_list": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "projects:operation_export": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "projects:operation_detail": [
        ("operation_a", row(LOGIN, 200, 200, 200, 200, 404)),
        ("operation_b", row(LOGIN, 200, 200, 200, 404, 404)),
    ],
    "projects:operation_edit": [
        ("operation_a", row(LOGIN, 200, 403, 403, 403, 404)),
        ("operation_b", row(LOGIN, 200, 403, 403, 404, 404)),
    ],
    "projects:operation_history": [
        ("operation_a", row(LOGIN, 200, 200, 200, 403, 404)),
        ("operation_b", row(LOGIN, 200, 200, 200, 403, 404)),
    ],
    "projects:sector_document_upload": [("upload_sector_a", row(LOGIN, 405, 405, 405, 405, 405))],
    "projects:operation_document_upload": [("upload_operation_a", row(LOGIN, 405, 405, 405, 405, 405))],
    "imports:list": [("none", row(LOGIN, 200, 403, 403, 403, 200))],
    "imports:upload": [("kind_operations", row(LOGIN, 200, 403, 403, 403, 200))],
    "imports:preview": [("import_a", row(LOGIN, 200, 403, 403, 403, 404))],
    "imports:status": [("import_a", row(LOGIN, 204, 403, 403, 403, 404))],
    "imports:confirm": [("import_a", row(LOGIN, 405, 405, 405, 405, 405))],
    "imports:cancel": [("import_a", row(LOGIN, 405, 405, 405, 405, 405))],
    "projects:document_download": [
        ("document_a", row(LOGIN, 200, 200, 200, 200, 404)),
        ("document_b_internal", row(LOGIN, 200, 200, 200, 404, 404)),
    ],
}


# Each app adds its URLs and the objects they need in tests/<app>/permissions.py.
APP_MATRICES: list[dict] = []
APP_OBJECT_BUILDERS: list = []
for module_name in (
    "tests.governance.permissions",
    "tests.relogement.permissions",
    "tests.reporting.permissions",
    "tests.core.permissions",
):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        continue
    MATRIX.update(module.MATRIX)
    APP_OBJECT_BUILDERS.append(module.build_objects)


def _our_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            child = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _our_url_names(pattern, child)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return {name for name in names if not name.startswith(THIRD_PARTY_PREFIXES)}


def test_every_url_is_in_the_matrix():
    missing = _our_url_names() - set(MATRIX)
    assert not missing, f"Ajoutez ces URL à la matrice des droits : {sorted(missing)}"


@pytest.fixture
def world(programme, sector_a, sector_b):
    from django.core.files.base import ContentFile

    from projects.models import Confidentiality
    from projects.services import document_attach

    other_programme = ProgrammeFactory()
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
    }
    operation_a = OperationFactory(programme=programme, sector=sector_a)
    operation_b = OperationFactory(programme=programme, sector=sector_b)
    SectorFactory(programme=other_programme)
    objects = {
        "kind_operations": {"kind": "operations"},
        "import_a": {
            "pk": ImportRecord.objects.create(
                kind="operations",
                programme=programme,
                filename="m.xlsx",
                file_hash="0" * 64,
                status="preview",
            ).pk
        },
        "sector_a": {"slug": sector_a.slug},
        "sector_b": {"slug": sector_b.slug},
        "operation_a": {"pk": operation_a.pk},
        "operation_b": {"pk": operation_b.pk},
        "document_a": {
            "pk": document_attach(
                target=operation_a,
                title="Plan masse",
                file=ContentFile(b"%PDF-1.4", name="plan.pdf"),
                confidentiality=Confidentiality.PARTNERS,
                user=users["mission"],
            ).pk
        },
        "document_b_internal": {
            "pk": document_attach(
                target=operation_b,
                title="Note interne",
                file=ContentFile(b"%PDF-1.4", name="note.pdf"),
                confidentiality=Confidentiality.INTERNAL,
                user=users["mission"],
            ).pk
        },
        # upload URLs name their target "key"
        "upload_sector_a": {"key": sector_a.slug},
        "upload_operation_a": {"key": operation_a.pk},
    }
    for build in APP_OBJECT_BUILDERS:
        objects.update(build(programme=programme, sector_a=sector_a, sector_b=sector_b, users=users))
    return users, objects


def _url(name: str, key: str, objects: dict) -> str:
    return reverse(name) if key == "none" else reverse(name, kwargs=objects[key])


@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, world, role):
    users, objects = world
    if role != "anonymous":
        client.force_login(users[role])
    failures = []
    for name, cases in MATRIX.items():
        for key, expected in cases:
            url = _url(name, key, objects)
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)  # consuming a download closes its file
            status = response.status_code
            if status != expected[role]:
                failures.append(f"{name} [{key}] {url}: {status}, attendu {expected[role]}")
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
    assert list(FundingLine.objects.visible_to(partner)) == [line_a]
    assert list(Milestone.objects.visible_to(partner)) == [milestone_a]
    assert FundingLine.objects.visible_to(users["mission"]).count() == 2
    assert not FundingLine.objects.visible_to(users["outsider"]).exists()

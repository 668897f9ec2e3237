import datetime
import itertools
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F, Q, Sum

from accounts.models import Domain, Membership, Organisation, Role, User
from projects.models import (
    Amendment,
    Convention,
    Family,
    FundingLine,
    Milestone,
    Operation,
    OperationStatus,
    Programme,
    Sector,
)
from projects.seeders.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRETS
from projects.seeders.demo import ring_area_km2
from projects.semesters import semester_of
from tests.conftest import DEMO_TODAY

TODAY = DEMO_TODAY
DEMO_SECTORS = ["Moulins", "Pointe des Bois Blancs", "Concorde", "Faubourg d'Arras"]
S = OperationStatus


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", today=TODAY, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def output(seeded_demo):
    """The shared demo, seeded once per run (tests/conftest.py); tests that change it roll back."""
    return seeded_demo


@pytest.fixture
def programme(output):
    return Programme.objects.get(slug="npru-demo")


def row_counts() -> dict[str, int]:
    """Rows of the seeded programmes and accounts (scoped, as other tests may share the database)."""
    programmes = Programme.objects.filter(slug__in=["npru-demo", "npru-metro"])
    operations = Operation.objects.filter(programme__in=programmes)
    events = {
        name: apps.get_model("projects", name)
        for name in ("OperationEvent", "FundingLineEvent", "SectorEvent")
    }
    return {
        "programmes": programmes.count(),
        "sectors": Sector.objects.filter(programme__in=programmes).count(),
        "operations": operations.count(),
        "funding_lines": FundingLine.objects.filter(operation__in=operations).count(),
        "milestones": Milestone.objects.filter(operation__in=operations).count(),
        "conventions": Convention.objects.filter(programme__in=programmes).count(),
        "amendments": Amendment.objects.filter(convention__programme__in=programmes).count(),
        "organisations": Organisation.objects.filter(programmes__in=programmes).count(),
        "users": User.objects.filter(email__endswith=".npru.fr").count(),
        "memberships": Membership.objects.filter(programme__in=programmes).count(),
        "operation_events": events["OperationEvent"].objects.filter(programme_id__in=programmes).count(),
        "funding_events": events["FundingLineEvent"].objects.filter(operation_id__in=operations).count(),
        "sector_events": events["SectorEvent"].objects.filter(programme_id__in=programmes).count(),
    }


def funding_errors(programme: Programme) -> list[str]:
    """Operations whose funding plan does not add up to their cost or whose amounts are out of order."""
    errors = []
    operations = Operation.objects.filter(programme=programme).annotate(planned=Sum("funding_lines__planned"))
    errors += [
        f"{o.identifier}: {o.planned} ≠ {o.cost_excl_tax}" for o in operations if o.planned != o.cost_excl_tax
    ]
    disordered = FundingLine.objects.filter(operation__programme=programme).filter(
        Q(paid__gt=F("committed")) | Q(committed__gt=F("planned"))
    )
    errors += [f"{line.operation_id}: paid > committed or committed > planned" for line in disordered]
    return errors


# --- Demo programme -------------------------------------------------------------------------------------


def check_sectors(programme):
    """The four sectors of the sample financial annex, with their QPV codes and figures."""
    sectors = list(programme.sectors.order_by("order"))
    assert [sector.name for sector in sectors] == DEMO_SECTORS
    for sector in sectors:
        assert sector.qpv_code_2015.startswith("QP059")
        assert sector.qpv_code_2024.startswith("QN059")
        assert sector.interest in {"prin", "prir"}
        assert sector.communes
        assert 3000 <= sector.population <= 12000
        assert sector.social_housing_units < sector.housing_units


def check_organisations_and_contracts(programme):
    names = set(programme.organisations.values_list("name", flat=True))
    expected = {
        "Ville de Lille",
        "Métropole Européenne de Lille",
        "ANRU",
        "État / DDT du Nord",
        "Action Logement",
    }
    expected |= {"Banque des Territoires", "Région Hauts-de-France", "Département du Nord", "CAF du Nord"}
    expected |= {"Habitat Métropole", "Logis du Nord", "Vilogia exemple", "SPL Aménagement"}
    assert expected <= names
    kinds = list(programme.organisations.values_list("kind", flat=True))
    assert kinds.count("epci") == 1
    assert kinds.count("ville") == 1
    assert 3 <= kinds.count("bailleur") <= 5
    assert "conseil_citoyen" in kinds
    protocole = programme.conventions.get(kind="protocole")
    convention = programme.conventions.get(kind="convention")
    assert protocole.signed_on.year == 2016
    assert convention.signed_on.year == 2019
    assert sorted(convention.amendments.values_list("kind", flat=True)) == ["local", "national"]


def check_operations(programme):
    operations = Operation.objects.filter(programme=programme)
    assert 40 <= operations.count() <= 50
    assert 2 <= operations.filter(sector=None).count() <= 3
    assert set(operations.filter(sector=None).values_list("family", flat=True)) == {Family.INGENIERIE}
    assert set(operations.values_list("family", flat=True)) == set(Family.values)
    assert set(operations.values_list("status", flat=True)) == set(S.values)
    assert not operations.filter(identifier__startswith="OP-").exists()  # the sample annex's own identifiers
    assert not operations.filter(Q(cost_excl_tax__lt=100_000) | Q(cost_excl_tax__gt=15_000_000)).exists()
    assert not operations.filter(eligible_base__gt=F("cost_excl_tax")).exists()
    at_risk = operations.filter(at_risk=True)
    assert 4 <= at_risk.count() <= 6
    assert all(len(operation.at_risk_reason) > 30 for operation in at_risk)
    housing = operations.aggregate(
        demolished=Sum("housing_demolished"),
        rebuilt=Sum("housing_rebuilt"),
        rehabilitated=Sum("housing_rehabilitated"),
    )
    assert all(200 <= total <= 1500 for total in housing.values()), housing
    for operation in operations:
        operation.full_clean()


def check_moas_fit_the_families(programme):
    def moa_kinds(*families):
        operations = Operation.objects.filter(programme=programme, family__in=families)
        return set(operations.values_list("moa__kind", flat=True))

    housing = [Family.DEMOLITION, Family.RECONSTITUTION, Family.REQUALIFICATION, Family.RESIDENTIALISATION]
    assert moa_kinds(*housing) == {"bailleur"}
    assert moa_kinds(Family.AMENAGEMENT) <= {"epci", "amenageur"}
    assert moa_kinds(Family.EQUIPEMENT) == {"ville"}


def check_statuses_follow_the_semesters(programme):
    now = semester_of(TODAY)
    operations = list(Operation.objects.filter(programme=programme))
    for operation in operations:
        if operation.status in {S.LIVREE, S.SOLDEE}:
            assert operation.planned_end < now
            assert operation.actual_end <= now
            assert operation.progress == 100
        if operation.status in {S.ETUDE, S.PROGRAMMEE}:
            assert operation.planned_start > now
            assert not operation.actual_start
        if operation.status in {S.ENGAGEE, S.TRAVAUX}:
            assert operation.planned_start <= now <= operation.planned_end or operation.at_risk


def check_funding(programme):
    assert funding_errors(programme) == []
    lines = FundingLine.objects.filter(operation__programme=programme)
    assert not lines.filter(operation__status__in=[S.ETUDE, S.PROGRAMMEE], committed__gt=0).exists()
    assert not lines.filter(operation__status=S.SOLDEE).exclude(paid=F("planned")).exists()
    assert (
        lines.filter(funder__kind="anru", kind="subvention").count()
        == Operation.objects.filter(programme=programme).count()
    )
    housing_ops = Operation.objects.filter(
        programme=programme, family__in=[Family.RECONSTITUTION, Family.REQUALIFICATION]
    )
    assert all(
        operation.funding_lines.filter(funder__kind="action_logement", kind="pret").exists()
        for operation in housing_ops
    )
    assert lines.filter(kind="fonds_propres", funder=F("operation__moa")).count() >= 40


def check_milestones(programme):
    milestones = Milestone.objects.filter(operation__programme=programme)
    per_operation = Counter(milestones.values_list("operation_id", flat=True))
    assert set(per_operation.values()) <= {2, 3, 4}
    assert len(per_operation) == Operation.objects.filter(programme=programme).count()
    soon = TODAY + datetime.timedelta(days=90)
    assert milestones.filter(done_on=None, due_on__gte=TODAY, due_on__lte=soon).count() >= 4
    assert milestones.filter(done_on__lt=TODAY).count() >= 40
    assert not milestones.filter(done_on__gt=TODAY).exists()
    overdue = milestones.filter(done_on=None, due_on__lt=TODAY)
    assert set(overdue.values_list("operation__at_risk", flat=True)) == {True}


def test_demo_reference_data(programme):
    check_sectors(programme)
    check_organisations_and_contracts(programme)


def test_demo_operations(programme):
    check_operations(programme)
    check_moas_fit_the_families(programme)
    check_statuses_follow_the_semesters(programme)


def test_demo_funding_and_milestones(programme):
    check_funding(programme)
    check_milestones(programme)


# --- Perimeters -------------------------------------------------------------------------------------------


def rings(perimeter: dict) -> list[list[list[float]]]:
    assert perimeter["type"] == "FeatureCollection"
    geometries = [feature["geometry"] for feature in perimeter["features"]]
    polygons = []
    for geometry in geometries:
        assert geometry["type"] in {"Polygon", "MultiPolygon"}
        polygons += [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [polygon[0] for polygon in polygons]


def segments_cross(a, b, c, d) -> bool:
    def orientation(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return orientation(a, b, c) * orientation(a, b, d) < 0 and orientation(c, d, a) * orientation(c, d, b) < 0


def inside(point, ring) -> bool:
    x, y = point
    crossings = 0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def overlap(ring_a, ring_b) -> bool:
    edges_a, edges_b = list(itertools.pairwise(ring_a)), list(itertools.pairwise(ring_b))
    if any(segments_cross(*ea, *eb) for ea in edges_a for eb in edges_b):
        return True
    return inside(ring_a[0], ring_b) or inside(ring_b[0], ring_a)


def test_demo_perimeters_are_distinct_small_polygons_around_lille(programme):
    sector_rings = {sector.name: rings(sector.perimeter) for sector in programme.sectors.all()}
    for name, parts in sector_rings.items():
        area = sum(ring_area_km2(ring) for ring in parts)
        assert 0.5 <= area <= 1.5, name
        for ring in parts:
            assert ring[0] == ring[-1]
            assert len(ring) >= 8
            assert all(3.0 <= lon <= 3.1 and 50.60 <= lat <= 50.65 for lon, lat in ring), name
    for (name_a, parts_a), (name_b, parts_b) in itertools.combinations(sector_rings.items(), 2):
        assert not any(overlap(a, b) for a in parts_a for b in parts_b), (name_a, name_b)


def test_overlap_check_detects_overlap():
    square = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
    assert overlap(square, [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]])
    assert overlap(square, [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 0.5]])
    assert not overlap(square, [[3, 3], [4, 3], [4, 4], [3, 3]])


# --- Accounts ---------------------------------------------------------------------------------------------


def check_accounts_one_per_role(programme):
    memberships = {m.user.email: m for m in programme.memberships.select_related("user", "organisation")}
    expected = {
        "mission@demo.npru.fr": Role.MISSION,
        "admin@demo.npru.fr": Role.ADMIN,
        "direction@demo.npru.fr": Role.DIRECTION,
        "referent@demo.npru.fr": Role.REFERENT,
        "referent-relogement@demo.npru.fr": Role.REFERENT,
        "referent-insertion@demo.npru.fr": Role.REFERENT,
        "bailleur@demo.npru.fr": Role.PARTNER,
        "etat@demo.npru.fr": Role.PARTNER,
    }
    assert {email: m.role for email, m in memberships.items()} == expected
    granted = memberships["referent-relogement@demo.npru.fr"]
    insertion = memberships["referent-insertion@demo.npru.fr"]
    for membership in memberships.values():
        assert membership.user.check_password(DEMO_PASSWORD)
        assert membership.user.needs_mfa == (membership in (granted, insertion))
    # The granted referent: relogement grant, and the printed secret as its second factor
    assert granted.personal_data_domains == ["relogement"]
    assert granted.referent_domain == Domain.RELOGEMENT
    assert granted.writes_domain("relogement")
    totp = granted.user.authenticator_set.get(type="totp")
    assert totp.data["secret"] == DEMO_TOTP_SECRETS["relogement"]
    assert granted.user.authenticator_set.filter(type="recovery_codes").exists()
    # The granted insertion referent: participants one by one, a demo secret of its own
    assert insertion.personal_data_domains == ["insertion"]
    assert insertion.referent_domain == Domain.INSERTION
    assert insertion.writes_domain("insertion")
    assert insertion.user.authenticator_set.get(type="totp").data["secret"] == DEMO_TOTP_SECRETS["insertion"]
    assert DEMO_TOTP_SECRETS["insertion"] != DEMO_TOTP_SECRETS["relogement"]
    admin = memberships["admin@demo.npru.fr"].user
    assert admin.is_superuser
    assert admin.is_staff
    assert (
        not User.objects.filter(is_superuser=True).exclude(pk=admin.pk).filter(email__endswith="demo.npru.fr")
    )
    assert memberships["mission@demo.npru.fr"].organisation.kind == "epci"
    assert memberships["referent@demo.npru.fr"].referent_domain == Domain.RELOGEMENT
    assert memberships["bailleur@demo.npru.fr"].organisation.name == "Habitat Métropole"
    assert memberships["etat@demo.npru.fr"].organisation.kind == "etat"


def check_account_scopes(programme):
    landlord = User.objects.get(email="bailleur@demo.npru.fr")
    state = User.objects.get(email="etat@demo.npru.fr")
    assert sorted(Sector.objects.visible_to(landlord).values_list("name", flat=True)) == [
        "Concorde",
        "Moulins",
    ]
    assert Sector.objects.visible_to(state).count() == 4
    visible = Operation.objects.visible_to(landlord)
    assert set(visible.values_list("sector__name", flat=True)) == {"Concorde", "Moulins"}
    assert Operation.objects.visible_to(state).count() == programme.operations.count()


def check_output(output):
    assert "Mot de passe (tous les comptes) : demo-npru-2026" in output
    relogement, insertion = DEMO_TOTP_SECRETS["relogement"], DEMO_TOTP_SECRETS["insertion"]
    assert f"referent-relogement@demo.npru.fr : secret TOTP {relogement}" in output
    uri = "otpauth://totp/referent-relogement%40demo.npru.fr?secret={}&issuer=Pilotage%20NPRU"
    assert uri.format(relogement) in output
    assert f"referent-insertion@demo.npru.fr : secret TOTP {insertion}" in output
    assert "bailleur@demo.npru.fr" in output
    assert "Moulins, Concorde" in output
    assert "Tout le programme" in output
    assert "Quartiers              : 4" in output
    assert "Lignes de financement" in output
    assert "Jalons" in output
    assert "M€" in output


def test_demo_accounts(output, programme):
    check_accounts_one_per_role(programme)
    check_account_scopes(programme)
    check_output(output)


# --- Idempotency, reset, dry run, later runs ----------------------------------------------------------------


def test_running_twice_changes_nothing(output):
    before = row_counts()
    stamps = dict(Operation.objects.values_list("identifier", "updated_at"))
    seed()
    assert row_counts() == before
    assert dict(Operation.objects.values_list("identifier", "updated_at")) == stamps


def test_reset_recreates_the_same_programme(output):
    before = row_counts()
    old_pk = Programme.objects.get(slug="npru-demo").pk
    seed(reset=True)
    after = row_counts()
    assert Programme.objects.get(slug="npru-demo").pk != old_pk
    assert {key: after[key] for key in before if not key.endswith("events")} == {
        key: before[key] for key in before if not key.endswith("events")
    }


def test_reset_keeps_other_programmes_and_users(output):
    other = Programme.objects.create(name="NPRU voisin", slug="npru-voisin")
    stranger = User.objects.create_user("quelquun@exemple.fr", "mot-de-passe-long")
    seed(reset=True)
    assert Programme.objects.filter(pk=other.pk).exists()
    assert User.objects.filter(pk=stranger.pk).exists()


def test_dry_run_writes_nothing(demo_dry_run):
    assert "Essai à blanc" in demo_dry_run
    assert not any(row_counts().values())


def test_a_later_run_moves_statuses_forward(output):
    programme = Programme.objects.get(slug="npru-demo")
    before = dict(programme.operations.values_list("identifier", "status"))
    out = StringIO()
    call_command("seed_demo", today=datetime.date(2028, 9, 1), stdout=out)
    after = dict(programme.operations.values_list("identifier", "status"))
    assert "conservé" not in out.getvalue()
    assert before != after
    assert funding_errors(programme) == []
    assert programme.operations.count() == len(before)

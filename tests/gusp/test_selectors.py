"""GUSP figures on a hand-computed set, against a frozen clock (31 March 2026, period: March 2026)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Organisation, OrganisationKind
from gusp import indicators, selectors
from gusp.models import GuspAction, Report, WalkAudit
from gusp.models import ReportStatus as R
from gusp.selectors import MapFilters, Period
from tests.accounts.factories import OrganisationFactory
from tests.gusp.factories import GuspActionFactory, ReportFactory, ThemeFactory, WalkAuditFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 3, 31, 12, 0, tzinfo=PARIS)
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
SPOT = (Decimal("50.616695"), Decimal("3.070735"))


def t(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=PARIS)


@pytest.fixture
def world(programme, sector_a):
    city = OrganisationFactory(name="Ville", kind=OrganisationKind.VILLE)
    metro = OrganisationFactory(name="Métropole", kind=OrganisationKind.EPCI)
    cleanliness = ThemeFactory(
        programme=programme, slug="proprete", name="Propreté", target_days=3, default_handler=city
    )
    roads = ThemeFactory(
        programme=programme, slug="voirie", name="Voirie", target_days=30, default_handler=metro
    )

    def report(key, theme, reported, status, *, ack=None, closed=None, point=None, **fields):
        latitude, longitude = point or (Decimal("50.6") + Decimal(len(made)) / 1000, Decimal("3.0"))
        made[key] = ReportFactory(
            programme=programme,
            sector=sector_a,
            theme=theme,
            handler=theme.default_handler,
            reported_at=reported,
            status=status,
            acknowledged_at=ack,
            closed_at=closed,
            latitude=latitude,
            longitude=longitude,
            **fields,
        )

    made: dict[str, Report] = {}
    report(
        "P1", cleanliness, t(3, 2), R.RESOLVED, ack=t(3, 2, 13), closed=t(3, 4), point=SPOT
    )  # 2 d, in time
    report("P2", cleanliness, t(3, 2), R.RESOLVED, ack=t(3, 3), closed=t(3, 8), point=SPOT)  # 6 d, late
    report("P3", cleanliness, t(3, 10), R.CLOSED_UNRESOLVED, ack=t(3, 10, 11), closed=t(3, 11), point=SPOT)
    report("P4", cleanliness, t(3, 10), R.DUPLICATE, ack=t(3, 10, 10), closed=t(3, 10, 10), point=SPOT)
    report("V1", roads, t(3, 1), R.RESOLVED, ack=t(3, 2), closed=t(3, 21))  # 20 d, in time
    report("V2", roads, t(2, 20), R.IN_PROGRESS, ack=t(2, 21))  # due 22 March: late
    report("V3", roads, t(3, 25), R.SENT, ack=t(3, 25, 12))
    report("P5", cleanliness, t(3, 30), R.NEW)
    report("OLD", cleanliness, t(1, 10), R.RESOLVED, ack=t(1, 10, 12), closed=t(1, 12))
    march_walk = WalkAuditFactory(
        programme=programme,
        sector=sector_a,
        held_on=datetime.date(2026, 3, 1),
        residents=10,
        citizen_council=2,
        elected_officials=1,
        professionals=3,
    )
    february_walk = WalkAuditFactory(programme=programme, sector=sector_a, held_on=datetime.date(2026, 2, 10))
    WalkAuditFactory(programme=programme, sector=sector_a, held_on=datetime.date(2026, 4, 10))
    Report.objects.filter(pk__in=[made["V1"].pk, made["P5"].pk]).update(walk_audit=march_walk)
    Report.objects.filter(pk=made["V2"].pk).update(walk_audit=february_walk)
    landlord_a = OrganisationFactory(name="Bailleur A", kind=OrganisationKind.BAILLEUR)
    landlord_b = OrganisationFactory(name="Bailleur B", kind=OrganisationKind.BAILLEUR)
    tfpb = {"programme": programme, "sector": sector_a, "tfpb": True}
    GuspActionFactory(
        **tfpb,
        owner=landlord_a,
        tfpb_axis="3",
        tfpb_amount=Decimal(45000),
        status="realisee",
        done_on=datetime.date(2026, 3, 1),
    )
    GuspActionFactory(**tfpb, owner=landlord_a, tfpb_axis="5", tfpb_amount=Decimal(10000))
    GuspActionFactory(**tfpb, owner=landlord_b, tfpb_axis="1", tfpb_amount=Decimal(20000), status="en_cours")
    GuspActionFactory(**tfpb, owner=landlord_a, tfpb_axis="4", tfpb_year=2025, tfpb_amount=Decimal(5000))
    GuspActionFactory(programme=programme, sector=sector_a)  # not TFPB
    return {"reports": made, "city": city, "metro": metro, "cleanliness": cleanliness, "roads": roads}


def figures(programme, period=MARCH):
    return selectors.gusp_figures(
        Report.objects.filter(programme=programme),
        WalkAudit.objects.filter(programme=programme),
        GuspAction.objects.filter(programme=programme),
        period=period,
    )


@time_machine.travel(NOW, tick=False)
def test_handling_within_target_and_medians_per_handler(programme, world):
    result = figures(programme)
    rows = {row.handler: row for row in result.handling}
    city, metro = rows["Ville"], rows["Métropole"]
    assert (city.handled, city.within_target, city.within_share) == (3, 2, Decimal("0.667"))
    assert (city.median_days, city.median_ack_hours) == (Decimal("2.0"), Decimal("4.0"))
    assert (metro.handled, metro.within_target, metro.within_share) == (1, 1, Decimal("1.000"))
    assert (metro.median_days, metro.median_ack_hours) == (Decimal("20.0"), Decimal("24.0"))
    total = result.handling_total
    assert (total.handled, total.within_target) == (4, 3)
    assert (total.median_days, total.median_ack_hours) == (Decimal("4.0"), Decimal("14.0"))


@time_machine.travel(NOW, tick=False)
def test_open_and_late_by_theme_and_handler(programme, world):
    result = figures(programme).open
    assert [(r.theme, r.handler, r.open, r.late) for r in result.rows] == [
        ("Propreté", "Ville", 1, 0),
        ("Voirie", "Métropole", 2, 1),
    ]
    assert result.by_handler == {"Métropole": (2, 1), "Ville": (1, 0)}
    assert result.total == (3, 1)


@time_machine.travel(NOW, tick=False)
def test_volume_hotspots_walks_and_tfpb(programme, world):
    result = figures(programme)
    assert (result.volume.reported, result.volume.closed, result.volume.closed_share) == (
        7,
        5,
        Decimal("0.714"),
    )
    assert result.volume.by_status[R.DUPLICATE] == 1
    [spot] = result.hotspots
    assert (spot.theme, spot.reports, spot.open) == ("Propreté", 4, 0)
    assert (spot.latitude, spot.longitude) == (Decimal("50.617"), Decimal("3.071"))
    walks = result.walks
    assert (walks.held, walks.participants, walks.residents) == (1, 16, 10)
    assert (walks.observations, walks.resolved, walks.open, walks.resolved_share) == (
        2,
        1,
        1,
        Decimal("0.500"),
    )
    assert [(r.landlord, r.year, r.actions, r.done, r.amount, r.done_amount) for r in result.tfpb] == [
        ("Bailleur A", 2026, 2, 1, Decimal("55000.00"), Decimal("45000.00")),
        ("Bailleur B", 2026, 1, 0, Decimal("20000.00"), Decimal("0.00")),
    ]


@time_machine.travel(NOW, tick=False)
def test_a_hotspot_needs_enough_reports(programme, world):
    assert selectors.hotspots(Report.objects.filter(programme=programme), period=MARCH, minimum=5) == []


@time_machine.travel(NOW, tick=False)
def test_map_points_are_light_and_filtered(programme, world):
    made, roads = world["reports"], world["roads"]
    reports = Report.objects.filter(programme=programme)
    points = selectors.map_points(reports, MapFilters(themes=(roads.pk,)))
    assert [point[0] for point in points] == [made[key].pk for key in ("V3", "V1", "V2")]
    overdue = {point[0]: point[5] for point in points}
    assert overdue == {made["V1"].pk: False, made["V2"].pk: True, made["V3"].pk: False}
    assert points[0][1:5] == (made["V3"].latitude, made["V3"].longitude, R.SENT, roads.pk)
    only_open_in_march = selectors.map_points(reports, MapFilters(statuses=(R.NEW, R.SENT), period=MARCH))
    assert {point[0] for point in only_open_in_march} == {made["V3"].pk, made["P5"].pk}
    by_handler = selectors.map_points(reports, MapFilters(handlers=(world["city"].pk,)), limit=2)
    assert [point[0] for point in by_handler] == [made["P5"].pk, made["P4"].pk]


@time_machine.travel(NOW, tick=False)
def test_indicators_for_the_evaluation(programme, world):
    values = {i.key: i.value for i in indicators.indicators(programme, period=MARCH)}
    assert values["signalements"] == 7
    assert values["part_traites_dans_delai"] == Decimal("0.750")
    assert values["delai_median_traitement"] == Decimal("4.0")
    assert values["signalements_en_retard"] == 1
    assert values["points_recurrents"] == 1
    assert values["diagnostics_marchant"] == 1
    assert values["montant_tfpb"] == Decimal("75000.00")
    assert values["abattement_tfpb"] is None  # none recorded: no rate either
    assert values["taux_valorisation_tfpb"] is None


@time_machine.travel(NOW, tick=False)
def test_the_abatement_indicators_count_the_landlords_years_that_have_one(programme, world):
    from gusp.models import TfpbAbatement

    landlord_a = Organisation.objects.get(name="Bailleur A")
    TfpbAbatement.objects.create(programme=programme, landlord=landlord_a, year=2026, amount=Decimal("50000"))
    values = {i.key: i.value for i in indicators.indicators(programme, period=MARCH)}
    assert values["abattement_tfpb"] == Decimal("50000")
    # Bailleur A's 55,000 € valued over its 50,000 € abatement; Bailleur B has none recorded: left out.
    assert values["taux_valorisation_tfpb"] == Decimal("1.100")
    assert values["montant_tfpb"] == Decimal("75000.00")


def test_the_default_period_is_the_year_up_to_today():
    assert Period.year_before(datetime.date(2026, 3, 31)) == Period(
        datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)
    )


@time_machine.travel(NOW, tick=False)
def test_the_number_of_queries_does_not_depend_on_the_rows(
    programme, world, sector_a, django_assert_num_queries
):
    # 9: the walk audits' follow-up actions are one aggregate of their own.
    with django_assert_num_queries(9):
        figures(programme)
    for day in range(1, 29):
        ReportFactory(
            programme=programme, sector=sector_a, theme=world["roads"], reported_at=t(3, day), sent=True
        )
    with django_assert_num_queries(9):
        figures(programme)


@time_machine.travel(NOW, tick=False)
def test_figures_are_cached_until_a_write(programme, world, django_assert_num_queries):
    args = (
        Report.objects.filter(programme=programme),
        WalkAudit.objects.filter(programme=programme),
        GuspAction.objects.filter(programme=programme),
    )
    first = selectors.cached_figures(*args, programme_id=programme.pk, scope="tout", period=MARCH)
    with django_assert_num_queries(0):
        assert selectors.cached_figures(*args, programme_id=programme.pk, scope="tout", period=MARCH) == first
    report = world["reports"]["P5"]
    report.description = "Autre chose"
    report.save()
    with django_assert_num_queries(9):
        selectors.cached_figures(*args, programme_id=programme.pk, scope="tout", period=MARCH)


def test_aggregable_by_keeps_the_rows_of_scope_q(programme, sector_a, sector_b):
    """`aggregable_by` reads the memberships in Python (lists the planner can estimate) and keeps exactly
    the rows `scope_q` keeps: the programme for a membership without sectors, the sectors otherwise,
    whatever the role; nothing for an inactive membership or another programme's member."""
    from accounts.models import Role, scope_q
    from tests.accounts.factories import MembershipFactory, UserFactory
    from tests.projects.factories import ProgrammeFactory, SectorFactory

    other = ProgrammeFactory()
    rows = [
        ReportFactory(programme=programme, sector=sector_a),
        ReportFactory(programme=programme, sector=sector_b),
        ReportFactory(programme=other, sector=SectorFactory(programme=other)),
    ]
    members = {
        "mission": MembershipFactory(programme=programme, role=Role.MISSION).user,
        "sector_a": MembershipFactory(programme=programme, role=Role.DIRECTION, sectors=[sector_a]).user,
        "partner_b": MembershipFactory(programme=programme, role=Role.PARTNER, sectors=[sector_b]).user,
        "inactive": MembershipFactory(programme=programme, is_active=False).user,
        "other": MembershipFactory(programme=other).user,
        "admin": UserFactory(is_superuser=True),
        "nobody": UserFactory(),
    }
    expected = {
        "mission": 2,
        "sector_a": 1,
        "partner_b": 1,
        "inactive": 0,
        "other": 1,
        "admin": 3,
        "nobody": 0,
    }
    for key, user in members.items():
        kept = set(Report.objects.aggregable_by(user))
        assert kept == set(
            Report.objects.filter(scope_q(user, programme_path="programme", sector_path="sector"))
        )
        assert len(kept & set(rows)) == expected[key], key


@pytest.mark.parametrize(
    ("reported", "inside"),
    [
        (datetime.datetime(2026, 3, 1, 0, 0, tzinfo=PARIS), True),  # the first local midnight
        (datetime.datetime(2026, 2, 28, 23, 59, tzinfo=PARIS), False),
        (datetime.datetime(2026, 3, 31, 23, 59, tzinfo=PARIS), True),  # 21:59 UTC, still March 31 here
        (datetime.datetime(2026, 4, 1, 0, 0, tzinfo=PARIS), False),
        (datetime.datetime(2026, 3, 29, 2, 30, tzinfo=datetime.UTC), True),  # the night clocks go forward
    ],
)
def test_a_period_holds_the_local_days_from_midnight_to_midnight(programme, reported, inside):
    """`reported_in` / `closed_in` compare the column with local midnights: the same days as the dates of
    the timestamps in the local time zone."""
    report = ReportFactory(programme=programme, reported_at=reported)
    assert (report in selectors.reported_in(Report.objects.all(), MARCH)) is inside
    assert (reported.astimezone(PARIS).date().month == 3) is inside  # what `__date` in March says

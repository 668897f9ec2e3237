"""GUSP models: who sees which report, and the rules every report, convention and action keeps."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import OrganisationKind, Role
from gusp.models import GuspAction, GuspConvention, Report, ReportStatus, Theme, WalkAudit
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.gusp.factories import (
    GuspActionFactory,
    GuspConventionFactory,
    ReportFactory,
    ThemeFactory,
    WalkAuditFactory,
)
from tests.projects.factories import ProgrammeFactory, SectorFactory


@pytest.fixture
def city(programme):
    return OrganisationFactory(name="Ville de Lille", kind=OrganisationKind.VILLE)


@pytest.fixture
def landlord():
    return OrganisationFactory(name="Logis du Nord", kind=OrganisationKind.BAILLEUR)


@pytest.fixture
def reports(programme, sector_a, sector_b, city, landlord):
    return {
        "a_city": ReportFactory(programme=programme, sector=sector_a, handler=city, sent=True),
        "a_landlord": ReportFactory(programme=programme, sector=sector_a, handler=landlord, sent=True),
        "b_landlord": ReportFactory(programme=programme, sector=sector_b, handler=landlord, sent=True),
        # « Nouveau »: its theme's default handler, not yet routed (the team triages it first).
        "a_landlord_new": ReportFactory(programme=programme, sector=sector_a, handler=landlord),
        "b_none": ReportFactory(programme=programme, sector=sector_b, handler=None),
        "elsewhere": ReportFactory(handler=landlord),
    }


def visible(user, reports) -> set[str]:
    pks = set(Report.objects.visible_to(user).values_list("pk", flat=True))
    return {name for name, report in reports.items() if report.pk in pks}


def test_the_team_sees_the_programme_and_a_sector_member_their_sector(programme, sector_a, reports):
    mission = MembershipFactory(programme=programme, role=Role.MISSION).user
    direction_a = MembershipFactory(programme=programme, role=Role.DIRECTION, sectors=[sector_a]).user
    assert visible(mission, reports) == {"a_city", "a_landlord", "a_landlord_new", "b_landlord", "b_none"}
    assert visible(direction_a, reports) == {"a_city", "a_landlord", "a_landlord_new"}
    assert visible(UserFactory(), reports) == set()


def test_a_handler_partner_sees_only_the_reports_routed_to_their_organisation(
    programme, sector_a, landlord, reports
):
    whole = MembershipFactory(programme=programme, role=Role.PARTNER, organisation=landlord).user
    # A partner limited to sector A sees no report row of that sector unless it is routed to them.
    limited = MembershipFactory(
        programme=programme, role=Role.PARTNER, organisation=OrganisationFactory(), sectors=[sector_a]
    ).user
    assert visible(whole, reports) == {"a_landlord", "b_landlord"}
    assert visible(limited, reports) == set()
    # ... while their aggregates cover their sector.
    assert set(Report.objects.aggregable_by(limited).values_list("pk", flat=True)) == {
        reports["a_city"].pk,
        reports["a_landlord"].pk,
        reports["a_landlord_new"].pk,
    }


def test_an_inactive_membership_sees_nothing(programme, landlord, reports):
    membership = MembershipFactory(programme=programme, role=Role.PARTNER, organisation=landlord)
    membership.is_active = False
    membership.save()
    assert visible(membership.user, reports) == set()


def test_open_and_late(programme):
    late = ReportFactory(programme=programme, sent=True, due_on=datetime.date(2026, 3, 5))
    ReportFactory(programme=programme, sent=True, due_on=datetime.date(2026, 3, 20))
    ReportFactory(programme=programme, resolved=True, due_on=datetime.date(2026, 3, 1))
    assert Report.objects.open().count() == 2
    assert list(Report.objects.late(datetime.date(2026, 3, 10))) == [late]
    assert late.is_late(datetime.date(2026, 3, 10))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": ReportStatus.SENT, "handler": None}, "handler"),
        ({"status": ReportStatus.SENT, "competent_body": "Enedis"}, "competent_body"),
        ({"latitude": None}, "latitude"),
        ({"closed_at": datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC)}, "closed_at"),
        (
            {
                "status": ReportStatus.RESOLVED,
                "closed_at": datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
            },
            "closed_at",
        ),
    ],
)
def test_a_report_keeps_its_rules(fields, field):
    report = ReportFactory.build(
        programme=ProgrammeFactory(), sector=SectorFactory(), theme=ThemeFactory(), **fields
    )
    report.sector.programme = report.programme
    report.theme.programme = report.programme
    with pytest.raises(ValidationError) as error:
        report.full_clean(exclude=["programme", "sector", "theme"])
    assert field in error.value.message_dict


def test_a_report_of_another_programme_is_no_duplicate(programme):
    report = ReportFactory(programme=programme)
    report.status, report.duplicate_of = ReportStatus.DUPLICATE, ReportFactory()
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "duplicate_of" in error.value.message_dict


def test_the_point_is_complete_or_absent_in_the_database(programme):
    from django.db import IntegrityError, transaction

    report = ReportFactory(programme=programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(latitude=None)


def test_theme_synonyms_are_trimmed_and_unique(programme):
    theme = ThemeFactory(programme=programme, synonyms=[" Dépôt sauvage ", "Dépôt sauvage", ""])
    theme.full_clean()
    assert theme.synonyms == ["Dépôt sauvage"]
    assert Theme.objects.visible_to(UserFactory()).count() == 0


def test_axis_8_of_the_tfpb_does_not_apply_in_npnru_quartiers(programme):
    npnru = SectorFactory(programme=programme, interest="prin")
    other = SectorFactory(programme=programme, interest="")
    action = GuspActionFactory.build(
        programme=programme, sector=npnru, owner=OrganisationFactory(kind=OrganisationKind.BAILLEUR)
    )
    action.tfpb_axis, action.tfpb_year, action.tfpb_amount = "8", 2026, Decimal(1000)
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "tfpb_axis" in error.value.message_dict
    action.sector = other
    action.full_clean()


def test_a_tfpb_action_is_a_landlords_with_its_amount(programme):
    action = GuspActionFactory.build(programme=programme, sector=None, tfpb_axis="4")
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert {"tfpb_amount", "tfpb_year", "owner"} <= set(error.value.message_dict)
    assert GuspActionFactory(programme=programme, tfpb=True).is_tfpb
    assert GuspAction.objects.tfpb().count() == 1


def test_a_convention_is_seen_by_the_members_of_one_of_its_sectors(programme, sector_a, sector_b):
    convention = GuspConventionFactory(programme=programme, sectors=[sector_a])
    member_a = MembershipFactory(programme=programme, role=Role.PARTNER, sectors=[sector_a]).user
    member_b = MembershipFactory(programme=programme, role=Role.PARTNER, sectors=[sector_b]).user
    mission = MembershipFactory(programme=programme, role=Role.MISSION).user
    assert list(GuspConvention.objects.visible_to(member_a)) == [convention]
    assert list(GuspConvention.objects.visible_to(member_b)) == []
    assert list(GuspConvention.objects.visible_to(mission)) == [convention]


def test_a_management_project_names_its_npnru_convention(programme):
    convention = GuspConventionFactory.build(programme=programme, is_management_project=True)
    with pytest.raises(ValidationError) as error:
        convention.full_clean()
    assert "npnru_convention" in error.value.message_dict


def test_walk_audits_are_scoped_by_sector(programme, sector_a, sector_b):
    audit = WalkAuditFactory(programme=programme, sector=sector_a)
    WalkAuditFactory(programme=programme, sector=sector_b)
    member_a = MembershipFactory(programme=programme, role=Role.PARTNER, sectors=[sector_a]).user
    assert list(WalkAudit.objects.visible_to(member_a)) == [audit]
    assert audit.participants == 20
    assert WalkAudit.objects.held(datetime.date(2026, 4, 13)).count() == 0

"""Who writes GUSP data: the team and the GUSP referent everything; a handler organisation's partner users
the status, answer and photos of the reports routed to them only; everyone else nothing."""

import pytest

from accounts.models import Domain, OrganisationKind, Role
from gusp.models import ReportStatus as R
from gusp.rules import status_choices
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.gusp.factories import ReportFactory

HANDLER_PERMS = ("gusp.change_report_status", "gusp.answer_report", "gusp.add_reportphoto")
TEAM_ONLY = ("gusp.route_report", "gusp.change_report")


@pytest.fixture
def landlord():
    return OrganisationFactory(name="Logis du Nord", kind=OrganisationKind.BAILLEUR)


@pytest.fixture
def ours(programme, sector_a, landlord):
    return ReportFactory(programme=programme, sector=sector_a, handler=landlord, sent=True)


@pytest.fixture
def theirs(programme, sector_a):
    return ReportFactory(programme=programme, sector=sector_a, sent=True)


def member(programme, role, **kwargs):
    return MembershipFactory(programme=programme, role=role, **kwargs).user


def test_the_team_and_the_gusp_referent_write_everything(programme, ours, theirs):
    for user in (
        member(programme, Role.MISSION),
        member(programme, Role.ADMIN),
        member(programme, Role.REFERENT, referent_domain=Domain.GUSP),
    ):
        for report in (ours, theirs):
            for perm in (*HANDLER_PERMS, *TEAM_ONLY):
                assert user.has_perm(perm, report), (user, perm)
        assert user.has_perm("gusp.add_report", programme)
        assert [value for value, _ in status_choices(user, ours)] == [
            R.NEW,
            R.SENT,
            R.IN_PROGRESS,
            R.RESOLVED,
            R.CLOSED_UNRESOLVED,
            R.NOT_OURS,
            R.DUPLICATE,
        ]


def test_a_handler_partner_updates_only_their_reports_and_only_their_status(
    programme, landlord, ours, theirs
):
    partner = member(programme, Role.PARTNER, organisation=landlord)
    for perm in HANDLER_PERMS:
        assert partner.has_perm(perm, ours)
        assert not partner.has_perm(perm, theirs)
    for perm in TEAM_ONLY:
        assert not partner.has_perm(perm, ours)
    assert not partner.has_perm("gusp.add_report", programme)
    assert [value for value, _ in status_choices(partner, ours)] == [
        R.SENT,
        R.IN_PROGRESS,
        R.RESOLVED,
        R.CLOSED_UNRESOLVED,
        R.NOT_OURS,
    ]
    assert status_choices(partner, theirs) == []


def test_a_new_report_is_not_yet_routed_to_its_default_handler(programme, sector_a, landlord):
    """« Nouveau »: the handler is only the theme's default until the team triages it; its partners write
    nothing on it (no status, answer nor photo), the team everything."""
    new = ReportFactory(programme=programme, sector=sector_a, handler=landlord, status=R.NEW)
    partner = member(programme, Role.PARTNER, organisation=landlord)
    for perm in HANDLER_PERMS:
        assert not partner.has_perm(perm, new), perm
    assert status_choices(partner, new) == []
    mission = member(programme, Role.MISSION)
    assert all(mission.has_perm(perm, new) for perm in HANDLER_PERMS)
    assert R.SENT in {value for value, _ in status_choices(mission, new)}
    new.status = R.SENT  # transmitted: now routed to the landlord
    assert all(partner.has_perm(perm, new) for perm in HANDLER_PERMS)


def test_a_landlord_of_another_programme_writes_nothing(landlord, ours):
    elsewhere = MembershipFactory(role=Role.PARTNER, organisation=landlord).user
    assert not elsewhere.has_perm("gusp.change_report_status", ours)


@pytest.mark.parametrize("role", [Role.DIRECTION, Role.PARTNER])
def test_others_read_only(programme, ours, role):
    user = member(programme, role)
    for perm in (*HANDLER_PERMS, *TEAM_ONLY):
        assert not user.has_perm(perm, ours)
    assert not UserFactory().has_perm("gusp.change_report_status", ours)


def test_a_referent_of_another_domain_or_a_sector_writes_only_there(programme, sector_b, ours):
    assert not member(programme, Role.REFERENT, referent_domain=Domain.RELOGEMENT).has_perm(
        "gusp.route_report", ours
    )
    assert not member(programme, Role.MISSION, sectors=[sector_b]).has_perm("gusp.route_report", ours)

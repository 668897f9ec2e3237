"""The SQL of the dashboards and main lists, compared with stored snapshots (tests/__snapshots__/).

A change of the queries a page runs (one more per row, a lost join, a new aggregate) fails here with the
diff; when the change is wanted, review it and write the new snapshot with `pytest --snapshot-update`.
Each page is opened once before the measured request (caches of content types and templates, the
session's first write) and the cache is emptied in between, so the snapshot shows the full work.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.governance.factories import ActionFactory
from tests.projects.factories import FundingLineFactory, MilestoneFactory, OperationFactory
from tests.relogement.test_indicators import build_data_set


@pytest.fixture
def data(programme, sector_a, sector_b):
    build_data_set(programme, sector_a, sector_b)
    for sector in (sector_a, sector_b, None):
        for _ in range(2):
            operation = OperationFactory(programme=programme, sector=sector)
            FundingLineFactory(operation=operation)
            MilestoneFactory(operation=operation)
    ActionFactory.create_batch(3, programme=programme, sector=sector_a)
    ActionFactory(programme=programme, overdue=True)


@pytest.mark.parametrize(
    "url_name",
    ["projects:dashboard", "projects:operation_list", "relogement:dashboard", "governance:action_board"],
)
def test_page_sql(mission_client, data, snapshot_queries, url_name):
    url = reverse(url_name)
    assert mission_client.get(url).status_code == 200
    cache.clear()
    with snapshot_queries():
        response = mission_client.get(url)
    assert response.status_code == 200


@pytest.fixture
def insertion_data(programme):
    from tests.insertion.test_indicators import build_data_set as build_insertion_data_set

    build_insertion_data_set(programme)


@pytest.mark.parametrize(
    "url_name", ["insertion:dashboard", "insertion:market_list", "insertion:participant_list"]
)
def test_insertion_page_sql(client, programme, insertion_data, snapshot_queries, url_name):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.accounts.factories import MembershipFactory

    user = MembershipFactory(programme=programme, personal_data_domains=["insertion"]).user
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    url = reverse(url_name)
    assert client.get(url).status_code == 200
    cache.clear()
    with snapshot_queries():
        response = client.get(url)
    assert response.status_code == 200


@pytest.fixture
def gusp_data(programme, sector_a, sector_b):
    from gusp.models import ReportStatus
    from tests.gusp.factories import AnswerTemplateFactory, ReportFactory, ThemeFactory

    themes = [ThemeFactory(programme=programme), ThemeFactory(programme=programme, target_days=30)]
    for index in range(12):
        ReportFactory(
            programme=programme,
            sector=(sector_a, sector_b)[index % 2],
            theme=themes[index % 2],
            status=(ReportStatus.NEW, ReportStatus.NEW, ReportStatus.IN_PROGRESS)[index % 3],
        )
    AnswerTemplateFactory(programme=programme)


@pytest.mark.parametrize("url_name", ["gusp:triage", "gusp:report_list", "gusp:report_points"])
def test_gusp_page_sql(mission_client, gusp_data, snapshot_queries, url_name):
    url = reverse(url_name)
    assert mission_client.get(url).status_code == 200
    cache.clear()
    with snapshot_queries():
        response = mission_client.get(url)
    assert response.status_code == 200


def test_gusp_dashboard_sql(programme, sector_a, gusp_data, snapshot_queries):
    """The GUSP dashboard, as the mission team and as a partner limited to one quartier (its scope)."""
    from django.test import Client

    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory

    url = reverse("gusp:dashboard")
    clients = []
    for membership in (
        MembershipFactory(programme=programme, role=Role.MISSION),
        MembershipFactory(programme=programme, role=Role.PARTNER, sectors=[sector_a]),
    ):
        client = Client()
        client.force_login(membership.user)
        assert client.get(url).status_code == 200
        clients.append(client)
    cache.clear()
    with snapshot_queries():
        for client in clients:
            assert client.get(url).status_code == 200


@pytest.fixture
def gusp_action_data(programme, sector_a, sector_b):
    from tests.gusp.factories import GuspActionFactory

    for index in range(6):
        GuspActionFactory(programme=programme, sector=(sector_a, sector_b, None)[index % 3])
    for index in range(4):
        GuspActionFactory(programme=programme, sector=(sector_a, sector_b)[index % 2], tfpb=True)


def test_gusp_action_list_sql(mission_client, gusp_action_data, snapshot_queries):
    url = reverse("gusp:action_list")
    assert mission_client.get(url).status_code == 200
    cache.clear()
    with snapshot_queries():
        response = mission_client.get(url)
    assert response.status_code == 200

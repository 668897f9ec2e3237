"""The main menu's registry (core/navigation.py): entries from each app's navigation.py, who sees them,
which page highlights which entry, and the menu drawn by base.html."""

import re

import pytest
from django.test import RequestFactory
from django.urls import resolve, reverse

from accounts.models import Domain, Role
from core import navigation
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.governance.factories import ActionFactory, BodyFactory, FeedbackFactory, MeetingFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory

LABELS = [
    "Tableau de bord",
    "Quartiers",
    "Opérations",
    "Relogement",
    "Insertion",
    "GUSP",
    "Instances",
    "Actions",
    "Concertation",
    "Dossiers",
    "Imports",
]


def test_entries_come_from_each_apps_navigation_module_in_order():
    entries = navigation.entries()
    assert [entry.label for entry in entries] == LABELS
    owners = {entry.label: entry.url_name.split(":")[0] for entry in entries}
    assert owners["Relogement"] == "relogement"
    assert owners["Dossiers"] == "reporting"
    orders = [entry.order for entry in entries]
    assert orders == sorted(orders)
    assert len(set(orders)) == len(orders)


@pytest.mark.parametrize("entry", navigation.entries(), ids=lambda entry: entry.label)
def test_every_entry_opens_a_page_it_highlights(entry):
    match = resolve(reverse(entry.url_name))
    assert entry.is_active(match.namespace, match.url_name)


def _request(user, path="/", membership=None, programme=None):
    request = RequestFactory().get(path)
    request.user = user
    request.membership = membership
    request.programme = membership.programme if membership else programme
    request.resolver_match = resolve(path)
    return request


def test_imports_only_for_those_who_may_run_one(programme):
    def labels(user, membership=None):
        return [
            item.label for item in navigation.menu(_request(user, membership=membership, programme=programme))
        ]

    mission = MembershipFactory(programme=programme, role=Role.MISSION)
    direction = MembershipFactory(programme=programme, role=Role.DIRECTION)
    partner = MembershipFactory(programme=programme, role=Role.PARTNER)
    granted_referent = MembershipFactory(
        programme=programme,
        role=Role.REFERENT,
        referent_domain=Domain.INSERTION,
        personal_data_domains=["insertion"],
    )
    ungranted_referent = MembershipFactory(
        programme=programme, role=Role.REFERENT, referent_domain=Domain.INSERTION
    )
    assert labels(mission.user, mission) == LABELS
    assert labels(direction.user, direction) == LABELS[:-1]
    assert labels(partner.user, partner) == LABELS[:-1]
    assert labels(granted_referent.user, granted_referent) == LABELS
    assert labels(ungranted_referent.user, ungranted_referent) == LABELS[:-1]
    assert labels(UserFactory(is_superuser=True)) == LABELS


@pytest.mark.parametrize(
    ("url_name", "kwargs", "active"),
    [
        ("projects:dashboard", {}, "Tableau de bord"),
        ("projects:sector_list", {}, "Quartiers"),
        ("projects:operation_list", {}, "Opérations"),
        ("projects:operation_history", {"pk": 1}, "Opérations"),
        ("relogement:household_list", {}, "Relogement"),
        ("governance:meeting_detail", {"pk": 1}, "Instances"),
        ("governance:body_list", {}, "Instances"),
        ("governance:action_detail", {"pk": 1}, "Actions"),
        ("governance:feedback_detail", {"pk": 1}, "Concertation"),
        ("governance:event_list", {}, "Concertation"),
        ("reporting:pack_list", {}, "Dossiers"),
        ("imports:mapping_list", {}, "Imports"),
        ("governance:decision_edit", {"pk": 1}, None),
        ("access_log:list", {}, None),
    ],
)
def test_the_current_page_highlights_one_entry(url_name, kwargs, active):
    user = UserFactory.build(is_superuser=True)
    items = navigation.menu(
        _request(user, reverse(url_name, kwargs=kwargs), programme=ProgrammeFactory.build())
    )
    assert [item.label for item in items if item.active] == ([active] if active else [])


def _menu(html: str) -> list[tuple[str, str, bool]]:
    block = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', html, re.S).group(1)
    links = re.findall(
        r'<a class="nav-link( active)?"\s*(aria-current="page")?\s*href="([^"]+)">([^<]+)</a>', block
    )
    return [(label, href, bool(active)) for active, _current, href, label in links]


def test_base_html_draws_the_menu(client, programme, sector_a):
    operation = OperationFactory(programme=programme, sector=sector_a)
    meeting = MeetingFactory(body=BodyFactory(programme=programme))
    ActionFactory(programme=programme)
    FeedbackFactory(programme=programme)
    client.force_login(MembershipFactory(programme=programme, role=Role.MISSION).user)

    menu = _menu(client.get(reverse("projects:operation_detail", args=[operation.pk])).content.decode())
    assert [label for label, _, _ in menu] == LABELS
    assert [label for label, _, active in menu if active] == ["Opérations"]
    assert {label: href for label, href, _ in menu}["Instances"] == reverse("governance:meeting_calendar")

    menu = _menu(client.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode())
    assert [label for label, _, active in menu if active] == ["Instances"]


def test_no_menu_without_a_programme(client):
    client.force_login(UserFactory())
    html = client.get(reverse("projects:dashboard"), follow=True).content.decode()
    assert 'class="navbar-nav me-auto"' not in html

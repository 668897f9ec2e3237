"""The personal-data access log: written by the household pages, read by administrators and the DPO."""

import csv
import datetime
from io import BytesIO, StringIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from core.access import access_events_purge, access_log
from core.models import AccessAction, AccessEvent
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.projects.factories import ProgrammeFactory
from tests.relogement.factories import HouseholdFactory
from tests.relogement.test_households import granted_user


def _log(user, ref="M-0001", action=AccessAction.VIEW):
    return access_log(
        user=user, action=action, domain="relogement", model="Household", object_ref=ref, path="/relogement/"
    )


def test_every_household_page_writes_one_event_without_data(client, programme):
    household = HouseholdFactory(programme=programme, comments="Texte libre", landlord_reference="LR-9")
    user = granted_user(programme)
    client.force_login(user)
    client.get(reverse("relogement:household_list"))
    client.get(reverse("relogement:household_detail", args=[household.pk]))
    client.get(reverse("relogement:household_export"))
    client.get(reverse("relogement:offer_add", args=[household.pk]))
    events = list(AccessEvent.objects.order_by("pk"))
    assert [event.action for event in events] == ["liste", "consultation", "export", "consultation"]
    assert all(event.user == user for event in events)
    assert all(event.domain == "relogement" for event in events)
    assert [event.object_ref for event in events] == ["", household.reference, "", household.reference]
    for event in events:
        assert "LR-9" not in event.path + event.object_ref + event.reason
        assert "Texte libre" not in event.path + event.object_ref + event.reason


def test_programme_admin_sees_the_events_of_the_programme_members_only(client, programme):
    admin = MembershipFactory(programme=programme, role=Role.ADMIN).user
    member = MembershipFactory(programme=programme).user
    foreigner = MembershipFactory(programme=ProgrammeFactory()).user
    _log(member, "M-MEMBER")
    _log(foreigner, "M-FOREIGN")
    client.force_login(admin)
    response = client.get(reverse("access_log:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "M-MEMBER" in html
    assert "M-FOREIGN" not in html
    filtered = client.get(reverse("access_log:list"), {"action": "export"}).content.decode()
    assert "M-MEMBER" not in filtered


def test_the_user_filter_names_people_by_address_as_the_table_does(client, programme):
    admin = MembershipFactory(programme=programme, role=Role.ADMIN).user
    member = MembershipFactory(programme=programme).user
    _log(member, "M-MEMBER")
    client.force_login(admin)
    html = client.get(reverse("access_log:list")).content.decode()
    select = html.split('name="user"', 1)[1].split("</select>", 1)[0]
    assert f">{member.email}</option>" in select


def test_the_page_gives_the_retention_of_the_settings(client, programme, settings):
    settings.ACCESS_LOG_RETENTION_MONTHS = 18
    client.force_login(MembershipFactory(programme=programme, role=Role.ADMIN).user)
    html = client.get(reverse("access_log:list")).content.decode()
    assert "il est conservé 18 mois" in html


def test_superuser_sees_everything_and_exports_xlsx_and_csv(client, programme):
    member = MembershipFactory(programme=programme).user
    _log(member, "M-AAA")
    _log(MembershipFactory(programme=ProgrammeFactory()).user, "=HYPERLINK(1)", action=AccessAction.EXPORT)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert "M-AAA" in client.get(reverse("access_log:list")).content.decode()
    response = client.get(reverse("access_log:export"))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Date"
    assert len(rows) == 3
    response = client.get(reverse("access_log:export"), {"format": "csv", "action": "export"})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(lines) == 2
    assert lines[1][5] == "'=HYPERLINK(1)"


def test_access_log_is_closed_to_mission_and_to_granted_users(client, programme):
    client.force_login(granted_user(programme))
    assert client.get(reverse("access_log:list")).status_code == 403
    assert client.get(reverse("access_log:export")).status_code == 403


def _event_at(at: datetime.datetime) -> AccessEvent:
    event = AccessEvent.objects.create(domain="relogement", action=AccessAction.VIEW, model="household")
    AccessEvent.objects.filter(pk=event.pk).update(at=at)
    return event


def test_purge_deletes_access_events_older_than_12_months_only():
    tz = timezone.get_current_timezone()
    old = _event_at(datetime.datetime(2025, 11, 20, 23, 0, tzinfo=tz))
    older = _event_at(datetime.datetime(2024, 2, 1, 9, 0, tzinfo=tz))
    kept = _event_at(datetime.datetime(2025, 11, 21, 0, 30, tzinfo=tz))
    recent = _event_at(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=tz))

    assert access_events_purge(today=datetime.date(2026, 11, 21), dry_run=True) == 2
    assert AccessEvent.objects.count() == 4
    assert access_events_purge(today=datetime.date(2026, 11, 21)) == 2

    remaining = set(AccessEvent.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk, recent.pk}
    assert not {old.pk, older.pk} & remaining


def test_the_log_names_kinds_of_objects_and_domains_in_french(client, programme):
    """ "Household" is stored (the model's name); the page and the exports say "Ménage"."""
    admin = MembershipFactory(programme=programme, role=Role.ADMIN).user
    _log(MembershipFactory(programme=programme).user, "M-FR")
    client.force_login(admin)

    table = client.get(reverse("access_log:list")).content.decode().split('id="access-log-table"')[1]
    response = client.get(reverse("access_log:export"), {"format": "csv"})
    lines = list(csv.reader(StringIO(response.content.decode("utf-8-sig")), delimiter=";"))

    assert "<td >Ménage</td>" in table
    assert "<td >Relogement</td>" in table
    assert "Household" not in table
    assert lines[1][3:5] == ["Relogement", "Ménage"]

import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from governance import services
from governance.ics import feed_token, meeting_uid, user_for_token
from governance.models import MeetingStatus
from tests.accounts.factories import UserFactory
from tests.governance.factories import AgendaItemFactory, MeetingFactory

PARIS = ZoneInfo("Europe/Paris")


def _parse(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_meeting_ics_download(mission_client, body_a):
    starts_at = datetime.datetime(2026, 7, 2, 14, 30, tzinfo=PARIS)  # summer time: UTC+2
    meeting = MeetingFactory(body=body_a, starts_at=starts_at, ends_at=None, place="Maison du projet")
    AgendaItemFactory(meeting=meeting, title="Avancement des démolitions")
    response = mission_client.get(reverse("governance:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="seance-')
    calendar = _parse(response)
    assert calendar["METHOD"] == "PUBLISH"
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [tz["TZID"] for tz in timezones] == ["Europe/Paris"]
    [event] = calendar.events
    assert event["UID"] == f"seance-{meeting.pk}@pilotage-npru"
    assert event["SUMMARY"] == "COPIL Moulins"
    assert event["LOCATION"] == "Maison du projet"
    assert event["STATUS"] == "CONFIRMED"
    assert event.start == starts_at
    assert event.start.tzinfo.key == "Europe/Paris"
    assert event.end == starts_at + datetime.timedelta(hours=2)
    assert "1. Avancement des démolitions" in event["DESCRIPTION"]
    assert event["URL"].endswith(reverse("governance:meeting_detail", args=[meeting.pk]))
    raw = response.content.decode()
    assert "DTSTART;TZID=Europe/Paris:20260702T143000" in raw
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in raw


def test_ics_uid_is_stable_and_cancellation_is_published(mission_client, body_a):
    meeting = MeetingFactory(body=body_a)
    url = reverse("governance:meeting_ics", args=[meeting.pk])
    first = _parse(mission_client.get(url)).events[0]
    services.meeting_update(meeting=meeting, status=MeetingStatus.CANCELLED)
    second = _parse(mission_client.get(url)).events[0]
    assert first["UID"] == second["UID"] == meeting_uid(meeting)
    assert second["STATUS"] == "CANCELLED"
    assert int(second["SEQUENCE"]) >= int(first["SEQUENCE"])


def test_feed_token_identifies_the_user_and_is_revoked_by_a_password_change(mission_user):
    token = feed_token(mission_user)
    assert user_for_token(token) == mission_user
    assert str(mission_user.pk) == token.split("-")[0]
    assert user_for_token(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert user_for_token("garbage") is None
    assert user_for_token(f"{mission_user.pk + 1000}-{token.split('-')[1]}") is None
    mission_user.set_password("un-tout-nouveau-mot-de-passe")
    mission_user.save()
    assert user_for_token(token) is None
    assert user_for_token(feed_token(mission_user)) == mission_user


def test_feed_token_of_a_deactivated_account_is_refused(mission_user):
    token = feed_token(mission_user)
    mission_user.is_active = False
    mission_user.save()
    assert user_for_token(token) is None


def test_feed_needs_no_session_and_lists_only_visible_meetings(client, partner_user_a, body_a, body_b, cotec):
    visible = MeetingFactory(body=body_a)
    programme_wide = MeetingFactory(body=cotec)
    hidden = MeetingFactory(body=body_b)
    old = MeetingFactory(body=body_a, starts_at=timezone.now() - datetime.timedelta(days=400))
    cancelled = MeetingFactory(body=body_a, cancelled=True)
    response = client.get(reverse("governance:ics_feed", args=[feed_token(partner_user_a)]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    events = {event["UID"]: event for event in _parse(response).events}
    assert set(events) == {meeting_uid(m) for m in (visible, programme_wide, cancelled)}
    assert meeting_uid(hidden) not in events
    assert meeting_uid(old) not in events
    assert events[meeting_uid(cancelled)]["STATUS"] == "CANCELLED"


def test_feed_with_a_bad_token_is_a_404(client, mission_user):
    stranger = UserFactory()
    assert client.get(reverse("governance:ics_feed", args=[feed_token(stranger)])).status_code == 200
    bad = feed_token(mission_user)[:-6] + "abcdef"
    assert client.get(reverse("governance:ics_feed", args=[bad])).status_code == 404
    assert client.get(reverse("governance:ics_feed", args=["1-"])).status_code == 404


def test_feed_query_count_is_constant(client, mission_user, body_a):
    from tests.utils import count_queries

    url = reverse("governance:ics_feed", args=[feed_token(mission_user)])
    for meeting in MeetingFactory.create_batch(5, body=body_a):
        AgendaItemFactory(meeting=meeting)
    client.get(url)  # warm the per-process caches (content types…)
    with_5 = count_queries(client, url)
    for meeting in MeetingFactory.create_batch(40, body=body_a):
        AgendaItemFactory(meeting=meeting)
    assert count_queries(client, url) == with_5

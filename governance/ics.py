"""iCalendar (RFC 5545) for séances: one file per séance and a personal subscription feed.

Calendar clients (Outlook, Thunderbird, smartphones) cannot log in, so the feed URL carries a secret
token: an HMAC of the user's id and password hash. Changing the password revokes every feed URL given
out before, and a token never reveals anything about the password.
"""

import datetime
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from governance.models import Meeting, MeetingStatus

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Pilotage NPRU//Séances des instances//FR"
UID_DOMAIN = "pilotage-npru"
DEFAULT_DURATION = datetime.timedelta(hours=2)
TOKEN_SALT = "governance.ics.feed"
CONTENT_TYPE = "text/calendar; charset=utf-8"


# --- Feed token -------------------------------------------------------------------------------------


def _signature(user) -> str:
    return salted_hmac(TOKEN_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:40]


def feed_token(user) -> str:
    return f"{user.pk}-{_signature(user)}"


def user_for_token(token: str):
    """The active user this token was made for, or None (unknown user, changed password, forged)."""
    user_pk, _sep, signature = token.partition("-")
    if not user_pk.isdigit() or not signature:
        return None
    user = get_user_model().objects.filter(pk=int(user_pk), is_active=True).first()
    if user is None or not constant_time_compare(signature, _signature(user)):
        return None
    return user


# --- Calendar ---------------------------------------------------------------------------------------


def paris_timezone() -> Timezone:
    """VTIMEZONE of Europe/Paris with the EU summer-time rules (as Thunderbird and Outlook write it)."""
    tz = Timezone()
    tz.add("tzid", "Europe/Paris")
    tz.add("x-lic-location", "Europe/Paris")
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", datetime.timedelta(hours=1))
    summer.add("tzoffsetto", datetime.timedelta(hours=2))
    summer.add("dtstart", datetime.datetime(1970, 3, 29, 2, 0))  # noqa: DTZ001 — local time of a VTIMEZONE
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", datetime.timedelta(hours=2))
    winter.add("tzoffsetto", datetime.timedelta(hours=1))
    winter.add("dtstart", datetime.datetime(1970, 10, 25, 3, 0))  # noqa: DTZ001
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def meeting_uid(meeting: Meeting) -> str:
    """Stable across exports and feeds, so that a moved or cancelled séance updates the same event."""
    return f"seance-{meeting.pk}@{UID_DOMAIN}"


def meeting_event(meeting: Meeting, *, url: str = "", stamp: datetime.datetime | None = None) -> Event:
    starts_at = meeting.starts_at.astimezone(PARIS)
    ends_at = (meeting.ends_at or meeting.starts_at + DEFAULT_DURATION).astimezone(PARIS)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", (stamp or timezone.now()).astimezone(datetime.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    # SEQUENCE grows with each change, so clients apply a moved or cancelled séance.
    event.add("sequence", int(meeting.updated_at.timestamp()) - int(meeting.created_at.timestamp()))
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", str(meeting.body))
    if meeting.place:
        event.add("location", meeting.place)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    lines = [f"{meeting.body.get_kind_display()} — {meeting.body.programme}"]
    items = list(meeting.agenda_items.all())
    if items:
        lines += ["", "Ordre du jour :"] + [f"{index}. {item.title}" for index, item in enumerate(items, 1)]
    if url:
        lines += ["", url]
        event.add("url", url)
    event.add("description", "\n".join(lines))
    return event


def build_calendar(
    meetings: Iterable[Meeting], *, name: str, url_for: Callable[[Meeting], str] | None = None
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add_component(paris_timezone())
    stamp = timezone.now()
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, url=url_for(meeting) if url_for else "", stamp=stamp))
    return cal.to_ical()

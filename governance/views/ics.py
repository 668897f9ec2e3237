import datetime

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.decorators import programme_required
from core.readonly import readonly
from governance import ics, selectors

FEED_PAST_DAYS = 365


def _calendar_response(content: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=ics.CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@readonly
@programme_required
def meeting_ics(request, pk: int):
    """One séance as an .ics file, to add it to one's calendar."""
    meetings = selectors.visible_meetings(user=request.user, programme=request.programme)
    meeting = get_object_or_404(
        meetings.select_related("body", "body__programme").prefetch_related("agenda_items"), pk=pk
    )
    content = ics.build_calendar(
        [meeting],
        name=str(meeting.body),
        url_for=lambda m: request.build_absolute_uri(reverse("governance:meeting_detail", args=[m.pk])),
    )
    stamp = timezone.localdate(meeting.starts_at).isoformat()
    return _calendar_response(content, filename=f"seance-{meeting.pk}-{stamp}.ics", attachment=True)


@login_not_required
@never_cache
@readonly
def ics_feed(request, token: str):
    """Personal subscription feed: the token in the URL stands for the login a calendar client cannot do.

    Only the séances the token's owner may see; an unknown, forged or revoked token is a 404.
    """
    user = ics.user_for_token(token)
    if user is None:
        raise Http404
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    content = ics.build_calendar(
        selectors.meetings_for_feed(user=user, since=since),
        name="Séances des instances NPRU",
        url_for=lambda m: request.build_absolute_uri(reverse("governance:meeting_detail", args=[m.pk])),
    )
    return _calendar_response(content, filename="seances-npru.ics", attachment=False)

import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import Membership
from projects.models import Programme

SESSION_KEY = "current_programme_id"


def active_programme(request) -> tuple[Membership | None, Programme | None]:
    """The one active programme of the request, and the user's membership in it (None for a superuser
    working in a programme where they have none).

    The programme chosen with the switch (kept in the session) wins when the user may see it; otherwise
    the first programme of the user's memberships (a superuser without any: the first programme). The
    membership is always the one *of that programme*: a superuser who also has a membership elsewhere
    does not keep working — importing, matching — in the membership's programme after switching."""
    user = request.user
    if not user.is_authenticated:
        return None, None
    memberships = Membership.objects.active().filter(user=user).select_related("programme", "organisation")
    wanted = request.session.get(SESSION_KEY)
    if wanted:
        membership = memberships.filter(programme_id=wanted).first()
        if membership is not None:
            return membership, membership.programme
        if user.is_superuser:
            programme = Programme.objects.filter(pk=wanted).first()
            if programme is not None:
                return None, programme
    membership = memberships.order_by("programme__name", "pk").first()
    if membership is not None:
        return membership, membership.programme
    if user.is_superuser:
        return None, Programme.objects.order_by("name", "pk").first()
    return None, None


class ProgrammeMiddleware:
    """Puts the active programme and the user's membership in it on the request (`active_programme`):
    every view, import and menu reads `request.programme`, never the session or a membership directly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership, request.programme = active_programme(request)
        return self.get_response(request)


MFA_EXEMPT_PREFIXES = ("/comptes/", "/static/", "/healthz", "/media/")


class RequireMfaMiddleware:
    """Anyone granted personal data must set up a second factor before going further."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and user.needs_mfa
            and not user.authenticator_set.exists()
        ):
            return redirect(reverse("mfa_activate_totp") + "?obligatoire=1")
        return self.get_response(request)


class IdleSessionMiddleware:
    """Keeps the idle expiry (SESSION_COOKIE_AGE after the last activity) without writing the session
    on every request: the session is saved, and its expiry pushed back, only when the activity stamp it
    holds is older than SESSION_ACTIVITY_REFRESH_SECONDS. A session thus expires between
    SESSION_COOKIE_AGE − refresh and SESSION_COOKIE_AGE after the last request."""

    key = "_last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not request.user.is_authenticated:
            return response
        now = int(time.time())
        last = session.get(self.key)
        if not isinstance(last, int) or now - last >= settings.SESSION_ACTIVITY_REFRESH_SECONDS:
            session[self.key] = now
        return response


def stamp_activity_at_login(sender, request, user, **kwargs) -> None:
    """Login writes the session anyway: stamp it then, so that the next requests need not."""
    session = getattr(request, "session", None)
    if session is not None:
        session[IdleSessionMiddleware.key] = int(time.time())

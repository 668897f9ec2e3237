import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import Membership
from projects.models import Programme

SESSION_KEY = "current_programme_id"


def _current_membership(request) -> Membership | None:
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.active().filter(user=user).select_related("programme", "organisation")
    wanted = request.session.get(SESSION_KEY)
    membership = memberships.filter(programme_id=wanted).first() if wanted else None
    return membership or memberships.order_by("programme__name", "pk").first()


def _current_programme(request) -> Programme | None:
    membership = request.membership
    if membership:
        return membership.programme
    if request.user.is_authenticated and request.user.is_superuser:
        wanted = request.session.get(SESSION_KEY)
        programmes = Programme.objects.order_by("name", "pk")
        return (programmes.filter(pk=wanted).first() if wanted else None) or programmes.first()
    return None


class ProgrammeMiddleware:
    """Puts the user's current programme and membership on the request ."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = _current_membership(request)
        request.programme = _current_programme(request)
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

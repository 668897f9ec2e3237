from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from core.access import request_access_log
from core.audience import audience_for_request
from core.models import AccessAction
from core.personal_data import PersonalDataDomain, get_domain, holds_grant


def programme_required(view):
    """The view needs a current programme; a user without any membership gets a clear page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.programme is None:
            return render(request, "core/no_programme.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def internal_required(view):
    """Mission team, referents and direction only: partners use aggregates, not these pages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not audience_for_request(request).is_internal:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return programme_required(wrapper)


@dataclass
class AccessRecord:
    """The access-log event a personal-data page will write: the view fills in what it showed."""

    domain: str
    action: str | None
    model: str
    object_ref: str = ""
    count: int = 1

    def record(
        self,
        *,
        action: str | None = None,
        model: str | None = None,
        object_ref: str | None = None,
        count: int | None = None,
    ) -> None:
        if action is not None:
            self.action = action
        if model is not None:
            self.model = model
        if object_ref is not None:
            self.object_ref = object_ref
        if count is not None:
            self.count = count


def personal_data(
    domain: str,
    action: str | None = AccessAction.VIEW,
    *,
    model: str,
    editors_only: bool = False,
    object_page: bool = False,
):
    """A page that shows personal data of `domain` (a key registered in `core.personal_data`).

    - The grant: memberships granted the domain pass (MFA is enforced for them by
      `accounts.middleware.RequireMfaMiddleware`); others get the page explaining the grant (403), or a
      404 on a page of one record (`object_page`), as for any object outside their scope. With
      `editors_only`, the membership must also write the domain (programme admin, mission team, or the
      domain's referent: `Membership.writes_domain`). Being a superuser opens nothing by itself.
    - The access log: the view gets `request.access_record` and fills in what it showed
      (`object_ref`, `count`, or another `action`/`model` after a write); once it answered without
      error, one event is written with them — never the data. `action=None`: no event unless the view
      sets one (a blank creation form shows nobody).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            entry = get_domain(domain)
            if not holds_grant(request.user, request.membership, domain):
                if object_page:
                    raise Http404
                return _personal_data_forbidden(request, entry)
            if editors_only and not request.membership.writes_domain(domain):
                return _personal_data_forbidden(request, entry, editors_only=True)
            record = AccessRecord(domain=domain, action=action, model=model)
            request.access_record = record
            response = view(request, *args, **kwargs)
            if record.action and response.status_code < 400:
                request_access_log(
                    request,
                    action=record.action,
                    domain=domain,
                    model=record.model,
                    object_ref=record.object_ref,
                    count=record.count,
                )
            return response

        return programme_required(wrapper)

    return decorator


def _personal_data_forbidden(request, domain: PersonalDataDomain, *, editors_only: bool = False):
    """403 with a page that explains the grant (and MFA) needed."""
    membership = request.membership
    partner = membership is not None and not membership.is_internal
    context = {"domain": domain, "editors_only": editors_only, "partner": partner}
    return render(request, "core/personal_data_forbidden.html", context, status=403)

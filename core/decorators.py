from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core.audience import audience_for_request


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

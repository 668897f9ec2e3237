"""Access to personal data is recorded: who, when, which record, which page, why — never the data."""

import datetime
import functools

import structlog
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from core.models import AccessEvent
from core.personal_data import get_domain
from core.utils import months_before

logger = structlog.get_logger(__name__)


@functools.cache
def model_label(name: str) -> str:
    """The French name of the kind of object an event records by class name: "Household" → "Ménage"
    (the model's verbose name); an unknown name is shown as stored."""
    for model in apps.get_models():
        if model.__name__ == name:
            return str(capfirst(model._meta.verbose_name))
    return name


def domain_label(key: str) -> str:
    """ "relogement" → "Relogement" (the registered domain's label); an unknown key as stored."""
    try:
        return get_domain(key).label
    except LookupError:  # a domain no longer registered: the stored key
        return key


def access_log(
    *,
    user,
    action: str,
    domain: str,
    model: str,
    object_ref: str = "",
    count: int = 1,
    path: str = "",
    reason: str = "",
) -> AccessEvent:
    """Record an access to personal data (never the data itself)."""
    return AccessEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        domain=domain,
        model=model,
        object_ref=object_ref,
        count=count,
        path=path[:300],
        reason=reason[:200],
    )


def request_access_log(
    request, *, action: str, domain: str, model: str, object_ref: str = "", count: int = 1
) -> AccessEvent:
    """Record an access to personal data made by a page: its user and its address are the request's.

    The `personal_data` decorator writes its event with it; a view outside the decorator (an import
    preview of personal data) does too.
    """
    return access_log(
        user=request.user,
        action=action,
        domain=domain,
        model=model,
        object_ref=object_ref,
        count=count,
        path=request.get_full_path(),
    )


def access_events_to_purge(*, today: datetime.date | None = None):
    """Access-log events older than ACCESS_LOG_RETENTION_MONTHS months."""
    today = today or timezone.localdate()
    cutoff = months_before(today, settings.ACCESS_LOG_RETENTION_MONTHS)
    start = datetime.datetime.combine(cutoff, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return AccessEvent.objects.filter(at__lt=start)


@transaction.atomic
def access_events_purge(*, today: datetime.date | None = None, dry_run: bool = False) -> int:
    """Delete the access-log events past their retention period; the number of events concerned."""
    events = access_events_to_purge(today=today)
    if dry_run:
        return events.count()
    count, _ = events.delete()
    if count:
        logger.info("access_events_purged", count=count)
    return count

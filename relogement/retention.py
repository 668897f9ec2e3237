"""Data protection: households closed long ago are anonymised (access-log events are purged by
``core.access``). Both run nightly (``relogement.tasks``, ``core.tasks``) and by hand
(``manage.py relogement_retention``).

Anonymising keeps every figure the indicators need (typology, rents, aid, bands, statuses, offers,
rehousings) and clears what could point at a person: free text, the landlord's own reference (replaced by
"ANON-<pk>"; the household keeps its pseudonymous reference) and the exact days of the diagnostic and the
last contact (set to the 1st of their month). Running again finds nothing left to do.
"""

import datetime

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.utils import months_before
from relogement.models import Household, HouseholdStatus, Rehousing

logger = structlog.get_logger(__name__)
CLOSED_STATUSES = (HouseholdStatus.CLOSED, HouseholdStatus.LEFT)


def first_of_month(day: datetime.date | None) -> datetime.date | None:
    return day.replace(day=1) if day else None


def households_to_anonymise(*, today: datetime.date | None = None, programme=None):
    """Households closed or left more than RELOGEMENT_RETENTION_MONTHS months ago, not yet anonymised."""
    today = today or timezone.localdate()
    cutoff = months_before(today, settings.RELOGEMENT_RETENTION_MONTHS)
    households = Household.objects.filter(
        status__in=CLOSED_STATUSES, closed_on__lt=cutoff, anonymised_at__isnull=True
    )
    if programme is not None:
        households = households.filter(programme=programme)
    return households


@transaction.atomic
def households_anonymise(*, today: datetime.date | None = None, dry_run: bool = False, programme=None) -> int:
    """Anonymise the households past their retention period; the number of households concerned."""
    households = list(households_to_anonymise(today=today, programme=programme).select_for_update())
    if dry_run or not households:
        return len(households)
    now = timezone.now()
    for household in households:
        household.comments = ""
        household.wished_communes = ""
        household.landlord_reference = f"ANON-{household.pk}"
        household.diagnostic_on = first_of_month(household.diagnostic_on)
        household.last_contact_on = first_of_month(household.last_contact_on)
        household.anonymised_at = now
    Household.objects.bulk_update(
        households,
        [
            "comments",
            "wished_communes",
            "landlord_reference",
            "diagnostic_on",
            "last_contact_on",
            "anonymised_at",
        ],
        batch_size=500,
    )
    Rehousing.objects.filter(household__in=households).exclude(survey_comment="").update(survey_comment="")
    logger.info("households_anonymised", count=len(households))
    return len(households)

"""Data protection: participants out of contract for long are anonymised (access-log events are purged
by ``core.access``). Runs nightly (``insertion.tasks``) and by hand (``manage.py insertion_retention``).

A participant is due when every one of their contracts has ended and the last ended more than
INSERTION_RETENTION_MONTHS months ago. Anonymising keeps every figure the indicators need (sex, age band,
qualification, QPV resident or not, publics, prescriber, the contracts and their hours) and clears what
could point at a person: the facilitator's own id (replaced by "ANON-<pk>"; the participant keeps its
pseudonymous reference), the commune and the QPV of residence. Running again finds nothing left to do.
"""

import datetime

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from core.utils import months_before
from insertion.models import Participant, WorkContract

logger = structlog.get_logger(__name__)


def participants_to_anonymise(*, today: datetime.date | None = None, programme=None):
    """Participants whose last contract ended more than INSERTION_RETENTION_MONTHS months ago (none still
    open), not yet anonymised."""
    today = today or timezone.localdate()
    cutoff = months_before(today, settings.INSERTION_RETENTION_MONTHS)
    open_contract = WorkContract.objects.filter(participant=OuterRef("pk"), ends_on__isnull=True)
    participants = (
        Participant.objects.filter(anonymised_at__isnull=True)
        .annotate(last_end=Max("contracts__ends_on"))
        .filter(last_end__lt=cutoff)
        .exclude(Exists(open_contract))
    )
    if programme is not None:
        participants = participants.filter(programme=programme)
    return participants


@transaction.atomic
def participants_anonymise(
    *, today: datetime.date | None = None, dry_run: bool = False, programme=None
) -> int:
    """Anonymise the participants past their retention period; the number of participants concerned."""
    ids = list(participants_to_anonymise(today=today, programme=programme).values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    participants = list(Participant.objects.filter(pk__in=ids).select_for_update())
    now = timezone.now()
    for participant in participants:
        participant.facilitator_reference = f"ANON-{participant.pk}"
        participant.commune = ""
        participant.qpv = ""
        participant.anonymised_at = now
    Participant.objects.bulk_update(
        participants, ["facilitator_reference", "commune", "qpv", "anonymised_at"], batch_size=500
    )
    logger.info("participants_anonymised", count=len(participants))
    return len(participants)

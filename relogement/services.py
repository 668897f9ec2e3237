"""Every write on households, offers and rehousings; the household lifecycle is enforced here."""

import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.services import model_save
from core.transitions import State, StateMachine, step
from core.utils import assign_changed
from relogement import selectors
from relogement.models import (
    CLOSED_STATUSES,
    Household,
    HouseholdStatus,
    Offer,
    OfferAnswer,
    Rehousing,
    RehousingKind,
    RelogementPlan,
)

H = HouseholdStatus
# The household's lifecycle; see docs/STATUTS.md. "Parti sans relogement" is possible from any open status.
HOUSEHOLD_LIFECYCLE = StateMachine(
    "relogement.household",
    HouseholdStatus,
    {
        H.TO_SURVEY: State(to=[H.SURVEYED, H.LEFT], case="diagnostic social réalisé"),
        H.SURVEYED: State(
            to=[step(H.TO_SURVEY, "correction"), H.SEARCHING, H.LEFT],
            case="souhaits et besoins connus, recherche lancée",
        ),
        H.SEARCHING: State(
            to=[step(H.SURVEYED, "correction"), H.OFFER, H.LEFT],
            services=["household_update", "offer_record"],
            case="une proposition est faite (comité technique, CAL)",
        ),
        H.OFFER: State(
            to=[step(H.SEARCHING, "refus"), H.REHOUSED, H.TEMPORARY, H.LEFT],
            services=["household_update", "offer_answer", "rehousing_record"],
            case="réponse du ménage, bail signé, emménagement",
        ),
        H.TEMPORARY: State(
            to=[H.SEARCHING, H.OFFER, H.REHOUSED, H.LEFT],
            services=["household_update", "rehousing_record"],
            case="relogement définitif après un logement tiroir",
        ),
        H.REHOUSED: State(
            to=[H.FOLLOW_UP, H.CLOSED], case="accompagnement après le déménagement, enquête de satisfaction"
        ),
        H.FOLLOW_UP: State(to=[H.CLOSED], case="fin de l'accompagnement"),
        H.CLOSED: State(to=[step(H.FOLLOW_UP, "réouverture")], case="difficulté signalée après la clôture"),
        H.LEFT: State(to=[H.CLOSED], case="départ volontaire, décès, expulsion…"),
    },
    role="équipe projet habilitée",
    services=["household_update"],
)
CLOSING_STATUSES = CLOSED_STATUSES


def household_check_transition(*, current: str, target: str) -> None:
    HOUSEHOLD_LIFECYCLE.check(current, target)


def new_household_reference() -> str:
    """A pseudonymous reference that says nothing about the household."""
    return new_household_references(1)[0]


def new_household_references(count: int) -> list[str]:
    """`count` distinct pseudonymous references, none in use (one query per draw)."""
    references: set[str] = set()
    while len(references) < count:
        drawn = {f"M-{secrets.token_hex(4).upper()}" for _ in range(count - len(references))}
        taken = Household.objects.filter(reference__in=drawn).values_list("reference", flat=True)
        references |= drawn - set(taken)
    return sorted(references)


@transaction.atomic
def relogement_plan_set(*, operation, **fields: Any) -> RelogementPlan:
    plan = RelogementPlan.objects.filter(operation=operation).first() or RelogementPlan(operation=operation)
    created = plan.pk is None
    if assign_changed(plan, fields) or created:
        model_save(plan)
    return plan


@transaction.atomic
def household_create(
    *, programme, origin_operation, origin_landlord, landlord_reference: str, **fields
) -> Household:
    household = Household(
        programme=programme,
        origin_operation=origin_operation,
        origin_landlord=origin_landlord,
        landlord_reference=landlord_reference.strip(),
        reference=fields.pop("reference", None) or new_household_reference(),
        **fields,
    )
    return model_save(household)


@transaction.atomic
def household_update(*, household: Household, today: datetime.date | None = None, **fields: Any) -> Household:
    """Change a household; its status follows HOUSEHOLD_LIFECYCLE and closing dates the closure."""
    if household.anonymised_at:
        raise ValidationError("Ce ménage a été anonymisé : il ne peut plus être modifié.")
    if "status" in fields:
        current = Household.objects.filter(pk=household.pk).values_list("status", flat=True).get()
        household_check_transition(current=current, target=fields["status"])
        if fields["status"] in CLOSING_STATUSES and current not in CLOSING_STATUSES:
            fields.setdefault("closed_on", today or timezone.localdate())
    assign_changed(household, fields)
    return model_save(household)


@transaction.atomic
def offer_record(*, household: Household, **fields: Any) -> Offer:
    offer = model_save(Offer(household=household, **fields))
    if household.status in (H.SURVEYED, H.SEARCHING) and offer.answer == OfferAnswer.PENDING:
        household_update(household=household, status=H.OFFER)
    return offer


@transaction.atomic
def rehousing_record(*, household: Household, kind: str, **fields: Any) -> Rehousing:
    """Record a move; the household becomes rehoused (definitively or temporarily)."""
    rehousing = model_save(Rehousing(household=household, kind=kind, **fields))
    target = H.REHOUSED if kind == RehousingKind.DEFINITIVE else H.TEMPORARY
    if household.status != target:
        household_update(household=household, status=target)
    return rehousing


@transaction.atomic
def offer_answer(*, offer: Offer, answer: str, refusal_reason: str = "") -> Offer:
    """Record the household's answer to an offer; a refusal goes back to the search."""
    offer.answer, offer.refusal_reason = answer, refusal_reason
    model_save(offer)
    household = offer.household
    still_pending = household.offers.filter(answer=OfferAnswer.PENDING).exists()
    if answer == OfferAnswer.REFUSED and household.status == H.OFFER and not still_pending:
        household_update(household=household, status=H.SEARCHING)
    return offer


# Bulk writes of the landlord import ----------------------------------------------------------------------
# Its rows were validated beforehand in the same transaction (relogement.imports: full_clean of each
# candidate household and rehousing, transitions checked against the stored status, landlord references
# unique), so these write without a query per row.


@transaction.atomic
def households_bulk_create(*, households: list[Household]) -> list[Household]:
    """Insert new households, giving each a pseudonymous reference; their primary keys are set."""
    for household, reference in zip(households, new_household_references(len(households)), strict=True):
        household.reference = reference
        household.landlord_reference = household.landlord_reference.strip()
    selectors.dashboard_cache_bump()
    return Household.objects.bulk_create(households)


@transaction.atomic
def households_bulk_update(
    *, changes: list[tuple[Household, dict[str, Any]]], today: datetime.date | None = None
) -> None:
    """Apply each household's changed fields; a household entering a closing status gets its date."""
    names: set[str] = set()
    for household, fields in changes:
        fields = dict(fields)
        target = fields.get("status")
        if target in CLOSING_STATUSES and household.status not in CLOSING_STATUSES:
            fields.setdefault("closed_on", today or timezone.localdate())
        for name, value in fields.items():
            setattr(household, name, value)
        names.update(fields)
    if names:
        selectors.dashboard_cache_bump()
        Household.objects.bulk_update([household for household, _ in changes], sorted(names))


@transaction.atomic
def rehousings_bulk_set(
    *, rehousings: list[Rehousing], changed: list[tuple[Rehousing, dict[str, Any]]]
) -> None:
    """Insert new rehousings and update the changed fields of existing ones."""
    selectors.dashboard_cache_bump()
    Rehousing.objects.bulk_create(rehousings)
    names: set[str] = set()
    for rehousing, fields in changed:
        for name, value in fields.items():
            setattr(rehousing, name, value)
        names.update(fields)
    if names:
        Rehousing.objects.bulk_update([rehousing for rehousing, _ in changed], sorted(names))

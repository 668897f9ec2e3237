"""Every write on markets, participants and work contracts.

Single writes go through `full_clean` (`core.services.model_save`). The facilitator's export is
re-imported every quarter: a market is keyed by its number, a participant by the facilitator's id and a
contract by the facilitator's contract id, each within the programme, so that a re-import updates and
never duplicates (`*_upsert`).
"""

import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.services import model_save
from core.utils import assign_changed
from insertion import selectors
from insertion.models import Market, Participant, WorkContract, charte_rate


def _bump() -> None:
    selectors.figures_cache_bump()


# --- Markets -------------------------------------------------------------------------------------------


@transaction.atomic
def market_create(*, programme, number: str, moa, title: str, kind: str, **fields: Any) -> Market:
    """A market with a clause; its target rate is the charte's for its kind unless given."""
    market = Market(programme=programme, number=number.strip(), moa=moa, title=title, kind=kind, **fields)
    if market.target_rate is None and kind:
        market.target_rate = charte_rate(kind)
    return model_save(market)


@transaction.atomic
def market_update(*, market: Market, **fields: Any) -> Market:
    """Change a market. A change of kind brings the new kind's charte rate, unless a rate is given or
    the market's rate was not the old kind's default (someone set it on purpose)."""
    kind = fields.get("kind", market.kind)
    if "target_rate" not in fields and kind != market.kind and market.target_rate == charte_rate(market.kind):
        fields["target_rate"] = charte_rate(kind)
    if assign_changed(market, fields):
        model_save(market)
    return market


@transaction.atomic
def market_upsert(*, programme, number: str, **fields: Any) -> tuple[Market, bool]:
    """The market of this number in the programme, created or updated; (market, created)."""
    market = Market.objects.filter(programme=programme, number=number.strip()).first()
    if market is None:
        return market_create(programme=programme, number=number, **fields), True
    return market_update(market=market, **fields), False


# --- Participants --------------------------------------------------------------------------------------


def new_participant_references(count: int) -> list[str]:
    """`count` distinct pseudonymous references, none in use (one query per draw)."""
    references: set[str] = set()
    while len(references) < count:
        drawn = {f"P-{secrets.token_hex(4).upper()}" for _ in range(count - len(references))}
        taken = Participant.objects.filter(reference__in=drawn).values_list("reference", flat=True)
        references |= drawn - set(taken)
    return sorted(references)


@transaction.atomic
def participant_create(*, programme, facilitator_reference: str, **fields: Any) -> Participant:
    participant = Participant(
        programme=programme,
        facilitator_reference=facilitator_reference.strip(),
        reference=fields.pop("reference", None) or new_participant_references(1)[0],
        **fields,
    )
    return model_save(participant)


@transaction.atomic
def participant_update(*, participant: Participant, **fields: Any) -> Participant:
    if participant.anonymised_at:
        raise ValidationError("Ce participant a été anonymisé : il ne peut plus être modifié.")
    if assign_changed(participant, fields):
        model_save(participant)
    return participant


@transaction.atomic
def participant_upsert(*, programme, facilitator_reference: str, **fields: Any) -> tuple[Participant, bool]:
    """The participant the facilitator knows by this id in the programme; (participant, created)."""
    participant = Participant.objects.filter(
        programme=programme, facilitator_reference=facilitator_reference.strip()
    ).first()
    if participant is None:
        return participant_create(
            programme=programme, facilitator_reference=facilitator_reference, **fields
        ), True
    return participant_update(participant=participant, **fields), False


# --- Work contracts ------------------------------------------------------------------------------------


@transaction.atomic
def contract_create(*, programme, reference: str, participant, market, **fields: Any) -> WorkContract:
    fields.setdefault("training_hours", Decimal(0))
    contract = WorkContract(
        programme=programme, reference=reference.strip(), participant=participant, market=market, **fields
    )
    return model_save(contract)


@transaction.atomic
def contract_update(*, contract: WorkContract, **fields: Any) -> WorkContract:
    if assign_changed(contract, fields):
        model_save(contract)
    return contract


@transaction.atomic
def contract_upsert(*, programme, reference: str, **fields: Any) -> tuple[WorkContract, bool]:
    """The contract the facilitator knows by this id in the programme, created or updated: a re-import
    of the same export changes nothing; (contract, created)."""
    contract = WorkContract.objects.filter(programme=programme, reference=reference.strip()).first()
    if contract is None:
        return contract_create(programme=programme, reference=reference, **fields), True
    return contract_update(contract=contract, **fields), False


# --- Bulk writes (demo data, imports) ------------------------------------------------------------------


@transaction.atomic
def bulk_create(*, markets=(), participants=(), contracts=()) -> None:
    """Insert rows validated beforehand (in the same transaction); their primary keys are set. A market
    without a target rate gets its kind's charte rate, a participant without a pseudonymous reference
    gets one drawn; the cached figures go stale."""
    markets, participants = list(markets), list(participants)
    for market in markets:
        if market.target_rate is None:
            market.target_rate = charte_rate(market.kind)
    unnamed = [participant for participant in participants if not participant.reference]
    for participant, reference in zip(unnamed, new_participant_references(len(unnamed)), strict=True):
        participant.reference = reference
    _bump()
    Market.objects.bulk_create(markets, batch_size=1000)
    Participant.objects.bulk_create(participants, batch_size=1000)
    WorkContract.objects.bulk_create(list(contracts), batch_size=1000)


def _bulk_set(model, changes: Sequence[tuple[Any, dict[str, Any]]]) -> None:
    names: set[str] = set()
    for instance, fields in changes:
        for name, value in fields.items():
            setattr(instance, name, value)
        names.update(fields)
    if names:
        model.objects.bulk_update([instance for instance, _fields in changes], sorted(names), batch_size=1000)


@transaction.atomic
def bulk_update(
    *,
    markets: Sequence[tuple[Market, dict[str, Any]]] = (),
    participants: Sequence[tuple[Participant, dict[str, Any]]] = (),
    contracts: Sequence[tuple[WorkContract, dict[str, Any]]] = (),
) -> None:
    """Apply (instance, changed fields) pairs validated beforehand (the facilitator's import): one
    UPDATE per batch, not one per row; the cached figures go stale. An anonymised participant is never
    changed."""
    if any(participant.anonymised_at for participant, _fields in participants):
        raise ValidationError("Ce participant a été anonymisé : il ne peut plus être modifié.")
    _bump()
    _bulk_set(Market, markets)
    _bulk_set(Participant, participants)
    _bulk_set(WorkContract, contracts)

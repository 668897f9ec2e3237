"""Who changed a market and when (its link to an operation, its target), read from django-pghistory's
trigger events; values written for a person, as on an operation's history (`projects.history`)."""

from dataclasses import dataclass, field
from decimal import Decimal

import pghistory.models
from django.utils.text import capfirst

from accounts.models import Organisation, User
from core.formatting import format_percent
from insertion.models import Market
from projects.history import EMPTY, EVENT_LABELS, display_value, typed_value
from projects.models import Operation

HIDDEN = {"id", "programme_id"}
RELATED = {"operation_id": Operation, "moa_id": Organisation, "contractor_id": Organisation}


@dataclass
class MarketChange:
    field: str
    before: str
    after: str


@dataclass
class MarketEntry:
    when: object
    who: str
    what: str
    changes: list[MarketChange] = field(default_factory=list)


def _percent(value) -> str:
    return EMPTY if value in (None, "") else format_percent(Decimal(str(value)), 1, precision=1)


def market_history(market: Market, *, limit: int = 30) -> list[MarketEntry]:
    """The market's latest changes, newest first (its creation shows without its values)."""
    events = list(
        pghistory.models.Events.objects.tracks(market).order_by("-pgh_created_at", "-pgh_id")[:limit]
    )
    contexts = [event.pgh_context or {} for event in events]
    users = {
        user.pk: str(user)
        for user in User.objects.filter(pk__in={context.get("user") for context in contexts} - {None})
    }
    related_ids = {
        (model, value)
        for event in events
        for name, model in RELATED.items()
        for value in (event.pgh_diff or {}).get(name, ())
        if value is not None
    }
    names = {}
    for model in set(RELATED.values()):
        ids = {value for wanted, value in related_ids if wanted is model}
        if ids:
            names |= {(model, obj.pk): str(obj) for obj in model.objects.filter(pk__in=ids)}
    fields = {model_field.attname: model_field for model_field in Market._meta.concrete_fields}
    entries = []
    for event, context in zip(events, contexts, strict=True):
        who = " — ".join(part for part in (users.get(context.get("user")), context.get("source")) if part)
        entry = MarketEntry(
            when=event.pgh_created_at,
            who=who or "Système (commande)",
            what=EVENT_LABELS.get(event.pgh_label, event.pgh_label),
        )
        if event.pgh_label == "update":
            for name, (before, after) in (event.pgh_diff or {}).items():
                if name in HIDDEN or name not in fields:
                    continue
                model_field = fields[name]
                if name in RELATED:
                    shown = [names.get((RELATED[name], value), value) for value in (before, after)]
                    before_text, after_text = (display_value(value) for value in shown)
                elif name == "target_rate":  # stored as a fraction, read as a percentage
                    before_text, after_text = (_percent(value) for value in (before, after))
                else:
                    shown = [typed_value(model_field, value) for value in (before, after)]
                    before_text, after_text = (display_value(value) for value in shown)
                if before_text != after_text:
                    label = capfirst(str(model_field.verbose_name))
                    entry.changes.append(MarketChange(label, before_text, after_text))
        entries.append(entry)
    return entries

"""Who changed what and when on an operation, read from django-pghistory's trigger events.

Values are written for a person: "Non → Oui", "S1 2027 → S2 2027", "(vide) → 12 000 €", choices by
their label and related objects by their name; a change that reads the same on both sides is left out.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pghistory.models
from django.apps import apps
from django.db import models
from django.utils.text import capfirst

from accounts.models import User
from core.formatting import format_euros, group_thousands
from projects.models import FundingKind, FundingLine, Milestone, Operation
from projects.semesters import STORED, SemesterField, semester_label

HIDDEN_FIELDS = {"id", "updated_at", "programme_id", "operation_id"}
EVENT_LABELS = {"insert": "Création", "update": "Modification", "delete": "Suppression"}
EMPTY = "(vide)"
TRACKED = {"OperationEvent": Operation, "FundingLineEvent": FundingLine, "MilestoneEvent": Milestone}


@dataclass
class Change:
    field: str
    before: object
    after: object
    model_field: object = None
    # a value shown alone (what a created or deleted line held), without an arrow
    single: bool = False


@dataclass
class HistoryEntry:
    when: object
    who: str
    what: str
    subject: str
    changes: list[Change] = field(default_factory=list)
    funder_id: int | None = None


def operation_history(operation: Operation, *, limit: int = 200) -> list[HistoryEntry]:
    event_models = [apps.get_model("projects", name) for name in TRACKED]
    events = list(
        pghistory.models.Events.objects.references(operation)
        .across(*event_models)
        .order_by("-pgh_created_at", "-pgh_id")[:limit]
    )
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    users = {user.pk: str(user) for user in User.objects.filter(pk__in=user_ids)}
    entries = [_entry(event, users) for event in events]
    _name_related_objects(entries)
    for entry in entries:
        for change in entry.changes:
            change.before, change.after = display_value(change.before), display_value(change.after)
        entry.changes = [change for change in entry.changes if change.single or change.before != change.after]
    return entries


def _model_of(event) -> type[models.Model]:
    return TRACKED[event.pgh_model.rsplit(".", 1)[-1]]


def _entry(event, users: dict) -> HistoryEntry:
    context = event.pgh_context or {}
    model = _model_of(event)
    data = event.pgh_data or {}
    who = (
        " — ".join(part for part in (users.get(context.get("user")), context.get("source")) if part)
        or "Système (commande)"
    )
    if model is Operation:
        subject = "Opération"
    elif model is Milestone:
        subject = f"Jalon « {data.get('label', '')} »"
    else:
        kind = dict(FundingKind.choices).get(data.get("kind"), "")
        subject = f"Financement {{funder}} ({kind.lower()})"
    entry = HistoryEntry(
        when=event.pgh_created_at,
        who=who,
        what=EVENT_LABELS.get(event.pgh_label, event.pgh_label),
        subject=subject,
    )
    if event.pgh_label == "update" or model is Operation:
        entry.changes = _changes(model, event.pgh_diff or {})
    else:
        # a created or deleted funding line or milestone: what it held
        entry.changes = _values(model, data)
    entry.funder_id = data.get("funder_id") if model is FundingLine else None
    return entry


def _field(model, attname: str):
    return next((field for field in model._meta.concrete_fields if field.attname == attname), None)


def _change(model, name: str, before, after, *, single: bool = False) -> Change | None:
    if name in HIDDEN_FIELDS:
        return None
    model_field = _field(model, name)
    label = capfirst(str(model_field.verbose_name)) if model_field else name
    # « Versé : 0 € → 250 000 € », not « Versé (€) : … » (the amounts carry their unit)
    label = label.removesuffix(f" {MONEY_SUFFIX}")
    change = Change(field=label, before=before, after=after, model_field=model_field, single=single)
    if model_field is not None:
        change.before, change.after = typed_value(model_field, before), typed_value(model_field, after)
    return change


def _changes(model, diff: dict) -> list[Change]:
    """The changed fields in the form's order (prévu, engagé, versé), not the database's."""
    order = {field.attname: index for index, field in enumerate(model._meta.concrete_fields)}
    names = sorted(diff, key=lambda name: order.get(name, len(order)))
    changes = (_change(model, name, *diff[name]) for name in names)
    return [change for change in changes if change is not None]


def _values(model, data: dict) -> list[Change]:
    names = [field.attname for field in model._meta.concrete_fields]  # in the form's order
    shown = [
        _change(model, name, None, data[name], single=True)
        for name in names
        if name not in {"funder_id", "kind", "label"} and data.get(name) not in (None, "")
    ]
    return [change for change in shown if change is not None]


@dataclass(frozen=True)
class Money:
    amount: Decimal


@dataclass(frozen=True)
class Semester:
    value: str


@dataclass(frozen=True)
class Choice:
    label: str


MONEY_SUFFIX = "(€)"


def typed_value(model_field, value):
    """The stored JSON value as what it means (a choice's label, money, a semester, a date)."""
    if value is None or value == "":
        return None
    if model_field.choices:
        return Choice(str(dict(model_field.flatchoices).get(value, value)))
    if isinstance(model_field, SemesterField):
        return Semester(str(value))
    if isinstance(model_field, models.DecimalField):
        amount = Decimal(str(value))
        return Money(amount) if str(model_field.verbose_name).endswith(MONEY_SUFFIX) else amount
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        return datetime.date.fromisoformat(str(value)[:10])
    return value


def display_value(value) -> str:
    """Text of one side of a change; never "False", "2027-S1" or an empty string."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, Choice):
        return value.label or EMPTY
    if isinstance(value, Semester):
        return semester_label(value.value) or value.value
    if isinstance(value, Money):
        return format_euros(value.amount)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return group_thousands(value)
    if isinstance(value, Decimal):
        return str(value.normalize()).replace(".", ",")
    if isinstance(value, str) and STORED.match(value):
        return semester_label(value)
    return str(value)


def _name_related_objects(entries: list[HistoryEntry]) -> None:
    """Replace foreign-key ids by the objects' names (funders in the subjects too), one query per model."""
    wanted: dict[type, set] = defaultdict(set)
    funder_model = FundingLine._meta.get_field("funder").related_model
    for entry in entries:
        if entry.funder_id is not None:
            wanted[funder_model].add(entry.funder_id)
        for change in entry.changes:
            if change.model_field is not None and change.model_field.is_relation:
                wanted[change.model_field.related_model] |= {change.before, change.after} - {None}
    names = {
        model: {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)} for model, ids in wanted.items()
    }
    for entry in entries:
        if "{funder}" in entry.subject:
            entry.subject = entry.subject.replace(
                "{funder}", names.get(funder_model, {}).get(entry.funder_id, "")
            )
        for change in entry.changes:
            if change.model_field is not None and change.model_field.is_relation:
                lookup = names[change.model_field.related_model]
                change.before, change.after = (
                    lookup.get(change.before, change.before),
                    lookup.get(change.after, change.after),
                )

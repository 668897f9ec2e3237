"""Who changed what and when on an operation, read from django-pghistory's trigger events."""

from collections import defaultdict
from dataclasses import dataclass

import pghistory.models
from django.apps import apps
from django.utils.text import capfirst

from accounts.models import Organisation, User
from projects.models import FundingKind, FundingLine, Operation

HIDDEN_FIELDS = {"id", "updated_at", "programme_id", "operation_id"}
EVENT_LABELS = {"insert": "Création", "update": "Modification"}


@dataclass
class Change:
    field: str
    before: object
    after: object
    model_field: object = None


@dataclass
class HistoryEntry:
    when: object
    who: str
    what: str
    subject: str
    changes: list[Change]


def operation_history(operation: Operation, *, limit: int = 200) -> list[HistoryEntry]:
    event_models = [
        apps.get_model("projects", "OperationEvent"),
        apps.get_model("projects", "FundingLineEvent"),
    ]
    events = list(
        pghistory.models.Events.objects.references(operation)
        .across(*event_models)
        .order_by("-pgh_created_at", "-pgh_id")[:limit]
    )
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    users = {user.pk: str(user) for user in User.objects.filter(pk__in=user_ids)}
    funder_ids = {event.pgh_data.get("funder_id") for event in events} - {None}
    funders = dict(Organisation.objects.filter(pk__in=funder_ids).values_list("pk", "name"))
    entries = [_entry(event, users, funders) for event in events]
    _name_related_objects(entries)
    return entries


def _model_of(event):
    return Operation if event.pgh_model.endswith("OperationEvent") else FundingLine


def _entry(event, users: dict, funders: dict) -> HistoryEntry:
    context = event.pgh_context or {}
    model = _model_of(event)
    who = (
        " — ".join(part for part in (users.get(context.get("user")), context.get("source")) if part)
        or "Système (commande)"
    )
    if model is Operation:
        subject = "Opération"
    else:
        kind = dict(FundingKind.choices).get(event.pgh_data.get("kind"), "")
        subject = f"Financement {funders.get(event.pgh_data.get('funder_id'), '')} ({kind.lower()})"
    return HistoryEntry(
        when=event.pgh_created_at,
        who=who,
        what=EVENT_LABELS.get(event.pgh_label, event.pgh_label),
        subject=subject,
        changes=_changes(model, event.pgh_diff or {}),
    )


def _field(model, attname: str):
    return next((field for field in model._meta.concrete_fields if field.attname == attname), None)


def _changes(model, diff: dict) -> list[Change]:
    changes = []
    for name, (before, after) in diff.items():
        if name in HIDDEN_FIELDS:
            continue
        field = _field(model, name)
        label = capfirst(str(field.verbose_name)) if field else name
        change = Change(field=label, before=before, after=after, model_field=field)
        if field is not None and field.choices:
            labels = dict(field.flatchoices)
            change.before, change.after = labels.get(before, before), labels.get(after, after)
        changes.append(change)
    return changes


def _name_related_objects(entries: list[HistoryEntry]) -> None:
    """Replace foreign-key ids by the objects' names, one query per related model."""
    wanted: dict[type, set] = defaultdict(set)
    for change in (change for entry in entries for change in entry.changes):
        if change.model_field is not None and change.model_field.is_relation:
            wanted[change.model_field.related_model] |= {change.before, change.after} - {None}
    names = {
        model: {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)} for model, ids in wanted.items()
    }
    for change in (change for entry in entries for change in entry.changes):
        if change.model_field is not None and change.model_field.is_relation:
            lookup = names[change.model_field.related_model]
            change.before, change.after = (
                lookup.get(change.before, change.before),
                lookup.get(change.after, change.after),
            )

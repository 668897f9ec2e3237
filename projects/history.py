"""Who changed what and when on an operation, read from django-pghistory's trigger events."""

from dataclasses import dataclass

import pghistory.models
from django.apps import apps

from accounts.models import User
from projects.models import FundingLine, Operation

HIDDEN_FIELDS = {"id", "updated_at", "programme_id", "operation_id"}
EVENT_LABELS = {"insert": "Création", "update": "Modification"}


@dataclass
class Change:
    field: str
    before: object
    after: object


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
    return [_entry(event, users) for event in events]


def _entry(event, users: dict) -> HistoryEntry:
    context = event.pgh_context or {}
    model = Operation if event.pgh_model.endswith("OperationEvent") else FundingLine
    who = users.get(context.get("user")) or context.get("source") or "Système (import, commande)"
    subject = "Opération" if model is Operation else f"Financement ({event.pgh_data.get('kind', '')})"
    return HistoryEntry(
        when=event.pgh_created_at,
        who=who,
        what=EVENT_LABELS.get(event.pgh_label, event.pgh_label),
        subject=subject,
        changes=_changes(model, event.pgh_diff or {}),
    )


def _field(model, attname: str):
    return next((field for field in model._meta.concrete_fields if field.attname == attname), None)


def _readable(field, value):
    """Choice labels and related objects' names instead of raw codes and ids."""
    if field is None or value is None:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else value
    return value


def _changes(model, diff: dict) -> list[Change]:
    changes = []
    for name, (before, after) in diff.items():
        if name in HIDDEN_FIELDS:
            continue
        field = _field(model, name)
        label = str(field.verbose_name) if field else name
        changes.append(Change(field=label, before=_readable(field, before), after=_readable(field, after)))
    return changes

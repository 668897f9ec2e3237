"""Imports that create or update one model instance per row: the machinery every such spec shares.

A `ModelUpsertSpec` declares its model, the columns copied as they are onto model fields, the fields that
`full_clean` leaves to the spec (foreign keys resolved apart), and an optional lifecycle check; it then
writes only how a row finds its instance and what it wants. The layer gives, for every row:

    wanted fields (an empty cell keeps the stored value) → lifecycle check on update → full_clean() on a
    candidate copy, errors located on their columns → diff with the stored instance → RowPlan with the
    labels of the changed columns (create / update / unchanged).

Objects named in the file that do not exist yet (an unknown landlord…) are `PendingObject`s: they count as
a change and are created only when the import is committed (see accounts.import_refs).
"""

import copy
import datetime
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models

from core.imports import Action, ImportSpec, Row, RowPlan


class PendingObject:
    """Named in the file, created when the import is committed: always a change."""


def field_differs(instance: models.Model, name: str, wanted: Any) -> bool:
    """Compare a stored field with a wanted value without loading related objects (foreign keys by id)."""
    if isinstance(wanted, PendingObject):
        return True
    field = instance._meta.get_field(name)
    if isinstance(field, models.Field) and field.is_relation:
        return getattr(instance, field.attname) != (wanted.pk if wanted is not None else None)
    current = getattr(instance, name)
    if isinstance(current, datetime.datetime) and not isinstance(wanted, datetime.datetime):
        current = current.date()
    return current != wanted


def changed_fields(instance: models.Model | None, wanted: dict[str, Any]) -> dict[str, Any]:
    """The wanted fields that differ from the stored instance; all of them for a new one."""
    if instance is None:
        return dict(wanted)
    return {name: value for name, value in wanted.items() if field_differs(instance, name, value)}


class ModelUpsertSpec(ImportSpec):
    """An import creating or updating one `model` instance per row (see the module's docstring)."""

    model: ClassVar[type[models.Model]]
    # Columns whose parsed value goes as it is to the model field of the same name (empty cell: kept).
    copied: ClassVar[tuple[str, ...]] = ()
    # Model fields full_clean() leaves out: foreign keys and keys the spec resolves and checks itself.
    clean_exclude: ClassVar[tuple[str, ...]] = ()
    # (field, check(current=…, target=…)): a change of that field on update must follow the lifecycle.
    lifecycle: ClassVar[tuple[str, Callable[..., None]] | None] = None

    def wanted_fields(self, row: Row) -> dict[str, Any]:
        """The copied columns the row fills in (an empty cell keeps the stored value)."""
        return {name: row.get(name) for name in self.copied if row.get(name) is not None}

    def check_lifecycle(self, row: Row, instance: models.Model | None, wanted: dict[str, Any]) -> None:
        if self.lifecycle is None or instance is None:
            return
        name, check = self.lifecycle
        if wanted.get(name) and row.usable(name):
            try:
                check(current=getattr(instance, name), target=wanted[name])
            except ValidationError as error:
                self.record_validation_error(row, error)

    def clean_candidate(
        self,
        row: Row,
        candidate: models.Model,
        wanted: dict[str, Any],
        *,
        exclude: Iterable[str] | None = None,
    ) -> None:
        """What full_clean() would refuse at commit, found now on a copy (the stored one is untouched)."""
        exclude = list(self.clean_exclude if exclude is None else exclude)
        candidate = copy.copy(candidate)
        for name, value in wanted.items():
            if not isinstance(value, PendingObject):
                setattr(candidate, name, value)
        try:
            candidate.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self.record_validation_error(row, error)

    def change_labels(self, names: Iterable[str]) -> list[str]:
        """The labels of the columns behind changed model fields, once each, in order."""
        columns = {column.field: column for column in self.columns}
        labels = (self.model_field_columns.get(name, name) for name in names)
        return list(dict.fromkeys(str(columns[name].label) for name in labels if name in columns))

    def upsert_plan(self, row: Row, key: str, *, created: bool, changes: list[str], data: Any) -> RowPlan:
        """The plan of a row: created, updated (the labels of the changed columns), or unchanged."""
        action = Action.CREATE if created else (Action.UPDATE if changes else Action.UNCHANGED)
        assert row.number is not None  # a row of the file (only a bulk write's error has no row)
        return RowPlan(row=row.number, key=key, action=action, changes=self.change_labels(changes), data=data)

import calendar
import datetime
from typing import Any


def assign_changed(instance, fields: dict[str, Any]) -> bool:
    """Set the fields whose value differs; True when something changed (so callers skip no-op saves)."""
    changed = False
    for name, value in fields.items():
        if getattr(instance, name, None) != value:  # an unset relation reads as None
            setattr(instance, name, value)
            changed = True
    return changed


def months_before(day: datetime.date, count: int) -> datetime.date:
    """The same day count months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - count, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def save_validated(instance, fields: dict[str, Any] | None = None, *, editable=None):
    """Set `fields` on `instance` (only names in `editable` when given: another name is a programming
    error), validate it with the model's own rules (French errors on the fields) and save it."""
    fields = fields or {}
    unknown = set(fields) - set(editable) if editable is not None else set()
    if unknown:
        raise TypeError(f"Unknown {type(instance).__name__} fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance

from typing import Any


def assign_changed(instance, fields: dict[str, Any]) -> bool:
    """Set the fields whose value differs; True when something changed (so callers skip no-op saves)."""
    changed = False
    for name, value in fields.items():
        if getattr(instance, name, None) != value:  # an unset relation reads as None
            setattr(instance, name, value)
            changed = True
    return changed

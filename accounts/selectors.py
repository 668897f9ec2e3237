"""Reads on organisations shared by the imports."""

from accounts.models import Organisation
from core.parsing import normalize_key


def organisations_by_name_key() -> dict[str, Organisation]:
    """Organisations by normalised name, and by short name where no full name takes that key."""
    lookup: dict[str, Organisation] = {}
    organisations = list(Organisation.objects.only("pk", "name", "kind", "short_name").order_by("pk"))
    for organisation in organisations:
        if organisation.short_name:
            lookup.setdefault(normalize_key(organisation.short_name), organisation)
    for organisation in organisations:
        lookup[normalize_key(organisation.name)] = organisation
    return lookup

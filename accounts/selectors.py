"""Reads on organisations shared by the imports."""

from accounts.models import Membership, Organisation
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


def scope_cache_key(user, *, programme_id: int) -> str:
    """A short key naming what `scope_q` lets the user see of a programme, so that users with the same
    perimeter share cached figures: "tout" (the whole programme) or the granted sectors' ids."""
    if user.is_superuser:
        return "tout"
    memberships = Membership.objects.filter(user=user, is_active=True)
    if memberships.filter(programme_id=programme_id, sectors__isnull=True).exists():
        return "tout"
    sectors = sorted(set(memberships.filter(sectors__isnull=False).values_list("sectors", flat=True)))
    return "quartiers-" + "-".join(str(pk) for pk in sectors)


def programme_id_of(obj) -> int | None:
    """The programme of `obj`: a programme itself, or anything with a `programme_id`."""
    if obj is None:
        return None
    return obj.pk if obj._meta.model_name == "programme" else obj.programme_id


def holds_domain_grant(user, obj, domain: str, *, writing: bool = False) -> bool:
    """The user's active membership in the programme of `obj` holds the personal-data grant of `domain`
    (and, with `writing`, a role that writes it). Being a superuser opens nothing by itself."""
    programme_id = programme_id_of(obj)
    if not user.is_authenticated or programme_id is None:
        return False
    memberships = Membership.objects.active().granted(domain).filter(user=user, programme_id=programme_id)
    if writing:
        memberships = memberships.writing(domain)
    return memberships.exists()

"""Who may write the programme's reference data (django-rules); other apps build on `edits_programme`.

Reads are scoped by `visible_to(user)`; these say who may write."""

import rules

from accounts.models import EDITOR_ROLES, Membership


@rules.predicate
def edits_programme(user, obj) -> bool:
    """The user is admin or mission in the object's programme (and in its sector if scoped)."""
    if obj is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    programme_id = obj.pk if obj._meta.model_name == "programme" else obj.programme_id
    memberships = Membership.objects.active().filter(
        user=user, programme_id=programme_id, role__in=EDITOR_ROLES
    )
    sector_id = getattr(obj, "sector_id", None)
    if sector_id is None:
        return memberships.filter(sectors__isnull=True).exists()
    return memberships.filter(sectors__isnull=True).exists() or memberships.filter(sectors=sector_id).exists()


rules.add_perm("projects.change_programme", edits_programme)
rules.add_perm("projects.change_sector", edits_programme)
rules.add_perm("projects.add_operation", edits_programme)
rules.add_perm("projects.change_operation", edits_programme)
rules.add_perm("projects.add_document", edits_programme)
rules.add_perm("projects.import_data", edits_programme)

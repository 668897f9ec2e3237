"""Who may read and write households one by one (django-rules).

Households are personal data: reading them needs the relogement personal-data grant on the membership
(and MFA, enforced by `accounts.middleware.RequireMfaMiddleware`); writing them needs, in addition, an
editor role (programme administrator or mission team) or the relogement referent role. A superuser is
no exception: without a granted membership, no household.
"""

import rules

from accounts.models import Membership

DOMAIN = "relogement"  # registered in relogement/apps.py


def _granted(user, programme_id, *, editors_only: bool) -> bool:
    if not user.is_authenticated or programme_id is None:
        return False
    memberships = Membership.objects.active().granted(DOMAIN).filter(user=user, programme_id=programme_id)
    if editors_only:
        memberships = memberships.writing(DOMAIN)
    return memberships.exists()


def _programme_id(obj):
    if obj is None:
        return None
    return obj.pk if obj._meta.model_name == "programme" else obj.programme_id


@rules.predicate
def reads_households(user, obj) -> bool:
    """The user holds the relogement personal-data grant in the programme of `obj` (a programme or a
    household)."""
    return _granted(user, _programme_id(obj), editors_only=False)


@rules.predicate
def edits_households(user, obj) -> bool:
    """Granted, and admin, mission or relogement referent in the programme of `obj` (programme or
    household)."""
    return _granted(user, _programme_id(obj), editors_only=True)


rules.add_perm("relogement.view_household", reads_households)
rules.add_perm("relogement.export_household", edits_households)
rules.add_perm("relogement.add_household", edits_households)
rules.add_perm("relogement.change_household", edits_households)
rules.add_perm("relogement.add_offer", edits_households)
rules.add_perm("relogement.add_rehousing", edits_households)

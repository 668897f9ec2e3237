"""Who may read and write participants one by one (django-rules).

Participants and their contracts are personal data: reading them needs the insertion personal-data grant
on the membership (and MFA, enforced by `accounts.middleware.RequireMfaMiddleware`); writing them needs,
in addition, an editor role (programme administrator or mission team) or the insertion referent role. A
superuser is no exception: without a granted membership, no participant. Markets and the aggregated
figures (hours, shares, bands: `insertion.selectors`) are for everyone inside the programme's scope,
masked below the disclosure threshold for partners by the audience.
"""

import rules

from accounts.models import Membership
from insertion.models import DOMAIN
from projects.rules import edits_programme


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
def reads_participants(user, obj) -> bool:
    """The user holds the insertion personal-data grant in the programme of `obj` (a programme, a
    participant or a contract)."""
    return _granted(user, _programme_id(obj), editors_only=False)


@rules.predicate
def edits_participants(user, obj) -> bool:
    """Granted, and admin, mission or insertion referent in the programme of `obj`."""
    return _granted(user, _programme_id(obj), editors_only=True)


rules.add_perm("insertion.view_participant", reads_participants)
rules.add_perm("insertion.export_participant", edits_participants)
rules.add_perm("insertion.add_participant", edits_participants)
rules.add_perm("insertion.change_participant", edits_participants)
rules.add_perm("insertion.view_workcontract", reads_participants)
rules.add_perm("insertion.change_workcontract", edits_participants)


@rules.predicate
def reads_figures(user, obj) -> bool:
    """Any active member of the programme of `obj` (partners included: their figures are masked by the
    audience, and scoped to their sectors by `aggregable_by`), or a superuser."""
    if obj is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.active().filter(user=user, programme_id=_programme_id(obj)).exists()


# Markets and aggregates: any member of the programme (scoped by `visible_to` / `aggregable_by`);
# markets are written by the programme's editors (the facilitator's import, linking to an operation).
rules.add_perm("insertion.view_market", reads_figures)
rules.add_perm("insertion.view_figures", reads_figures)
rules.add_perm("insertion.add_market", edits_programme)
rules.add_perm("insertion.change_market", edits_programme)

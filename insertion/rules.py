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
from accounts.selectors import holds_domain_grant, programme_id_of
from insertion.models import DOMAIN
from projects.rules import edits_programme


@rules.predicate
def reads_participants(user, obj) -> bool:
    """The user holds the insertion personal-data grant in the programme of `obj` (a programme, a
    participant or a contract)."""
    return holds_domain_grant(user, obj, DOMAIN)


@rules.predicate
def edits_participants(user, obj) -> bool:
    """Granted, and admin, mission or insertion referent in the programme of `obj`."""
    return holds_domain_grant(user, obj, DOMAIN, writing=True)


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
    return Membership.objects.active().filter(user=user, programme_id=programme_id_of(obj)).exists()


# Markets and aggregates: any member of the programme (scoped by `visible_to` / `aggregable_by`);
# markets are written by the programme's editors (the facilitator's import, linking to an operation).
rules.add_perm("insertion.view_market", reads_figures)
rules.add_perm("insertion.view_figures", reads_figures)
rules.add_perm("insertion.add_market", edits_programme)
rules.add_perm("insertion.change_market", edits_programme)

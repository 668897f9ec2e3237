"""Who may read and write households one by one (django-rules).

Households are personal data: reading them needs the relogement personal-data grant on the membership
(and MFA, enforced by `accounts.middleware.RequireMfaMiddleware`); writing them needs, in addition, an
editor role (programme administrator or mission team) or the relogement referent role. A superuser is
no exception: without a granted membership, no household.
"""

import rules

from accounts.selectors import holds_domain_grant

DOMAIN = "relogement"  # registered in relogement/apps.py


@rules.predicate
def reads_households(user, obj) -> bool:
    """The user holds the relogement personal-data grant in the programme of `obj` (a programme or a
    household)."""
    return holds_domain_grant(user, obj, DOMAIN)


@rules.predicate
def edits_households(user, obj) -> bool:
    """Granted, and admin, mission or relogement referent in the programme of `obj` (programme or
    household)."""
    return holds_domain_grant(user, obj, DOMAIN, writing=True)


rules.add_perm("relogement.view_household", reads_households)
rules.add_perm("relogement.export_household", edits_households)
rules.add_perm("relogement.add_household", edits_households)
rules.add_perm("relogement.change_household", edits_households)
rules.add_perm("relogement.add_offer", edits_households)
rules.add_perm("relogement.add_rehousing", edits_households)

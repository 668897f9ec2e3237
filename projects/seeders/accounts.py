"""The demo accounts: one per role, with the same password, on each seeded programme."""

from dataclasses import dataclass

from accounts import services as account_services
from accounts.models import Domain, Organisation, Role
from core.seeding import Log, Target
from projects.models import Programme

DEMO_PASSWORD = "demo-npru-2026"
# The authenticator-app secret of each demo account granted a personal-data domain (base32, printed by
# seed_demo and given in the README, like the password): demo secrets, public by design, never for real data.
DEMO_TOTP_SECRETS = {
    "relogement": "NPRUDEMORELOGEMENTDEUXFACTEURS27",
    "insertion": "NPRUDEMOINSERTIONDEUXFACTEURS234",
}


def demo_totp_secret(grants) -> str:
    """The second factor of a demo account granted `grants` (none without a grant)."""
    return DEMO_TOTP_SECRETS[grants[0]] if grants else ""


@dataclass(frozen=True)
class AccountRow:
    email: str
    role: str
    organisation: str
    scope: str
    totp_secret: str = ""


# local part, role, organisation key, first name, last name, referent domain, limited to sectors, superuser,
# personal-data grants (such an account gets its domain's DEMO_TOTP_SECRETS entry as its second factor)
ACCOUNTS = [
    ("mission", Role.MISSION, "mel", "Camille", "Lambert", "", False, False, ()),
    ("admin", Role.ADMIN, "mel", "Dominique", "Roussel", "", False, True, ()),
    ("direction", Role.DIRECTION, "mel", "Claire", "Dubois", "", False, False, ()),
    ("referent", Role.REFERENT, "mel", "Karim", "Benali", Domain.RELOGEMENT, False, False, ()),
    (
        "referent-relogement",
        Role.REFERENT,
        "mel",
        "Nadia",
        "Haddad",
        Domain.RELOGEMENT,
        False,
        False,
        ("relogement",),
    ),
    (
        "referent-insertion",
        Role.REFERENT,
        "mel",
        "Malik",
        "Ouali",
        Domain.INSERTION,
        False,
        False,
        ("insertion",),
    ),
    ("bailleur", Role.PARTNER, "hm", "Sophie", "Lefebvre", "", True, False, ()),
    ("etat", Role.PARTNER, "etat", "Julien", "Moreau", "", False, False, ()),
]


def ensure_accounts(
    target: Target, programme: Programme, organisations: dict[str, Organisation], landlord_sectors, log: Log
) -> list[AccountRow]:
    rows = []
    for local, role, org_key, first, last, domain, limited, superuser, grants in ACCOUNTS:
        email = f"{local}@{target.email_domain}"
        user, _ = account_services.account_upsert(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last, is_superuser=superuser
        )
        sectors = list(landlord_sectors) if limited else []
        account_services.membership_set(
            user=user,
            programme=programme,
            organisation=organisations[org_key],
            role=role,
            referent_domain=domain,
            sectors=sectors,
            personal_data_domains=grants,
        )
        secret = demo_totp_secret(grants)
        if secret:
            account_services.totp_set(user=user, secret=secret)
        scope = ", ".join(sector.name for sector in sectors) if sectors else "Tout le programme"
        rows.append(AccountRow(email, Role(role).label, organisations[org_key].name, scope, secret))
    log(f"  {len(rows)} comptes @{target.email_domain}")
    return rows


def role_label(membership) -> str:
    label = membership.get_role_display()
    if membership.referent_domain:
        label += f" ({membership.get_referent_domain_display().lower()})"
    if membership.personal_data_domains:
        label += ", habilité données personnelles"
    if membership.user.is_superuser:
        label += " et superutilisateur"
    return label


def account_rows(target: Target, programme: Programme) -> list[AccountRow]:
    """The seeded accounts as they stand in the database, in the order of ACCOUNTS."""
    order = {f"{local}@{target.email_domain}": rank for rank, (local, *_) in enumerate(ACCOUNTS)}
    memberships = (
        programme.memberships.filter(user__email__in=order)
        .select_related("user", "organisation")
        .prefetch_related("sectors")
    )
    rows = [
        AccountRow(
            m.user.email,
            role_label(m),
            m.organisation.name,
            ", ".join(s.name for s in m.sectors.all()) or "Tout le programme",
            demo_totp_secret(m.personal_data_domains),
        )
        for m in memberships
    ]
    return sorted(rows, key=lambda row: order[row.email])

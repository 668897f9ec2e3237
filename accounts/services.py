"""Writes on accounts, organisations and memberships."""

from collections.abc import Iterable

from django.db import transaction

from accounts.models import Membership, Organisation, User
from core.utils import assign_changed
from projects.models import Programme, Sector


@transaction.atomic
def organisation_get_or_create(*, name: str, kind: str, programme: Programme | None = None) -> Organisation:
    """Find an organisation by name (case-insensitive) or create it; attach it to the programme."""
    name = " ".join(name.split())
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation is None:
        organisation = Organisation(name=name, kind=kind)
        organisation.full_clean()
        organisation.save()
    if programme is not None:
        programme.organisations.add(organisation)
    return organisation


@transaction.atomic
def organisation_upsert(
    *, name: str, kind: str, short_name: str = "", programme: Programme | None = None
) -> Organisation:
    """Find an organisation by name (case-insensitive), create or correct it, attach it to the programme."""
    name = " ".join(name.split())
    organisation = Organisation.objects.filter(name__iexact=name).first()
    created = organisation is None
    organisation = organisation or Organisation(name=name)
    if assign_changed(organisation, {"kind": kind, "short_name": short_name}) or created:
        organisation.full_clean()
        organisation.save()
    if programme is not None:
        programme.organisations.add(organisation)
    return organisation


@transaction.atomic
def account_upsert(
    *, email: str, password: str, first_name: str = "", last_name: str = "", is_superuser: bool = False
) -> tuple[User, bool]:
    """Create a login or bring it back to these values (password only reset when it differs)."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email=email).first()
    names = {"first_name": first_name, "last_name": last_name}
    if user is None:
        create = User.objects.create_superuser if is_superuser else User.objects.create_user
        return create(email, password, **names), True
    flags = {"is_superuser": is_superuser, "is_staff": is_superuser, "is_active": True}
    changed = assign_changed(user, {**names, **flags})
    if not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user.full_clean(exclude=["password"])
        user.save()
    return user, False


@transaction.atomic
def user_delete(*, user: User) -> None:
    user.delete()


@transaction.atomic
def membership_set(
    *,
    user: User,
    programme: Programme,
    organisation: Organisation,
    role: str,
    referent_domain: str = "",
    sectors: list[Sector] | None = None,
    personal_data_domains: Iterable[str] = (),
) -> Membership:
    """The user's one membership in the programme, created or updated; no sectors = whole programme.

    `personal_data_domains`: the personal-data grants (keys registered in `core.personal_data`)."""
    membership = Membership.objects.filter(user=user, programme=programme).first()
    created = membership is None
    membership = membership or Membership(user=user, programme=programme)
    fields = {
        "organisation": organisation,
        "role": role,
        "referent_domain": referent_domain,
        "personal_data_domains": sorted(set(personal_data_domains)),
        "is_active": True,
    }
    if assign_changed(membership, fields) or created:
        membership.full_clean()
        membership.save()
    wanted = {sector.pk for sector in sectors or []}
    if set(membership.sectors.values_list("pk", flat=True)) != wanted:
        membership.sectors.set(wanted)
    return membership


@transaction.atomic
def totp_set(*, user: User, secret: str) -> bool:
    """Give the user this authenticator-app secret (the demo's granted accounts, whose secret is printed),
    with recovery codes; any other app secret is replaced. Returns whether anything changed."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import decrypt

    current = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if current is not None and decrypt(current.data["secret"]) == secret:
        return False
    if current is not None:
        current.delete()
    TOTP.activate(user, secret)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
    return True

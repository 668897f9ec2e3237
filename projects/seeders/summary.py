"""The end of seed_demo's output: each programme's figures, then the demo accounts."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts.models import OrganisationKind
from core.seeding import Target
from projects.models import FundingLine, Milestone, Operation, Programme
from projects.seeders.accounts import DEMO_PASSWORD, AccountRow, account_rows


def french_number(value) -> str:
    return f"{value:,.0f}".replace(",", " ")


def millions(value) -> str:
    return f"{value / 1_000_000:,.1f} M€".replace(",", " ").replace(".", ",")


def programme_lines(programme: Programme, accounts: list[AccountRow]) -> list[str]:
    operations = Operation.objects.filter(programme=programme).aggregate(
        count=Count("pk"),
        cost=Sum("cost_excl_tax"),
        at_risk=Count("pk", filter=Q(at_risk=True)),
        demolished=Sum("housing_demolished"),
        rebuilt=Sum("housing_rebuilt"),
        rehabilitated=Sum("housing_rehabilitated"),
        moas=Count("moa", distinct=True),
    )
    funding = FundingLine.objects.filter(operation__programme=programme).aggregate(
        count=Count("pk"),
        total_planned=Sum("planned"),
        total_committed=Sum("committed"),
        total_paid=Sum("paid"),
        anru=Sum("planned", filter=Q(funder__kind=OrganisationKind.ANRU)),
    )
    money = {
        key: millions(funding[name] or Decimal(0))
        for key, name in [
            ("planned", "total_planned"),
            ("committed", "total_committed"),
            ("paid", "total_paid"),
        ]
    }
    money["anru"] = millions(funding["anru"] or Decimal(0))
    housing = [french_number(operations[key] or 0) for key in ("demolished", "rebuilt", "rehabilitated")]
    rows = [
        ("Quartiers", programme.sectors.count()),
        ("Opérations", f"{operations['count']} (dont {operations['at_risk']} à risque)"),
        ("Maîtres d'ouvrage", operations["moas"]),
        ("Lignes de financement", funding["count"]),
        ("Jalons", Milestone.objects.filter(operation__programme=programme).count()),
        ("Comptes", len(accounts)),
        ("Coût HT", f"{millions(operations['cost'] or Decimal(0))} (dont subventions ANRU {money['anru']})"),
        ("Financements", f"prévu {money['planned']}, engagé {money['committed']}, versé {money['paid']}"),
        ("Logements", f"{housing[0]} démolis, {housing[1]} reconstitués, {housing[2]} réhabilités"),
    ]
    return [
        "",
        f"{programme.name} ({programme.slug})",
        *(f"  {label:<22} : {value}" for label, value in rows),
    ]


def account_table(accounts: list[AccountRow]) -> list[str]:
    rows = [("Adresse électronique", "Rôle", "Organisation", "Périmètre")]
    rows += [(a.email, a.role, a.organisation, a.scope) for a in accounts]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["", "Comptes de démonstration"]
    for index, row in enumerate(rows):
        lines.append(
            ("  " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))).rstrip()
        )
        if index == 0:
            lines.append("  " + "-+-".join("-" * width for width in widths))
    lines += ["", f"  Mot de passe (tous les comptes) : {DEMO_PASSWORD}"]
    return lines + totp_lines(accounts)


def totp_lines(accounts: list[AccountRow]) -> list[str]:
    """The second factor of the granted accounts: the secret to type, or the otpauth URI to turn into a
    QR code, in an authenticator app (FreeOTP, Aegis, Google or Microsoft Authenticator…)."""
    from allauth.mfa.adapter import get_adapter

    from accounts.models import User

    granted = [row for row in accounts if row.totp_secret]
    if not granted:
        return []
    lines = ["", "  Double authentification des comptes habilités aux données personnelles :"]
    users = {user.email: user for user in User.objects.filter(email__in=[row.email for row in granted])}
    for row in granted:
        uri = get_adapter().build_totp_url(users[row.email], row.totp_secret)
        lines += [
            f"  {row.email} : secret TOTP {row.totp_secret}",
            f"    (à saisir dans une application d'authentification, ou ce lien à y ouvrir : {uri})",
        ]
    return lines


def report(targets: list[Target], programmes: list[Programme]) -> list[str]:
    lines, accounts = [], []
    for target, programme in zip(targets, programmes, strict=True):
        rows = account_rows(target, programme)
        lines += programme_lines(programme, rows)
        accounts += rows
    return [*lines, *account_table(accounts)]

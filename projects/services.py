"""Every write on programmes, sectors, operations and their funding goes through here."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationKind
from projects.models import (
    Document,
    FundingLine,
    Operation,
    OperationStatus,
    Programme,
    Qpv,
    Sector,
)

S = OperationStatus
# Allowed status changes; see docs/STATUTS.md. Any status may go back one step to correct a mistake.
OPERATION_TRANSITIONS: dict[str, set[str]] = {
    S.ETUDE: {S.PROGRAMMEE, S.ABANDONNEE},
    S.PROGRAMMEE: {S.ETUDE, S.ENGAGEE, S.ABANDONNEE},
    S.ENGAGEE: {S.PROGRAMMEE, S.TRAVAUX, S.ABANDONNEE},
    S.TRAVAUX: {S.ENGAGEE, S.LIVREE, S.ABANDONNEE},
    S.LIVREE: {S.TRAVAUX, S.SOLDEE},
    S.SOLDEE: set(),
    S.ABANDONNEE: {S.ETUDE},
}


def operation_check_transition(*, current: str, target: str) -> None:
    if current == target:
        return
    if target not in OPERATION_TRANSITIONS[current]:
        raise ValidationError(
            {
                "status": _("Passage de « %(current)s » à « %(target)s » impossible.")
                % {"current": S(current).label, "target": S(target).label}
            }
        )


OPERATION_EDITABLE_FIELDS = (
    "sector",
    "convention",
    "label",
    "family",
    "moa",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "cost_excl_tax",
    "eligible_base",
    "housing_demolished",
    "housing_rebuilt",
    "housing_rehabilitated",
    "location",
    "progress",
    "at_risk",
    "at_risk_reason",
    "description",
)


@transaction.atomic
def operation_create(*, programme: Programme, identifier: str, **fields: Any) -> Operation:
    unknown = set(fields) - set(OPERATION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown operation fields: {sorted(unknown)}")
    operation = Operation(programme=programme, identifier=identifier.strip(), **fields)
    operation.full_clean()
    operation.save()
    return operation


@transaction.atomic
def operation_update(*, operation: Operation, **fields: Any) -> Operation:
    """Apply changed fields; a status change must follow OPERATION_TRANSITIONS."""
    unknown = set(fields) - set(OPERATION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown operation fields: {sorted(unknown)}")
    if "status" in fields:
        current = Operation.objects.filter(pk=operation.pk).values_list("status", flat=True).get()
        operation_check_transition(current=current, target=fields["status"])
    if not fields.get("at_risk", operation.at_risk):
        fields.setdefault("at_risk_reason", "")
    for name, value in fields.items():
        setattr(operation, name, value)
    operation.full_clean()
    operation.save()
    return operation


@transaction.atomic
def funding_line_set(
    *,
    operation: Operation,
    funder: Organisation,
    kind: str,
    planned: Decimal | None = None,
    committed: Decimal | None = None,
    paid: Decimal | None = None,
) -> FundingLine:
    """Create or update the line of one funder and kind; amounts left as None keep their value."""
    line = FundingLine.objects.filter(operation=operation, funder=funder, kind=kind).first()
    line = line or FundingLine(operation=operation, funder=funder, kind=kind)
    for name, value in (("planned", planned), ("committed", committed), ("paid", paid)):
        if value is not None:
            setattr(line, name, value)
    line.full_clean()
    line.save()
    return line


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


def organisation_kind_guess(name: str) -> str:
    """A sensible kind for an organisation met first as a name in a partner's file."""
    lowered = name.lower()
    hints = [
        ("ville", OrganisationKind.VILLE),
        ("commune", OrganisationKind.VILLE),
        ("métropole", OrganisationKind.EPCI),
        ("metropole", OrganisationKind.EPCI),
        ("agglo", OrganisationKind.EPCI),
        ("habitat", OrganisationKind.BAILLEUR),
        ("logis", OrganisationKind.BAILLEUR),
        ("hlm", OrganisationKind.BAILLEUR),
        ("spl", OrganisationKind.AMENAGEUR),
        ("sem", OrganisationKind.AMENAGEUR),
        ("aménag", OrganisationKind.AMENAGEUR),
        ("région", OrganisationKind.REGION),
        ("département", OrganisationKind.DEPARTEMENT),
    ]
    for hint, kind in hints:
        if hint in lowered:
            return kind
    return OrganisationKind.AUTRE


@transaction.atomic
def sector_create(*, programme: Programme, name: str, slug: str, **fields: Any) -> Sector:
    sector = Sector(programme=programme, name=name, slug=slug, **fields)
    sector.full_clean()
    sector.save()
    return sector


@transaction.atomic
def sector_update(*, sector: Sector, **fields: Any) -> Sector:
    for name, value in fields.items():
        setattr(sector, name, value)
    sector.full_clean()
    sector.save()
    return sector


@dataclass(frozen=True)
class QpvData:
    code: str
    name: str
    insee_codes: list[str]
    communes: list[str]


@transaction.atomic
def qpv_upsert(*, data: QpvData) -> tuple[Qpv, bool]:
    """Create or update one QPV of the reference list; returns (qpv, created)."""
    qpv = Qpv.objects.filter(code=data.code).first()
    created = qpv is None
    qpv = qpv or Qpv(code=data.code)
    qpv.name, qpv.insee_codes, qpv.communes = data.name, data.insee_codes, data.communes
    qpv.full_clean()
    qpv.save()
    return qpv, created


@transaction.atomic
def document_attach(*, target, title: str, file, confidentiality: str, user) -> Document:
    programme_id = target.pk if isinstance(target, Programme) else target.programme_id
    sector_id = target.pk if isinstance(target, Sector) else getattr(target, "sector_id", None)
    document = Document(
        programme_id=programme_id,
        sector_id=sector_id,
        target=target,
        title=title,
        file=file,
        confidentiality=confidentiality,
        uploaded_by=user,
    )
    document.full_clean()
    document.save()
    return document

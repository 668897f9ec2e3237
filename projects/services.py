"""Every write on programmes, sectors, operations and their funding goes through here."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import Organisation, OrganisationKind
from core.parsing import normalize_key
from core.transitions import State, StateMachine, step
from core.utils import assign_changed, save_validated
from projects.models import (
    Amendment,
    Convention,
    Document,
    FundingLine,
    Milestone,
    Operation,
    OperationStatus,
    Programme,
    Qpv,
    Sector,
)

S = OperationStatus
# The operation's lifecycle; see docs/STATUTS.md. Any status may go back one step to correct a mistake.
OPERATION_LIFECYCLE = StateMachine(
    "projects.operation",
    OperationStatus,
    {
        S.ETUDE: State(
            to=[S.PROGRAMMEE, S.ABANDONNEE],
            case="l'opération est inscrite à la convention ou abandonnée après étude",
        ),
        S.PROGRAMMEE: State(
            to=[step(S.ETUDE, "correction"), S.ENGAGEE, S.ABANDONNEE],
            case="premier engagement juridique (marché, ordre de service, décision de financement)",
        ),
        S.ENGAGEE: State(
            to=[step(S.PROGRAMMEE, "correction"), S.TRAVAUX, S.ABANDONNEE], case="ordre de service travaux"
        ),
        S.TRAVAUX: State(
            to=[step(S.ENGAGEE, "correction"), S.LIVREE, S.ABANDONNEE], case="réception des travaux"
        ),
        S.LIVREE: State(
            to=[step(S.TRAVAUX, "correction"), S.SOLDEE],
            case="solde financier versé par l'ANRU et les cofinanceurs",
        ),
        S.SOLDEE: State(),
        S.ABANDONNEE: State(to=[S.ETUDE], case="relance d'une opération abandonnée"),
    },
    role="équipe projet, administrateur",
    services=["operation_update"],
)


def operation_check_transition(*, current: str, target: str) -> None:
    OPERATION_LIFECYCLE.check(current, target)


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
    operation = Operation(programme=programme, identifier=identifier.strip())
    return save_validated(operation, fields, editable=OPERATION_EDITABLE_FIELDS)


@transaction.atomic
def operation_update(*, operation: Operation, **fields: Any) -> Operation:
    """Apply changed fields; a status change must follow OPERATION_LIFECYCLE."""
    if "status" in fields:
        current = Operation.objects.filter(pk=operation.pk).values_list("status", flat=True).get()
        operation_check_transition(current=current, target=fields["status"])
    if not fields.get("at_risk", operation.at_risk):
        fields.setdefault("at_risk_reason", "")
    return save_validated(operation, fields, editable=OPERATION_EDITABLE_FIELDS)


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


# Words that tell an organisation's kind, tried in this order on its name without accents or case:
# landlords first ("Habitat Métropole" is a bailleur, not the Métropole); acronyms as whole words only
# ("sem" is not in "Assemblée").
ORGANISATION_KIND_HINTS = [
    (r"\bhabitat|\blogis|\bhlm\b|\boph\b", OrganisationKind.BAILLEUR),
    (r"\baction logement\b", OrganisationKind.ACTION_LOGEMENT),
    (r"\banru\b|\brenovation urbaine\b", OrganisationKind.ANRU),
    (r"\bbanque des territoires\b|\bcaisse des depots\b", OrganisationKind.BANQUE_TERRITOIRES),
    (r"\banah\b", OrganisationKind.ANAH),
    (r"\bcaf\b|\ballocations familiales\b", OrganisationKind.CAF),
    (r"\bspl\b|\bsem\b|\bamenag", OrganisationKind.AMENAGEUR),
    (r"\bville\b|\bcommune\b", OrganisationKind.VILLE),
    (r"\bmetropole\b|\bagglo|\bcommunaute (urbaine|de communes)\b", OrganisationKind.EPCI),
    (r"\bregion|\bregional\b", OrganisationKind.REGION),
    (r"\bdepartement", OrganisationKind.DEPARTEMENT),
    (r"\betat\b|\bprefecture\b|\bddt\b|\bdsil\b", OrganisationKind.ETAT),
]


def organisation_kind_guess(name: str) -> str:
    """A sensible kind for an organisation met first as a name in a partner's file."""
    words = normalize_key(name)
    for pattern, kind in ORGANISATION_KIND_HINTS:
        if re.search(pattern, words):
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


# --- Reference data, accounts and seeding (used by the demo seed) ----------------------------------


@transaction.atomic
def programme_upsert(*, slug: str, name: str, **fields: Any) -> tuple[Programme, bool]:
    """Create the programme of this slug or update it in place; returns (programme, created)."""
    programme = Programme.objects.filter(slug=slug).first()
    created = programme is None
    programme = programme or Programme(slug=slug)
    if assign_changed(programme, {"name": name, **fields}) or created:
        programme.full_clean()
        programme.save()
    return programme, created


@transaction.atomic
def programme_delete(*, programme: Programme) -> None:
    """Delete a programme and all it holds; operations go first since their sector is protected."""
    Operation.objects.filter(programme=programme).delete()
    programme.delete()


@transaction.atomic
def convention_upsert(
    *, programme: Programme, kind: str, reference: str, title: str, **fields: Any
) -> Convention:
    """One convention per (programme, kind, reference), updated in place."""
    convention = Convention.objects.filter(programme=programme, kind=kind, reference=reference).first()
    created = convention is None
    convention = convention or Convention(programme=programme, kind=kind, reference=reference)
    if assign_changed(convention, {"title": title, **fields}) or created:
        convention.full_clean()
        convention.save()
    return convention


@transaction.atomic
def amendment_upsert(
    *, convention: Convention, number: int, kind: str, subject: str, **fields: Any
) -> Amendment:
    amendment = Amendment.objects.filter(convention=convention, number=number).first()
    created = amendment is None
    amendment = amendment or Amendment(convention=convention, number=number)
    if assign_changed(amendment, {"kind": kind, "subject": subject, **fields}) or created:
        amendment.full_clean()
        amendment.save()
    return amendment


@transaction.atomic
def milestone_upsert(
    *, operation: Operation, label: str, due_on: datetime.date, done_on: datetime.date | None = None
) -> Milestone:
    """The operation's milestone of this label, created or moved to the given dates."""
    milestone = Milestone.objects.filter(operation=operation, label=label).order_by("pk").first()
    created = milestone is None
    milestone = milestone or Milestone(operation=operation, label=label)
    if assign_changed(milestone, {"due_on": due_on, "done_on": done_on}) or created:
        milestone.full_clean()
        milestone.save()
    return milestone


@transaction.atomic
def funding_line_delete(*, line: FundingLine) -> None:
    line.delete()


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


# --- Funding lines, milestones, conventions and avenants, edited from the pages ----------------------

FUNDING_AMOUNTS = ("planned", "committed", "paid")


@transaction.atomic
def funding_line_create(
    *,
    operation: Operation,
    funder: Organisation,
    kind: str,
    planned: Decimal = Decimal(0),
    committed: Decimal = Decimal(0),
    paid: Decimal = Decimal(0),
) -> FundingLine:
    """A new line of the funding plan; one line per funder and nature (paid ≤ committed, see the model)."""
    line = FundingLine(
        operation=operation, funder=funder, kind=kind, planned=planned, committed=committed, paid=paid
    )
    return save_validated(line)


@transaction.atomic
def funding_line_update(*, line: FundingLine, **fields: Any) -> FundingLine:
    return save_validated(line, fields, editable={"funder", "kind", *FUNDING_AMOUNTS})


@transaction.atomic
def milestone_create(
    *, operation: Operation, label: str, due_on: datetime.date, done_on: datetime.date | None = None
) -> Milestone:
    milestone = Milestone(operation=operation, label=label.strip(), due_on=due_on, done_on=done_on)
    return save_validated(milestone)


@transaction.atomic
def milestone_update(*, milestone: Milestone, **fields: Any) -> Milestone:
    return save_validated(milestone, fields, editable={"label", "due_on", "done_on"})


CONVENTION_EDITABLE_FIELDS = ("kind", "title", "reference", "signed_on", "ends_on")
AMENDMENT_EDITABLE_FIELDS = ("number", "kind", "subject", "signed_on")


@transaction.atomic
def convention_create(*, programme: Programme, **fields: Any) -> Convention:
    return save_validated(Convention(programme=programme), fields, editable=CONVENTION_EDITABLE_FIELDS)


@transaction.atomic
def convention_update(*, convention: Convention, **fields: Any) -> Convention:
    return save_validated(convention, fields, editable=CONVENTION_EDITABLE_FIELDS)


@transaction.atomic
def amendment_create(*, convention: Convention, **fields: Any) -> Amendment:
    return save_validated(Amendment(convention=convention), fields, editable=AMENDMENT_EDITABLE_FIELDS)


@transaction.atomic
def amendment_update(*, amendment: Amendment, **fields: Any) -> Amendment:
    return save_validated(amendment, fields, editable=AMENDMENT_EDITABLE_FIELDS)

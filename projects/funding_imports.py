"""Imports of the funders' and the finance department's statements: committed and paid amounts of the
funding lines (registered through projects/imports.py; described for users in docs/imports.md).

- `engagements`: one row per operation × funder (× nature): the amounts committed and paid to date, as a
  funder's « état des engagements et des paiements » gives them. They replace the stored amounts: a
  statement is cumulative, so importing it again changes nothing.
- `versements`: one row per payment (operation, funder, date, amount). The payments of the file are the
  complete list for each funding line they name: the line's paid amount becomes their sum (not added to
  it), so a re-import, or a later extract that repeats the earlier payments, never counts one twice.

Both write through `projects.services.funding_line_set`, so history records the file, who and when.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.import_refs import NewOrganisation, OrganisationRef, OrganisationRefs
from accounts.models import OrganisationKind
from core.formatting import format_euros
from core.imports import (
    Action,
    Column,
    Headers,
    ImportResult,
    ImportSpec,
    Row,
    RowError,
    RowPlan,
    header_key,
)
from core.parsing import (
    invalid,
    normalize_key,
    parse_amount,
    parse_date_fr,
    parse_signed_amount,
    text_of,
)
from projects.models import FundingKind, FundingLine, Operation
from projects.services import funding_line_set, organisation_kind_guess
from projects.vocabularies import (
    COMMITMENT_HEADERS,
    FUNDERS,
    FUNDING_KIND,
    GENERIC_ORGANISATIONS,
    NATIONAL_KINDS,
    OPERATION_HEADERS,
    OPERATIONS,
    PAYMENT_HEADERS,
    Funder,
    significant_words,
)

ZERO = Decimal(0)
REMAINING_TOLERANCE = Decimal(1)
# A funder named by one of the headers of a funder column of the financial annex ("Conseil régional",
# "CDC"…): that funder.
FUNDER_WORDS: dict[str, Funder] = {
    header_key(spelling): funder
    for funder in FUNDERS
    for spelling in OPERATION_HEADERS[funder.field].split("|")
}
# « Fonds propres », « Autofinancement »…: the operation's maître d'ouvrage, as in the financial annex.
OWN_FUNDS_WORDS = {header_key(spelling) for spelling in OPERATION_HEADERS["fund_own"].split("|")}
# Kinds an organisation's name may be guessed as, that a programme has one of (its Région, its Ville…).
FUNDER_KINDS = {funder.organisation_kind for funder in FUNDERS} - {OrganisationKind.AUTRE}


_KIND_WORDS = {
    "ville", "commune", "region", "regional", "conseil", "departement", "departemental", "metropole",
    "metropolitain", "europeenne", "agglomeration", "communaute", "urbaine", "territoires", "banque",
}  # fmt: skip


def _proper_words(name: str) -> frozenset[str]:
    return significant_words(name) - _KIND_WORDS


def parse_past_date(value: Any) -> datetime.date | None:
    date = parse_date_fr(value)
    if date is not None and date > timezone.localdate():
        raise invalid("« %(value)s » : la date est dans le futur.", value)
    return date


def euros(amount: Decimal) -> str:
    return format_euros(amount, precision=2 if amount != amount.to_integral_value() else 0)


@dataclass(frozen=True)
class LineRef:
    """The funding line a row names: existing (`line`) or to create."""

    operation: Operation
    funder: OrganisationRef
    kind: str
    line: FundingLine | None

    @property
    def key(self) -> tuple:
        funder = (
            self.funder.pk
            if not isinstance(self.funder, NewOrganisation)
            else normalize_key(self.funder.name)
        )
        return (self.operation.pk, funder, self.kind)

    @property
    def label(self) -> str:
        return f"{self.operation.identifier} · {self.funder.name} ({FundingKind(self.kind).label.lower()})"

    @property
    def committed(self) -> Decimal:
        return self.line.committed if self.line else ZERO

    @property
    def paid(self) -> Decimal:
        return self.line.paid if self.line else ZERO


@dataclass
class LineAmounts:
    ref: LineRef
    committed: Decimal | None = None
    paid: Decimal | None = None


def line_columns(headers: Headers) -> tuple[Column, ...]:
    """The columns naming a funding line, and the statements' usual columns read to be known, not used."""
    return (
        headers.column("operation", values=OPERATIONS, required=True),
        headers.column("operation_label", parser=text_of(300)),
        headers.column("moa", parser=text_of(200)),
        headers.column("family", parser=text_of(200)),
        headers.column("funder", parser=text_of(200), required=True),
        headers.column("kind", parser=FUNDING_KIND),
    )


class FundingStatementImport(ImportSpec, register=False):
    """What both statements share: the operation, the funder and the nature of a row make a funding
    line of the programme."""

    key_field = "operation"
    unique_key = False  # one operation has several lines: the line is checked instead
    key_label = "Ligne de financement"
    success_url_name = "projects:operation_list"

    def prepare(self) -> None:
        lines = FundingLine.objects.filter(operation__programme=self.programme).select_related("funder")
        self.lines: dict[tuple, FundingLine] = {}
        self.operation_lines: dict[tuple[int, int], list[FundingLine]] = defaultdict(list)
        for line in lines.order_by("pk"):
            self.lines[(line.operation_id, line.funder_id, line.kind)] = line
            self.operation_lines[(line.operation_id, line.funder_id)].append(line)
        self.organisations = OrganisationRefs(self)
        self.funders: dict[str, OrganisationRef | str] = {}
        # Where a funding line (engagements) or a payment (versements) was first met in the file.
        self.seen: dict[tuple, int] = {}

    # The funder -------------------------------------------------------------------------------------------
    def funder(self, row: Row) -> OrganisationRef | None:
        name = row.get("funder")
        if not name:
            return None
        if self.own_funds(row):
            operation = row.get("operation")
            return operation.moa if isinstance(operation, Operation) else None
        key = normalize_key(name)
        if key not in self.funders:
            self.funders[key] = self._find_funder(name)
        found = self.funders[key]
        if isinstance(found, str):
            row.error("funder", found)
            return None
        return found

    @staticmethod
    def own_funds(row: Row) -> bool:
        return header_key(row.get("funder", "")) in OWN_FUNDS_WORDS

    def _find_funder(self, name: str) -> OrganisationRef | str:
        """By name or short name; « Ville », « Métropole » : the programme's; a funder column's word
        (« Région », « CDC »…): the programme's organisation of that kind (« Union européenne »: the
        FEDER); a name that tells a kind the programme has one of (« Conseil régional
        Hauts-de-France »): that one; otherwise created."""
        if found := self.organisations.get(name):
            return found
        if generic := GENERIC_ORGANISATIONS.get(normalize_key(name)):
            return self.organisations.of_programme(generic)
        funder = FUNDER_WORDS.get(header_key(name))
        if funder is not None and funder.organisation_kind == OrganisationKind.AUTRE and funder.default_name:
            # « Union européenne », « Fonds européens »: the organisation the annex's FEDER column names.
            return self.organisations.named(funder.default_name, OrganisationKind.AUTRE)
        if funder is not None:
            found = self.organisations.of_programme(funder.organisation_kind, preferred=funder.default_name)
            if not isinstance(found, str):
                return found
            national = self.organisations.the_only(funder.organisation_kind)
            if funder.organisation_kind in NATIONAL_KINDS and national is not None:
                return national
            if funder.default_name is None:
                return found  # the programme's ville or métropole: the reason why there is none
            return self.organisations.pending(funder.default_name, funder.organisation_kind)
        kind = organisation_kind_guess(name)
        if kind in FUNDER_KINDS:
            found = self.organisations.of_programme(kind)
            # « Conseil régional Hauts-de-France » is the Région Hauts-de-France; « Ville de Lomme » is
            # not the Ville de Lille: a word of the name besides the kind's words must be shared.
            if not isinstance(found, str) and _proper_words(name) & _proper_words(found.name):
                self.warn(f"Financeur « {name} » compris comme « {found.name} », rattaché au programme.")
                return found
        return self.organisations.pending(name, kind if kind in FUNDER_KINDS else OrganisationKind.AUTRE)

    # The funding line -------------------------------------------------------------------------------------
    def line_ref(self, row: Row) -> LineRef | None:
        operation = row.get("operation")
        funder = self.funder(row)
        if not isinstance(operation, Operation) or funder is None or not row.usable("kind"):
            return None
        kind = row.get("kind") or (FundingKind.FONDS_PROPRES if self.own_funds(row) else None)
        existing = (
            [] if isinstance(funder, NewOrganisation) else self.operation_lines[(operation.pk, funder.pk)]
        )
        if kind is None and len(existing) > 1:
            natures = ", ".join(FundingKind(line.kind).label.lower() for line in existing)
            row.error(
                "funder",
                f"L'opération {operation.identifier} a plusieurs lignes de financement de « {funder.name} » "
                f"({natures}) : indiquez la nature dans une colonne « Nature ».",
            )
            return None
        if kind is None:
            kind = existing[0].kind if existing else self._default_kind(funder)
        line = (
            None if isinstance(funder, NewOrganisation) else self.lines.get((operation.pk, funder.pk, kind))
        )
        ref = LineRef(operation, funder, kind, line)
        if line is None:
            self.warn(
                f"Ligne {row.number} : {ref.label} n'est pas dans la maquette de l'opération : la ligne de "
                "financement sera créée (prévu 0 €)."
            )
        return ref

    @staticmethod
    def _default_kind(funder: OrganisationRef) -> str:
        if funder.kind == OrganisationKind.ACTION_LOGEMENT:
            return FundingKind.PRET
        return FundingKind.SUBVENTION

    # Planning and writing ---------------------------------------------------------------------------------
    def line_plan(self, row: int, amounts: LineAmounts, *, key: str | None = None) -> RowPlan:
        ref = amounts.ref
        details, changes = [], []
        for what, before, after in (
            ("Engagé", ref.committed, amounts.committed),
            ("Versé", ref.paid, amounts.paid),
        ):
            if after is None:
                continue
            details.append((what, euros(before), euros(after)))
            if after != before:
                changes.append(what)
        action = Action.CREATE if ref.line is None else (Action.UPDATE if changes else Action.UNCHANGED)
        return RowPlan(
            row=row, key=key or ref.label, action=action, changes=changes, data=amounts, details=details
        )

    def warn_decrease(self, row: int, ref: LineRef, amounts: LineAmounts, why: str) -> None:
        """An amount of an existing line going down: a correction or an older file, to be checked."""
        for what, before, after in (
            ("l'engagé", ref.committed, amounts.committed),
            ("le versé", ref.paid, amounts.paid),
        ):
            if ref.line is not None and after is not None and after < before:
                self.warn(
                    f"Ligne {row} : {what} de {ref.label} baisse de {euros(before)} à {euros(after)} ({why})."
                )

    def apply(self, plan: RowPlan) -> None:
        amounts: LineAmounts = plan.data
        ref = amounts.ref
        funding_line_set(
            operation=ref.operation,
            funder=self.organisations.saved(ref.funder),
            kind=ref.kind,
            committed=amounts.committed,
            paid=amounts.paid,
        )


class CommitmentsImport(FundingStatementImport):
    kind = "engagements"
    label = "État des engagements et des versements (par opération et financeur)"
    description = (
        "L'état d'un financeur (ANRU, Région, Département…) ou du service financier : une ligne par "
        "opération et financeur, avec le montant engagé et le montant versé à date. Ils remplacent les "
        "montants enregistrés de la ligne de financement : un état est cumulé, le réimporter ne change rien."
    )
    columns = (
        *line_columns(COMMITMENT_HEADERS),
        COMMITMENT_HEADERS.column("committed", parser=parse_amount, required=True),
        COMMITMENT_HEADERS.column("paid", parser=parse_amount, required=True),
        COMMITMENT_HEADERS.column("remaining", parser=parse_amount),
        COMMITMENT_HEADERS.column("date", parser=parse_past_date),
    )

    def validate_row(self, row: Row) -> RowPlan | None:
        ref = self.line_ref(row)
        if ref is None or not row.usable("committed", "paid"):
            return None
        if ref.key in self.seen:
            row.error(
                "funder", f"La ligne de financement {ref.label} figure déjà ligne {self.seen[ref.key]}."
            )
            return None
        self.seen[ref.key] = row.number
        committed, paid = row.get("committed", ZERO), row.get("paid", ZERO)
        if paid > committed:
            row.error(
                "paid",
                f"Le montant versé ({euros(paid)}) dépasse le montant engagé ({euros(committed)}) "
                f"de la ligne {ref.label} : le versé ne peut dépasser l'engagé.",
            )
            return None
        remaining = row.get("remaining")
        if remaining is not None and abs(committed - paid - remaining) > REMAINING_TOLERANCE:
            self.warn(
                f"Ligne {row.number} : le reste à verser ({euros(remaining)}) diffère de l'engagé moins le "
                f"versé ({euros(committed - paid)})."
            )
        if ref.line is not None and ref.line.planned and committed > ref.line.planned:
            self.warn(
                f"Ligne {row.number} : l'engagé de {ref.label} ({euros(committed)}) dépasse le prévu de la "
                f"maquette ({euros(ref.line.planned)})."
            )
        amounts = LineAmounts(ref, committed=committed, paid=paid)
        self.warn_decrease(row.number, ref, amounts, "état précédent corrigé, ou état plus ancien ?")
        return self.line_plan(row.number, amounts)


@dataclass(frozen=True)
class Payment:
    ref: LineRef
    date: datetime.date
    amount: Decimal
    reference: str


class PaymentsImport(FundingStatementImport):
    kind = "versements"
    label = "Versements (un versement par ligne)"
    description = (
        "La liste des versements reçus (service financier, titres de recettes encaissés) : une ligne par "
        "versement, avec l'opération, le financeur, la date et le montant. Le versé de chaque ligne de "
        "financement présente dans le fichier devient la somme de ses versements : le fichier doit "
        "contenir tous les versements depuis le début de l'opération, et le réimporter ne compte rien deux "
        "fois."
    )
    columns = (
        *line_columns(PAYMENT_HEADERS),
        PAYMENT_HEADERS.column("date", parser=parse_past_date, required=True),
        PAYMENT_HEADERS.column("amount", parser=parse_signed_amount, required=True),
        PAYMENT_HEADERS.column("reference", parser=text_of(100)),
        PAYMENT_HEADERS.column("label", parser=text_of(300)),
    )

    def validate_row(self, row: Row) -> RowPlan | None:
        ref = self.line_ref(row)
        if ref is None or not row.usable("date", "amount"):
            return None
        payment = Payment(ref, row.get("date"), row.get("amount"), row.get("reference", ""))
        same = (ref.key, payment.date, payment.amount, payment.reference)
        if same in self.seen:
            self.warn(
                f"Ligne {row.number} : même versement qu'à la ligne {self.seen[same]} ({ref.label}, "
                f"{euros(payment.amount)} le {payment.date:%d/%m/%Y}) : vérifiez qu'il n'est pas en double."
            )
        self.seen.setdefault(same, row.number)
        return RowPlan(row=row.number, key=ref.label, action=Action.UPDATE, data=payment)

    def complete(self, result: ImportResult) -> None:
        """One plan per funding line: its paid amount becomes the sum of its payments in the file."""
        groups: dict[tuple, list[RowPlan]] = defaultdict(list)
        for plan in result.plans:
            groups[plan.data.ref.key].append(plan)
        plans = [self.total_plan(group, result.errors) for group in groups.values()]
        result.errors.sort(key=lambda error: error.row or 0)
        result.plans = [plan for plan in plans if plan is not None]

    def total_plan(self, group: list[RowPlan], errors: list[RowError]) -> RowPlan | None:
        """The plan of one funding line from its payments, or None with an error on its last row when
        their total is negative or exceeds the line's committed amount."""
        ref: LineRef = group[0].data.ref
        rows = [plan.row for plan in group]
        total = sum((plan.data.amount for plan in group), ZERO)
        where = f"ligne {rows[0]}" if len(rows) == 1 else f"lignes {', '.join(map(str, rows))}"
        amount_column = str(self.column("amount").label)
        if total < 0:
            message = f"Le total des versements de {ref.label} ({where}) est négatif : {euros(total)}."
            errors.append(RowError(rows[-1], amount_column, message))
            return None
        if total > ref.committed:
            message = (
                f"Le total des versements de {ref.label} ({euros(total)}, {where}) dépasse le montant "
                f"engagé ({euros(ref.committed)}) : le versé ne peut dépasser l'engagé. Importez d'abord "
                "l'état des engagements, ou corrigez le fichier."
            )
            errors.append(RowError(rows[-1], amount_column, message))
            return None
        amounts = LineAmounts(ref, paid=total)
        self.warn_decrease(rows[0], ref, amounts, "le fichier doit contenir tous les versements")
        key = f"{ref.label} — {len(group)} versement(s) {_span(sorted(plan.data.date for plan in group))}"
        return self.line_plan(rows[0], amounts, key=key)


def _span(dates: list[datetime.date]) -> str:
    """« le 12/04/2023 », or « du 12/04/2023 au 03/09/2026 » for sorted dates."""
    if dates[0] == dates[-1]:
        return f"le {dates[0]:%d/%m/%Y}"
    return f"du {dates[0]:%d/%m/%Y} au {dates[-1]:%d/%m/%Y}"

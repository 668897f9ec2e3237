"""Imports of the projects app: the convention's financial annex (operations) and the official QPV list.

Formats, columns and their accepted spellings are described for users in docs/imports.md; the headers
and vocabularies are tables in projects/vocabularies.py.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accounts.import_refs import NewOrganisation, OrganisationRef, OrganisationRefs
from accounts.models import OrganisationKind
from core.formatting import format_euros
from core.import_upsert import ModelUpsertSpec, changed_fields
from core.imports import Row, RowPlan
from core.parsing import (
    bounded,
    invalid,
    normalize_key,
    parse_amount,
    parse_int,
    parse_list,
    parse_text,
    text_of,
)
from projects import funding_imports  # noqa: F401  (declares the statements' imports)
from projects.models import FundingKind, FundingLine, Operation, OperationStatus, Qpv
from projects.semesters import add_semesters, parse_semester
from projects.services import (
    QpvData,
    funding_line_set,
    operation_check_transition,
    operation_create,
    operation_update,
    organisation_kind_guess,
    qpv_upsert,
)
from projects.vocabularies import (
    FAMILY,
    FUNDERS,
    GENERIC_ORGANISATIONS,
    NATIONAL_KINDS,
    OPERATION_HEADERS,
    OPERATION_STATUS,
    QPV_HEADERS,
    SECTORS,
    Funder,
)

ZERO = Decimal(0)
FUNDING_TOLERANCE = Decimal(1)
parse_family, parse_status = FAMILY, OPERATION_STATUS
# Twenty years is already more than any NPNRU convention.
parse_duration = bounded(
    parse_int,
    minimum=1,
    maximum=40,
    message="« %(value)s » : la durée doit être comprise entre 1 et 40 semestres.",
)


def parse_semester_cell(value: Any) -> str | None:
    """ "S2 2024", "2024-S2", "2e semestre 2024", or a date cell (its semester)."""
    if hasattr(value, "month") and hasattr(value, "year"):
        return f"{value.year}-S{1 if value.month <= 6 else 2}"
    semester = parse_semester(parse_text(value))
    if not semester.isascii():
        raise invalid("« %(value)s » n'est pas un semestre (ex. « S1 2024 »).", value)
    return semester


@dataclass
class FundingTarget:
    column: str
    funder: OrganisationRef
    kind: str
    planned: Decimal


@dataclass
class OperationChange:
    identifier: str
    operation: Operation | None
    fields: dict[str, Any] = field(default_factory=dict)
    funding: list[FundingTarget] = field(default_factory=list)


C = OPERATION_HEADERS.column


class OperationsImport(ModelUpsertSpec):
    kind = "operations"
    label = "Maquette financière (opérations)"
    description = (
        "Une ligne par opération de l'annexe financière de la convention : coût, base subventionnable "
        "et une colonne par financeur. Les opérations sont reconnues par leur identifiant : un nouvel "
        "import met à jour les opérations existantes et ne crée pas de doublon."
    )
    sheet_name = "Opérations"
    key_field = "identifier"
    success_url_name = "projects:operation_list"
    columns = (
        C("identifier", parser=text_of(60), required=True),
        C("label", parser=text_of(300), required=True),
        C("sector", values=SECTORS),
        C("family", parser=FAMILY, required=True),
        C("moa", parser=text_of(200), required=True),
        C("cost_excl_tax", parser=parse_amount),
        C("eligible_base", parser=parse_amount),
        *(C(funder.field, parser=parse_amount) for funder in FUNDERS),
        C("fund_own", parser=parse_amount),
        C("planned_start", parser=parse_semester_cell),
        C("duration", parser=parse_duration),
        C("status", parser=OPERATION_STATUS),
    )
    model = Operation
    copied = ("label", "family", "planned_start", "status")
    clean_exclude = ("programme", "sector", "moa", "convention")
    lifecycle = ("status", operation_check_transition)
    model_field_columns = {"planned_end": "duration"}

    def prepare(self) -> None:
        operations = Operation.objects.filter(programme=self.programme).select_related("sector")
        self.operations = {operation.identifier: operation for operation in operations}
        self.lines: dict[int, dict[tuple[int, str], Decimal]] = {}
        self.funder_usage: Counter = Counter()
        rows = FundingLine.objects.filter(operation__programme=self.programme)
        for operation_id, funder_id, kind, planned in rows.values_list(
            "operation_id", "funder_id", "kind", "planned"
        ):
            self.lines.setdefault(operation_id, {})[(funder_id, kind)] = planned
            self.funder_usage[(funder_id, kind)] += 1
        self.organisations = OrganisationRefs(self)
        self.funders: dict[str, OrganisationRef | str] = {}

    # Organisations ------------------------------------------------------------------------------------
    def _of_programme(
        self, kind: str, funding_kind: str, preferred: str | None = None
    ) -> OrganisationRef | str:
        usage = Counter(
            {funder: count for (funder, kind_), count in self.funder_usage.items() if kind_ == funding_kind}
        )
        return self.organisations.of_programme(kind, preferred=preferred, usage=usage)

    def _funder(self, funder: Funder) -> OrganisationRef | str:
        """The organisation behind a funder column, or the French reason why there is none."""
        if funder.field not in self.funders:
            kind, name = funder.organisation_kind, funder.default_name
            if kind == OrganisationKind.AUTRE:
                found = self.organisations.get(name)
            else:
                found = self._of_programme(kind, funder.funding_kind, name)
                if (
                    isinstance(found, str)
                    and name
                    and not any(o.kind == kind for o in self.organisations.attached)
                ):
                    national = self.organisations.the_only(kind) if kind in NATIONAL_KINDS else None
                    found = self.organisations.get(name) or national
            self.funders[funder.field] = found or NewOrganisation(name, kind)
        return self.funders[funder.field]

    def _moa(self, row: Row) -> OrganisationRef | None:
        name = row.get("moa")
        if not name or self.organisations.get(name):
            return self.organisations.get(name) if name else None
        if generic := GENERIC_ORGANISATIONS.get(normalize_key(name)):
            found = self._of_programme(generic, FundingKind.SUBVENTION)
            if isinstance(found, str):
                row.error("moa", found)
                return None
            return found
        return self.organisations.pending(name, organisation_kind_guess(name))

    # Validation ---------------------------------------------------------------------------------------
    def validate_row(self, row: Row) -> RowPlan | None:
        identifier = row.get("identifier")
        operation = self.operations.get(identifier) if identifier else None
        wanted = self._wanted(row, operation)
        funding = self._funding(row, operation, wanted.get("moa"))
        cost, base = wanted.get("cost_excl_tax"), wanted.get("eligible_base")
        if cost is not None and base is not None and base > cost:
            message = (
                f"La base subventionnable ({format_euros(base)}) dépasse le coût HT ({format_euros(cost)})."
            )
            row.error("eligible_base", message)
        self.check_lifecycle(row, operation, wanted)
        self.clean_candidate(
            row, operation or Operation(programme=self.programme, identifier=identifier), wanted
        )
        if not row.ok:
            return None
        self._warn_funding_total(row, identifier, cost)
        fields = changed_fields(operation, wanted)
        return self.upsert_plan(
            row,
            identifier,
            created=operation is None,
            changes=[*fields, *(target.column for target in funding)],
            data=OperationChange(identifier, operation, fields, funding),
        )

    def _wanted(self, row: Row, operation: Operation | None) -> dict[str, Any]:
        """The operation's fields as the row gives them (empty cells keep values, amounts count as 0)."""
        wanted = self.wanted_fields(row)
        if row.has("sector") and (row.get("sector") or operation is None):
            wanted["sector"] = row.get("sector")
        if (moa := self._moa(row)) is not None:
            wanted["moa"] = moa
        wanted.update(
            {name: row.get(name, ZERO) for name in ("cost_excl_tax", "eligible_base") if row.has(name)}
        )
        if operation is None and not wanted.get("status"):
            wanted["status"] = OperationStatus.ETUDE
        duration = row.get("duration")
        if duration and row.usable("planned_start"):
            start = wanted.get("planned_start") or (operation.planned_start if operation else "")
            if start:
                wanted["planned_end"] = add_semesters(start, duration - 1)
            else:
                row.error("duration", "Indiquez le semestre de lancement pour calculer la fin prévue.")
        return wanted

    def _funding(
        self, row: Row, operation: Operation | None, moa: OrganisationRef | None
    ) -> list[FundingTarget]:
        """The planned amounts that change: one per funder column, and the MOA's own funds."""
        targets = []
        for funder in FUNDERS:
            if not row.has(funder.field):
                continue
            amount = row.get(funder.field, ZERO)
            organisation = self._funder(funder)
            if isinstance(organisation, str):
                if amount:
                    row.error(funder.field, organisation)
                continue
            if amount and isinstance(organisation, NewOrganisation):
                self.organisations.pending(organisation.name, organisation.kind)  # announced
            targets.append(FundingTarget(funder.field, organisation, funder.funding_kind, amount))
        if row.has("fund_own") and moa is not None:
            targets.append(
                FundingTarget("fund_own", moa, FundingKind.FONDS_PROPRES, row.get("fund_own", ZERO))
            )
        existing = self.lines.get(operation.pk, {}) if operation else {}

        def planned(target: FundingTarget) -> Decimal:
            if isinstance(target.funder, NewOrganisation):
                return ZERO
            return existing.get((target.funder.pk, target.kind), ZERO)

        return [target for target in targets if target.planned != planned(target)]

    def _warn_funding_total(self, row: Row, identifier: str, cost: Decimal | None) -> None:
        present = [name for name in (*(funder.field for funder in FUNDERS), "fund_own") if row.has(name)]
        if not present or cost is None:
            return
        total = sum((row.get(name, ZERO) for name in present), ZERO)
        if abs(total - cost) > FUNDING_TOLERANCE:
            self.warn(
                f"Ligne {row.number} ({identifier}) : le total des financements ({format_euros(total)}) "
                f"diffère du coût HT ({format_euros(cost)}) de {format_euros(abs(total - cost))}."
            )

    # Writing ------------------------------------------------------------------------------------------
    def apply(self, plan: RowPlan) -> None:
        change: OperationChange = plan.data
        fields = dict(change.fields)
        if "moa" in fields:
            fields["moa"] = self.organisations.saved(fields["moa"])
        operation = change.operation
        if operation is None:
            operation = operation_create(programme=self.programme, identifier=change.identifier, **fields)
        elif fields:
            operation_update(operation=operation, **fields)
        for target in change.funding:
            funder = self.organisations.saved(target.funder)
            funding_line_set(operation=operation, funder=funder, kind=target.kind, planned=target.planned)


# QPV reference list -----------------------------------------------------------------------------------

QPV_CODE = re.compile(r"^(QP[0-9]{6}|QN[0-9]{5}[A-Z])$")
INSEE_CODE = re.compile(r"^([0-9]{5}|2[AB][0-9]{3})$")


def parse_qpv_code(value: Any) -> str:
    code = parse_text(value).replace(" ", "").upper()
    if not QPV_CODE.match(code):
        raise invalid("« %(value)s » n'est pas un code QPV (QP059074 ou QN05912M).", value)
    return code


def parse_insee_codes(value: Any) -> list[str]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = parse_text(value).zfill(5)
    codes = [code.upper() for code in parse_list(value)]
    wrong = [code for code in codes if not INSEE_CODE.match(code)]
    if wrong:
        raise invalid("« %(value)s » : un code INSEE de commune compte 5 caractères (ex. 59350).", wrong[0])
    return codes


class QpvImport(ModelUpsertSpec):
    kind = "qpv"
    label = "Liste officielle des QPV"
    description = (
        "La liste des quartiers prioritaires publiée par l'ANCT (code, nom, communes). Cette liste de "
        "référence est commune à tous les programmes ; l'import est rattaché au programme courant."
    )
    key_field = "code"
    success_url_name = "imports:list"
    columns = (
        QPV_HEADERS.column("code", parser=parse_qpv_code, required=True),
        QPV_HEADERS.column("name", parser=text_of(200), required=True),
        QPV_HEADERS.column("insee_codes", parser=parse_insee_codes, required=True),
        QPV_HEADERS.column("communes", parser=parse_list),
    )
    model = Qpv

    def prepare(self) -> None:
        self.qpvs = {qpv.code: qpv for qpv in Qpv.objects.all()}

    def validate_row(self, row: Row) -> RowPlan | None:
        code = row.get("code")
        existing = self.qpvs.get(code) if code else None
        insee_codes = row.get("insee_codes", [])
        communes = row.get("communes", []) if row.has("communes") else (existing.communes if existing else [])
        if insee_codes and communes and len(insee_codes) != len(communes):
            row.error(
                "communes",
                f"{len(communes)} commune(s) pour {len(insee_codes)} code(s) INSEE : "
                "indiquez-en autant, dans le même ordre.",
            )
        if not row.ok:
            return None
        wanted = {"code": code, "name": row.get("name"), "insee_codes": insee_codes, "communes": communes}
        self.clean_candidate(row, Qpv(), wanted, exclude=[])
        if not row.ok:
            return None
        changes = list(changed_fields(existing, wanted))
        return self.upsert_plan(row, code, created=existing is None, changes=changes, data=QpvData(**wanted))

    def apply(self, plan: RowPlan) -> None:
        qpv_upsert(data=plan.data)

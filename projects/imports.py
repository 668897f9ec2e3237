"""Imports of the projects app: the convention's financial annex (operations) and the official QPV list.

Formats, columns and their accepted spellings are described for users in docs/imports.md.
"""

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Organisation, OrganisationKind
from accounts.selectors import organisations_by_name_key
from accounts.services import organisation_get_or_create
from core.formatting import format_euros
from core.imports import Action, Column, ImportSpec, Row, RowPlan
from core.parsing import invalid, normalize_key, parse_amount, parse_int, parse_text
from projects.models import FundingKind, FundingLine, Operation, OperationStatus, Qpv, Sector
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
from projects.vocabularies import FAMILY, GENERIC_ORGANISATIONS, OPERATION_STATUS, SECTORS

ZERO = Decimal(0)
FUNDING_TOLERANCE = Decimal(1)
MAX_DURATION = 40  # semesters: twenty years is already more than any NPNRU convention

# Kinds of which a single organisation exists nationwide: any one found by kind is the right one.
NATIONAL_KINDS = {
    OrganisationKind.ANRU,
    OrganisationKind.ACTION_LOGEMENT,
    OrganisationKind.BANQUE_TERRITOIRES,
    OrganisationKind.ANAH,
}

parse_family = FAMILY
parse_status = OPERATION_STATUS


def parse_semester_cell(value: Any) -> str | None:
    """ "S2 2024", "2024-S2", "2e semestre 2024", or a date cell (its semester)."""
    if hasattr(value, "month") and hasattr(value, "year"):
        return f"{value.year}-S{1 if value.month <= 6 else 2}"
    text = parse_text(value)
    semester = parse_semester(text)
    if not semester.isascii():
        raise invalid("« %(value)s » n'est pas un semestre (ex. « S1 2024 »).", value)
    return semester


def parse_duration(value: Any) -> int | None:
    duration = parse_int(value)
    if duration is not None and not 1 <= duration <= MAX_DURATION:
        raise invalid("« %(value)s » : la durée doit être comprise entre 1 et 40 semestres.", value)
    return duration


@dataclass(frozen=True)
class Funder:
    """A funder column of the financial annex and how to find its organisation."""

    field: str
    label: str
    synonyms: tuple[str, ...]
    funding_kind: str
    organisation_kind: str
    # Organisation created (or found by name) when the programme has none of that kind; None for the
    # local authorities, which must already be attached to the programme.
    default_name: str | None

    def column(self) -> Column:
        return Column(self.field, self.label, parser=parse_amount, synonyms=self.synonyms)


FUNDERS = (
    Funder(
        "fund_anru",
        "Subvention ANRU",
        ("ANRU", "Subvention ANRU prévue", "Subventions ANRU", "Concours ANRU", "Subvention NPNRU"),
        FundingKind.SUBVENTION,
        OrganisationKind.ANRU,
        "ANRU",
    ),
    Funder(
        "fund_action_logement",
        "Prêt Action Logement",
        ("Action Logement", "Prêt bonifié Action Logement", "Prêts Action Logement", "Prêt AL"),
        FundingKind.PRET,
        OrganisationKind.ACTION_LOGEMENT,
        "Action Logement",
    ),
    Funder(
        "fund_ville",
        "Ville",
        ("Commune", "Subvention Ville", "Part Ville", "Subvention commune", "Part commune"),
        FundingKind.SUBVENTION,
        OrganisationKind.VILLE,
        None,
    ),
    Funder(
        "fund_epci",
        "Métropole",
        ("EPCI", "Intercommunalité", "Subvention Métropole", "Part Métropole", "Agglomération"),
        FundingKind.SUBVENTION,
        OrganisationKind.EPCI,
        None,
    ),
    Funder(
        "fund_region",
        "Région",
        ("Conseil régional", "Subvention Région", "Part Région"),
        FundingKind.SUBVENTION,
        OrganisationKind.REGION,
        "Région",
    ),
    Funder(
        "fund_departement",
        "Département",
        ("Conseil départemental", "Subvention Département", "Part Département"),
        FundingKind.SUBVENTION,
        OrganisationKind.DEPARTEMENT,
        "Département",
    ),
    Funder(
        "fund_banque_territoires",
        "Banque des Territoires",
        ("Caisse des Dépôts", "CDC", "BdT", "Banque des territoires (CDC)"),
        FundingKind.SUBVENTION,
        OrganisationKind.BANQUE_TERRITOIRES,
        "Banque des Territoires",
    ),
    Funder(
        "fund_anah",
        "Anah",
        ("Subvention Anah", "Agence nationale de l'habitat"),
        FundingKind.SUBVENTION,
        OrganisationKind.ANAH,
        "Anah",
    ),
    Funder(
        "fund_feder",
        "FEDER",
        ("Fonds européens", "Europe", "Union européenne", "Europe (FEDER)"),
        FundingKind.SUBVENTION,
        OrganisationKind.AUTRE,
        "FEDER",
    ),
)
OWN_FUNDS = Column(
    "fund_own",
    "Fonds propres",
    parser=parse_amount,
    synonyms=(
        "Fonds propres MOA",
        "Fonds propres du maître d'ouvrage",
        "Autofinancement",
        "Part MOA",
        "Fonds propres / emprunt",
    ),
)


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation met by name that does not exist yet: created when the import is committed."""

    name: str
    kind: str


OrganisationRef = Organisation | NewOrganisation


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


class OperationsImport(ImportSpec):
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
        Column(
            "identifier",
            "Identifiant",
            parser=partial(parse_text, max_length=60),
            synonyms=(
                "Identifiant opération",
                "Id",
                "ID opération",
                "N° opération",
                "Numéro d'opération",
                "Code opération",
                "Référence opération",
                "Réf. opération",
            ),
            required=True,
        ),
        Column(
            "label",
            "Libellé",
            parser=partial(parse_text, max_length=300),
            synonyms=(
                "Libellé opération",
                "Libellé de l'opération",
                "Intitulé",
                "Intitulé de l'opération",
                "Opération",
            ),
            required=True,
        ),
        Column(
            "sector",
            "Quartier",
            parser=parse_text,
            synonyms=("Secteur", "QPV", "Quartier QPV", "Code QPV", "Site"),
            values=SECTORS,
        ),
        Column(
            "family",
            "Famille",
            parser=parse_family,
            synonyms=("Famille d'opération", "Famille ANRU", "Type d'opération", "Nature de l'opération"),
            required=True,
        ),
        Column(
            "moa",
            "Maître d'ouvrage",
            parser=partial(parse_text, max_length=200),
            synonyms=("MOA", "Maîtrise d'ouvrage", "Maître d'ouvrage (MOA)", "Porteur", "Porteur de projet"),
            required=True,
        ),
        Column(
            "cost_excl_tax",
            "Coût HT",
            parser=parse_amount,
            synonyms=(
                "Coût",
                "Coût total HT",
                "Coût prévisionnel HT",
                "Coût de l'opération HT",
                "Montant HT",
                "Coût total",
            ),
        ),
        Column(
            "eligible_base",
            "Base subventionnable",
            parser=parse_amount,
            synonyms=(
                "Assiette subventionnable",
                "Base de financement",
                "Base subventionnable HT",
                "Assiette",
            ),
        ),
        *(funder.column() for funder in FUNDERS),
        OWN_FUNDS,
        Column(
            "planned_start",
            "Semestre de lancement",
            parser=parse_semester_cell,
            synonyms=(
                "Lancement",
                "Lancement prévu",
                "Semestre de démarrage",
                "Démarrage",
                "Date de lancement",
            ),
        ),
        Column(
            "duration",
            "Durée (semestres)",
            parser=parse_duration,
            synonyms=(
                "Durée",
                "Durée en semestres",
                "Nombre de semestres",
                "Nb de semestres",
                "Nb semestres",
            ),
        ),
        Column(
            "status",
            "Statut",
            parser=parse_status,
            synonyms=("État", "Statut opération", "État d'avancement"),
        ),
    )
    model_field_columns = {"planned_end": "duration"}

    # Lookups ------------------------------------------------------------------------------------------
    def prepare(self) -> None:
        programme = self.programme
        operations = Operation.objects.filter(programme=programme).select_related("sector")
        self.operations = {operation.identifier: operation for operation in operations}
        self.lines: dict[int, dict[tuple[int, str], Decimal]] = {}
        usage: Counter = Counter()
        rows = FundingLine.objects.filter(operation__programme=programme).values_list(
            "operation_id", "funder_id", "kind", "planned"
        )
        for operation_id, funder_id, kind, planned in rows:
            self.lines.setdefault(operation_id, {})[(funder_id, kind)] = planned
            usage[(funder_id, kind)] += 1
        self.funder_usage = usage
        self.sectors = self._sector_lookup()
        self.organisations = organisations_by_name_key()
        self.attached = list(programme.organisations.order_by("pk"))
        self.attached_ids = {organisation.pk for organisation in self.attached}
        self.new_organisations: dict[str, NewOrganisation] = {}
        self.funders: dict[str, OrganisationRef | str] = {}
        self.created: dict[str, Organisation] = {}

    def _sector_lookup(self) -> dict[str, Sector]:
        lookup = {}
        for sector in Sector.objects.filter(programme=self.programme):
            for key in (sector.qpv_code_2015, sector.qpv_code_2024, sector.slug, sector.name):
                if key:
                    lookup[normalize_key(key)] = sector
        return lookup

    # Resolving names ----------------------------------------------------------------------------------
    def _sector(self, row: Row) -> Sector | None:
        text = row.get("sector")
        if not text:
            return None
        sector = self.sectors.get(normalize_key(text))
        if sector is None:
            names = ", ".join(sorted({sector.name for sector in self.sectors.values()})) or "aucun"
            row.unknown(
                "sector",
                text,
                f"Quartier « {text} » inconnu dans le programme. Quartiers du programme : {names}.",
            )
        return sector

    def _attached_of_kind(
        self, kind: str, funding_kind: str, preferred_name: str | None
    ) -> OrganisationRef | str:
        """The programme's organisation of a kind; with several, the one named so or most used as funder."""
        candidates = [organisation for organisation in self.attached if organisation.kind == kind]
        if len(candidates) > 1 and preferred_name:
            named = [o for o in candidates if normalize_key(o.name) == normalize_key(preferred_name)]
            candidates = named or candidates
        if len(candidates) > 1:
            uses = sorted(
                ((self.funder_usage[(o.pk, funding_kind)], o) for o in candidates), key=lambda u: -u[0]
            )
            if uses[0][0] > uses[1][0]:
                candidates = [uses[0][1]]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return (
                "Plusieurs organisations de type « {kind} » sont rattachées au programme ({names}) : "
                "impossible de savoir laquelle est concernée."
            ).format(kind=OrganisationKind(kind).label, names=", ".join(o.name for o in candidates))
        return (
            f"Aucune organisation de type « {OrganisationKind(kind).label} » n'est rattachée au programme : "
            "rattachez-la avant l'import."
        )

    def _new_organisation(self, name: str, kind: str) -> NewOrganisation:
        key = normalize_key(name)
        if key not in self.new_organisations:
            self.new_organisations[key] = NewOrganisation(name=name, kind=kind)
            self.warn(
                f"Organisation « {name} » inconnue : elle sera créée (type : {OrganisationKind(kind).label})."
            )
        return self.new_organisations[key]

    def _funder(self, funder: Funder) -> OrganisationRef | str:
        """The organisation behind a funder column, or the French reason why there is none."""
        if funder.field in self.funders:
            return self.funders[funder.field]
        found: OrganisationRef | str
        if funder.organisation_kind == OrganisationKind.AUTRE:
            found = self.organisations.get(normalize_key(funder.default_name)) or NewOrganisation(
                funder.default_name, funder.organisation_kind
            )
        else:
            found = self._attached_of_kind(funder.organisation_kind, funder.funding_kind, funder.default_name)
            if (
                isinstance(found, str)
                and funder.default_name
                and not any(o.kind == funder.organisation_kind for o in self.attached)
            ):
                found = self._national(funder)
        self.funders[funder.field] = found
        return found

    def _national(self, funder: Funder) -> OrganisationRef:
        by_name = self.organisations.get(normalize_key(funder.default_name))
        if by_name is not None:
            return by_name
        if funder.organisation_kind in NATIONAL_KINDS:
            of_kind = [o for o in self.organisations.values() if o.kind == funder.organisation_kind]
            if len({o.pk for o in of_kind}) == 1:
                return of_kind[0]
        return NewOrganisation(funder.default_name, funder.organisation_kind)

    def _moa(self, row: Row) -> OrganisationRef | None:
        name = row.get("moa")
        if not name:
            return None
        key = normalize_key(name)
        if key in self.organisations:
            return self.organisations[key]
        if key in GENERIC_ORGANISATIONS:
            kind = GENERIC_ORGANISATIONS[key]
            found = self._attached_of_kind(kind, FundingKind.SUBVENTION, None)
            if isinstance(found, str):
                row.error("moa", found)
                return None
            return found
        return self._new_organisation(name, organisation_kind_guess(name))

    # Validation ---------------------------------------------------------------------------------------
    def validate_row(self, row: Row) -> RowPlan | None:
        identifier = row.get("identifier")
        operation = self.operations.get(identifier) if identifier else None
        wanted = self._wanted_fields(row, operation)
        funding = self._funding(row, operation, wanted.get("moa"))
        self._check_amounts(row, wanted)
        if operation is not None and wanted.get("status"):
            try:
                operation_check_transition(current=operation.status, target=wanted["status"])
            except ValidationError as error:
                self.record_validation_error(row, error)
        self._check_model(row, operation, identifier, wanted)
        if not row.ok:
            return None
        self._warn_funding_total(row, identifier, operation, wanted)
        return self._plan(row, identifier, operation, wanted, funding)

    def _wanted_fields(self, row: Row, operation: Operation | None) -> dict[str, Any]:
        """The operation's fields as the row gives them (empty cells keep values, amounts count as 0)."""
        wanted: dict[str, Any] = {}
        for name in ("label", "family"):
            if row.get(name) is not None:
                wanted[name] = row.get(name)
        if row.has("sector") and (row.get("sector") or operation is None):
            wanted["sector"] = self._sector(row)
        moa = self._moa(row)
        if moa is not None:
            wanted["moa"] = moa
        for name in ("cost_excl_tax", "eligible_base"):
            if row.has(name):
                wanted[name] = row.get(name, ZERO)
        if row.get("status"):
            wanted["status"] = row.get("status")
        elif operation is None:
            wanted["status"] = OperationStatus.ETUDE
        self._semesters(row, operation, wanted)
        return wanted

    def _semesters(self, row: Row, operation: Operation | None, wanted: dict[str, Any]) -> None:
        if row.get("planned_start"):
            wanted["planned_start"] = row.get("planned_start")
        duration = row.get("duration")
        if not duration or not row.usable("planned_start"):
            return
        start = wanted.get("planned_start") or (operation.planned_start if operation else "")
        if not start:
            row.error("duration", "Indiquez le semestre de lancement pour calculer la fin prévue.")
            return
        wanted["planned_end"] = add_semesters(start, duration - 1)

    def _check_amounts(self, row: Row, wanted: dict[str, Any]) -> None:
        cost, base = wanted.get("cost_excl_tax"), wanted.get("eligible_base")
        if cost is not None and base is not None and base > cost:
            row.error(
                "eligible_base",
                f"La base subventionnable ({format_euros(base)}) dépasse le coût HT ({format_euros(cost)}).",
            )

    def _check_model(self, row: Row, operation: Operation | None, identifier: str, wanted: dict) -> None:
        """What full_clean() would refuse at commit, found now (foreign keys are resolved already)."""
        candidate = (
            copy.copy(operation) if operation else Operation(programme=self.programme, identifier=identifier)
        )
        for name, value in wanted.items():
            if name != "moa":
                setattr(candidate, name, value)
        try:
            candidate.full_clean(
                exclude=["programme", "sector", "moa", "convention"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            self.record_validation_error(row, error)

    def _funding(
        self, row: Row, operation: Operation | None, moa: OrganisationRef | None
    ) -> list[FundingTarget]:
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
                self._new_organisation(organisation.name, organisation.kind)
            targets.append(FundingTarget(funder.field, organisation, funder.funding_kind, amount))
        if row.has(OWN_FUNDS.field) and moa is not None:
            targets.append(
                FundingTarget(OWN_FUNDS.field, moa, FundingKind.FONDS_PROPRES, row.get(OWN_FUNDS.field, ZERO))
            )
        existing = self.lines.get(operation.pk, {}) if operation else {}
        return [target for target in targets if target.planned != _planned(existing, target)]

    def _warn_funding_total(
        self, row: Row, identifier: str, operation: Operation | None, wanted: dict
    ) -> None:
        fields = [funder.field for funder in FUNDERS] + [OWN_FUNDS.field]
        present = [name for name in fields if row.has(name)]
        cost = wanted.get("cost_excl_tax")
        if not present or cost is None:
            return
        total = sum((row.get(name, ZERO) for name in present), ZERO)
        if abs(total - cost) > FUNDING_TOLERANCE:
            self.warn(
                f"Ligne {row.number} ({identifier}) : le total des financements ({format_euros(total)}) "
                f"diffère du coût HT ({format_euros(cost)}) de {format_euros(abs(total - cost))}."
            )

    def _plan(self, row, identifier, operation, wanted, funding) -> RowPlan:
        if operation is None:
            fields = wanted
            action = Action.CREATE
        else:
            fields = {name: value for name, value in wanted.items() if _differs(operation, name, value)}
            action = Action.UPDATE if fields or funding else Action.UNCHANGED
        changes = [self.column(_column_of(name)).label for name in fields if _column_of(name)]
        changes += [self.column(target.column).label for target in funding]
        return RowPlan(
            row=row.number,
            key=identifier,
            action=action,
            changes=[str(label) for label in dict.fromkeys(changes)],
            data=OperationChange(identifier, operation, fields, funding),
        )

    # Writing ------------------------------------------------------------------------------------------
    def _organisation(self, ref: OrganisationRef) -> Organisation:
        """The saved organisation, created or attached to the programme when needed."""
        if isinstance(ref, Organisation) and ref.pk in self.attached_ids:
            return ref
        key = normalize_key(ref.name)
        if key not in self.created:
            self.created[key] = organisation_get_or_create(
                name=ref.name, kind=ref.kind, programme=self.programme
            )
            self.attached_ids.add(self.created[key].pk)
        return self.created[key]

    def apply(self, plan: RowPlan) -> None:
        change: OperationChange = plan.data
        fields = dict(change.fields)
        if "moa" in fields:
            fields["moa"] = self._organisation(fields["moa"])
        if change.operation is None:
            operation = operation_create(programme=self.programme, identifier=change.identifier, **fields)
        else:
            operation = change.operation
            if fields:
                operation_update(operation=operation, **fields)
        for target in change.funding:
            funder = self._organisation(target.funder)
            funding_line_set(operation=operation, funder=funder, kind=target.kind, planned=target.planned)


def _planned(existing: dict[tuple[int, str], Decimal], target: FundingTarget) -> Decimal:
    if isinstance(target.funder, NewOrganisation):
        return ZERO
    return existing.get((target.funder.pk, target.kind), ZERO)


def _differs(operation: Operation, name: str, wanted: Any) -> bool:
    """Compare without loading related objects: foreign keys by id."""
    if isinstance(wanted, NewOrganisation):
        return True
    if name in ("sector", "moa"):
        return getattr(operation, f"{name}_id") != (wanted.pk if wanted is not None else None)
    return getattr(operation, name) != wanted


def _column_of(model_field: str) -> str | None:
    return {"planned_end": "duration"}.get(model_field, model_field)


# QPV reference list -----------------------------------------------------------------------------------

QPV_CODE = re.compile(r"^(QP[0-9]{6}|QN[0-9]{5}[A-Z])$")
INSEE_CODE = re.compile(r"^([0-9]{5}|2[AB][0-9]{3})$")
_LIST_SEPARATORS = re.compile(r"[;,|/\n]")


def parse_qpv_code(value: Any) -> str:
    code = parse_text(value).replace(" ", "").upper()
    if not QPV_CODE.match(code):
        raise invalid("« %(value)s » n'est pas un code QPV (QP059074 ou QN05912M).", value)
    return code


def parse_list(value: Any) -> list[str]:
    """Several values in a cell, joined by "; " (or ",", "|", "/")."""
    return [item for item in (parse_text(part) for part in _LIST_SEPARATORS.split(parse_text(value))) if item]


def parse_insee_codes(value: Any) -> list[str]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = parse_text(value).zfill(5)
    codes = [code.upper() for code in parse_list(value)]
    wrong = [code for code in codes if not INSEE_CODE.match(code)]
    if wrong:
        raise invalid("« %(value)s » : un code INSEE de commune compte 5 caractères (ex. 59350).", wrong[0])
    return codes


class QpvImport(ImportSpec):
    kind = "qpv"
    label = "Liste officielle des QPV"
    description = (
        "La liste des quartiers prioritaires publiée par l'ANCT (code, nom, communes). Cette liste de "
        "référence est commune à tous les programmes ; l'import est rattaché au programme courant."
    )
    key_field = "code"
    success_url_name = "imports:list"
    columns = (
        Column(
            "code",
            "Code QPV",
            parser=parse_qpv_code,
            synonyms=("code_qp", "Code quartier", "Code du quartier", "Code QP", "Code"),
            required=True,
        ),
        Column(
            "name",
            "Nom du quartier",
            parser=partial(parse_text, max_length=200),
            synonyms=("lib_qp", "Libellé", "Libellé QPV", "Nom QPV", "Nom", "Quartier"),
            required=True,
        ),
        Column(
            "insee_codes",
            "Codes INSEE",
            parser=parse_insee_codes,
            synonyms=("insee_com", "Code INSEE", "Code commune", "Codes communes", "depcom"),
            required=True,
        ),
        Column(
            "communes",
            "Communes",
            parser=parse_list,
            synonyms=("lib_com", "Commune", "Nom commune", "Noms communes"),
        ),
    )
    model_field_columns = {"insee_codes": "insee_codes", "communes": "communes"}

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
                (
                    f"{len(communes)} commune(s) pour {len(insee_codes)} code(s) INSEE : "
                    "indiquez-en autant, dans le même ordre."
                ),
            )
        if not row.ok:
            return None
        data = QpvData(code=code, name=row.get("name"), insee_codes=insee_codes, communes=communes)
        try:
            Qpv(
                code=data.code, name=data.name, insee_codes=data.insee_codes, communes=data.communes
            ).full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self.record_validation_error(row, error)
            return None
        return RowPlan(row=row.number, key=code, action=self._action(existing, data), data=data)

    @staticmethod
    def _action(existing: Qpv | None, data: QpvData) -> Action:
        if existing is None:
            return Action.CREATE
        if (existing.name, existing.insee_codes, existing.communes) == (
            data.name,
            data.insee_codes,
            data.communes,
        ):
            return Action.UNCHANGED
        return Action.UPDATE

    def apply(self, plan: RowPlan) -> None:
        qpv_upsert(data=plan.data)

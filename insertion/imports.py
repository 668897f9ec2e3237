"""Import of the clause facilitator's export (Maison de l'emploi, PLIE): one row per work contract.

Formats, columns, accepted spellings and the rules below are described for users in docs/imports.md
(section « Insertion (export du facilitateur) »):

- contracts are keyed by the facilitator's « ID contrat » within the programme: a re-import updates them,
  never duplicates them; an empty cell keeps the stored value;
- rows sharing an « ID dossier » are one participant; each of its columns takes the value of the most
  recent contract (start date, then contract id) that fills it, and rows that disagree are named in a
  warning; the age is kept as an age band only, personal columns (name, phone…) are dropped;
- markets are keyed by their number: an unknown one is created from what most of its rows say (kind
  « travaux » unless a « Nature du marché » column says otherwise), its operation matched by label or
  left empty and listed « à rattacher »; a known market keeps its stored MOA, operation, kind, ANRU flag and
  lot, the rows that disagree being named in a warning (only an empty operation is filled in);
- the « Programme » column is informative: the rows go to the programme the import is made in;
- every change is validated before anything is written, then written in bulk (a 50,000-row export).
"""

import copy
import datetime
import functools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError

from accounts.import_refs import NewOrganisation, OrganisationRef, OrganisationRefs
from accounts.models import Organisation, OrganisationKind
from core.import_upsert import ModelUpsertSpec, PendingObject, changed_fields
from core.imports import Action, ImportResult, Progress, Row, RowError, RowPlan
from core.parsing import (
    invalid,
    normalize_key,
    parse_date_fr,
    parse_decimal_fr,
    parse_list,
    parse_text,
    parse_yes_no,
    text_of,
)
from insertion import services
from insertion.models import (
    ROME_CODE,
    Market,
    MarketKind,
    Participant,
    WorkContract,
)
from insertion.rules import edits_participants
from insertion.vocabularies import (
    AGE_BAND,
    CONTRACT_HEADERS,
    CONTRACT_TYPE,
    END_REASON,
    MARKET_KIND,
    MODALITY,
    OPERATION_LABELS,
    PUBLIC,
    QUALIFICATION,
    SEX,
    SITUATION,
    cached_key,
)
from projects.models import Operation, Qpv, Sector
from projects.services import organisation_kind_guess
from projects.vocabularies import GENERIC_ORGANISATIONS, OperationMatcher

WRITE_BATCH = 1_000
HOURS_STEP = Decimal("0.1")
MAX_HOURS = Decimal("99999999.9")  # the model keeps 9 digits before the decimal point
ROWS_NAMED = 8  # rows named in a warning before « et N autres »
NOTES_LISTED = 20  # warnings of one kind given one by one, before one that counts the others
# The kinds of warnings the rows of a large export repeat, in the order the preview shows them, each
# with the sentence that counts those beyond NOTES_LISTED.
NOTE_KINDS = {
    "new_market": "… et {count} autre(s) marché(s) inconnu(s), qui seront créés.",
    "linked_market": "… et {count} autre(s) marché(s) rattaché(s) à une opération.",
    "market": "… et {count} autre(s) marché(s) dont des lignes diffèrent des valeurs retenues.",
    "participant": "… et {count} autre(s) dossier(s) dont les lignes diffèrent : les valeurs du contrat "
    "le plus récent sont retenues.",
}


def parse_hours(value: Any) -> Decimal | None:
    """Hours with a decimal comma (« 431,5 »), rounded to the tenth."""
    number = parse_decimal_fr(value)
    if number is None:
        return None
    if number < 0:
        raise invalid("« %(value)s » : un nombre d'heures ne peut pas être négatif.", value)
    if number > MAX_HOURS:
        raise invalid("« %(value)s » : nombre d'heures trop grand.", value)
    return number.quantize(HOURS_STEP, rounding=ROUND_HALF_UP)


def parse_rome(value: Any) -> str:
    """A ROME job code, « f1703 » or « F 1703 » written F1703."""
    code = parse_text(value).replace(" ", "").upper()
    try:
        ROME_CODE(code)
    except ValidationError:
        raise invalid(
            "« %(value)s » n'est pas un code ROME (une lettre et quatre chiffres, ex. F1703).", value
        ) from None
    return code


def once_per_value(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The parser, remembering its result for each distinct cell: an export of 50,000 rows repeats the
    same dates, hours, names and words (its errors are not remembered, they are raised again)."""
    return functools.lru_cache(maxsize=16_384, typed=True)(parser)


def parse_items(value: Any) -> tuple[str, ...]:
    """The values of a multi-valued cell (« Jeune -26 ans, RQTH »), as an immutable tuple."""
    return tuple(parse_list(value))


def discard(value: Any) -> None:
    """Personal data is never read into the import: the cell is dropped as soon as it is met."""
    return None


C = CONTRACT_HEADERS.column
date_cell, hours_cell, yes_no_cell = (once_per_value(p) for p in (parse_date_fr, parse_hours, parse_yes_no))
name_cell, label_cell, short_cell = (once_per_value(text_of(n)) for n in (200, 300, 120))
PERSONAL_COLUMNS = tuple(
    C(name, parser=discard, hidden=True) for name in CONTRACT_HEADERS if name.startswith("personal_")
)
COLUMNS = (
    C("reference", parser=text_of(40), required=True),
    C("participant", parser=text_of(40), required=True),
    C("sex", parser=SEX),
    C("age", parser=AGE_BAND),
    C("birth_date", parser=date_cell, hidden=True),
    C("qualification", parser=QUALIFICATION),
    C("commune", parser=short_cell),
    C("qpv_resident", parser=yes_no_cell),
    C("qpv", parser=short_cell),
    C("publics", parser=once_per_value(parse_items), values=PUBLIC),
    C("prescriber", parser=short_cell),
    C("contract_type", parser=CONTRACT_TYPE, required=True),
    C("modality", parser=MODALITY, required=True),
    C("job_code", parser=once_per_value(parse_rome)),
    C("employer", parser=name_cell, required=True),
    C("user_company", parser=name_cell),
    C("operation", parser=label_cell, values=OPERATION_LABELS),
    C("programme", parser=name_cell),
    C("market", parser=once_per_value(text_of(40)), required=True),
    C("market_title", parser=label_cell),
    C("lot", parser=short_cell),
    C("moa", parser=name_cell),
    C("market_kind", parser=MARKET_KIND),
    C("anru", parser=yes_no_cell),
    C("starts_on", parser=date_cell, required=True),
    C("ends_on", parser=date_cell),
    C("hours_worked", parser=hours_cell, required=True),
    C("training_hours", parser=hours_cell),
    C("end_reason", parser=END_REASON),
    C("situation_6_months", parser=SITUATION),
    *PERSONAL_COLUMNS,
)
CONTRACT_FIELDS = (
    "contract_type",
    "modality",
    "job_code",
    "starts_on",
    "ends_on",
    "hours_worked",
    "training_hours",
    "end_reason",
    "situation_6_months",
)
PARTICIPANT_FIELDS = (
    "sex",
    "age_band",
    "qualification",
    "commune",
    "qpv_resident",
    "qpv",
    "publics",
    "prescriber",
)
# A market's attributes a row gives: (label in warnings, the column).
MARKET_ATTRIBUTES = {
    "moa": "maître d'ouvrage",
    "operation": "opération",
    "kind": "nature",
    "anru_funded": "financé par l'ANRU",
    "lot": "lot",
}
TEXT_ATTRIBUTES = ("moa", "operation", "lot", "title")
NO_OPERATION = "Opération non indiquée dans le fichier"
CONTRACT_FOREIGN_KEYS = ("programme", "participant", "market", "employer", "user_company")
CHECKED_BY_PARSERS = (*CONTRACT_FOREIGN_KEYS, "reference", *CONTRACT_FIELDS)


@dataclass(eq=False)
class NewMarket(PendingObject):
    """A market number the programme does not know yet: created on commit."""

    number: str
    fields: dict[str, Any] = field(default_factory=dict)
    instance: Market | None = None


@dataclass(eq=False)
class NewParticipant(PendingObject):
    """A facilitator's id the programme does not know yet: created on commit."""

    facilitator_reference: str
    instance: Participant | None = None  # checked once every row is read, inserted on commit


@dataclass
class Facts:
    """What one valid row says of its participant and its market (decided once every row is read)."""

    row: int
    reference: str
    starts_on: datetime.date | None
    participant: dict[str, Any]
    market: dict[str, Any]


@dataclass
class ContractChange:
    reference: str
    contract: WorkContract | None
    fields: dict[str, Any]
    instance: WorkContract | None = None  # a new contract, checked, its foreign keys set on commit


def rows_named(rows: list[int]) -> str:
    """« 3, 13 et 39 », the first few rows of a list then « et N autres »."""
    rows = sorted(set(rows))
    shown = [str(row) for row in rows[:ROWS_NAMED]]
    if len(rows) > ROWS_NAMED:
        return f"{', '.join(shown)} et {len(rows) - ROWS_NAMED} autre(s)"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} et {shown[-1]}"


def plural_rows(rows: list[int]) -> str:
    return ("ligne " if len(set(rows)) == 1 else "lignes ") + rows_named(rows)


def majority(values: list[Any], *, text: bool = False) -> Any:
    """The value most rows give (the first one met on a tie), None when no row gives one; `text` values
    are compared without accents, case or punctuation (the first spelling met is returned)."""
    given = [value for value in values if value is not None]
    if not given:
        return None
    if not text:
        return Counter(given).most_common(1)[0][0]
    spellings: dict[str, str] = {}
    for value in given:
        spellings.setdefault(cached_key(value), value)
    return spellings[Counter(cached_key(value) for value in given).most_common(1)[0][0]]


class InsertionImport(ModelUpsertSpec):
    kind = "insertion"
    personal_data_domain = "insertion"
    label = "Clauses d'insertion (export du facilitateur)"
    description = (
        "L'export du facilitateur des clauses (Maison de l'emploi, PLIE) : une ligne par contrat de travail "
        "(participant, marché, employeur, contrat, heures). Les contrats sont reconnus par l'identifiant du "
        "facilitateur : un nouvel import les met à jour, sans doublon. Les lignes d'un même dossier forment "
        "un seul participant ; l'âge n'est gardé que comme tranche d'âge, aucun nom, téléphone ni adresse "
        "n'est importé. Un marché inconnu est créé ; une opération introuvable le laisse « à rattacher »."
    )
    key_field = "reference"
    key_label = "ID contrat"
    success_url_name = "insertion:market_list"
    columns = COLUMNS
    model = WorkContract
    copied = CONTRACT_FIELDS
    clean_exclude = CONTRACT_FOREIGN_KEYS
    model_field_columns = {
        "age_band": "age",
        "facilitator_reference": "participant",
        "number": "market",
        "title": "market_title",
        "kind": "market_kind",
        "anru_funded": "anru",
    }

    # Loading ------------------------------------------------------------------------------------------
    def prepare(self) -> None:
        programme = self.programme
        self.organisations = OrganisationRefs(self)
        self.contracts = {
            contract.reference: contract
            for contract in WorkContract.objects.filter(programme=programme).select_related("participant")
        }
        self.participants = {
            participant.facilitator_reference: participant
            for participant in Participant.objects.filter(programme=programme)
        }
        self.markets = {market.number: market for market in Market.objects.filter(programme=programme)}
        self.operations = OperationMatcher(programme)
        self.operation_labels = {operation.pk: operation.label for operation in self.operations.operations}
        self.qpv_names = {normalize_key(code): name for code, name in Qpv.objects.values_list("code", "name")}
        for sector in Sector.objects.filter(programme=programme):
            for key in (sector.qpv_code_2015, sector.qpv_code_2024, sector.name):
                if key:
                    self.qpv_names[normalize_key(key)] = sector.name
        self.new_markets: dict[str, NewMarket] = {}
        self.new_participants: dict[str, NewParticipant] = {}
        self.facts_by_participant: dict[str, list[Facts]] = defaultdict(list)
        self.facts_by_market: dict[str, list[Facts]] = defaultdict(list)
        self.other_programmes: dict[str, list[int]] = defaultdict(list)
        self.qpv_dropped: list[int] = []
        self.anonymised_rows: list[int] = []
        self.notes: dict[str, list[str]] = defaultdict(list)
        self._warned: set[str] = set(self.warnings)
        self.first_row: int | None = None
        self.companies: dict[str, OrganisationRef] = {}
        self.labels: dict[tuple[str, ...], list[str]] = {}
        self.saved_organisations: dict[int, Organisation] = {}  # by id() of the reference, while writing
        self.moas: dict[tuple[str, bool], OrganisationRef | str | None] = {}
        self.operation_matches: dict[str, tuple[Operation | None, str]] = {}
        self.programme_keys = {cached_key(self.programme.name), cached_key(self.programme.slug)}
        self.market_changes: list[tuple[Market, dict[str, Any]]] = []
        self.participant_changes: list[tuple[Participant, dict[str, Any]]] = []

    def change_labels(self, names) -> list[str]:
        """The labels of the changed columns, computed once per set of names (every new contract of a
        file has the same)."""
        names = tuple(names)
        if names not in self.labels:
            self.labels[names] = super().change_labels(names)
        return list(self.labels[names])

    def warn(self, message: str) -> None:
        """Each warning once (a set: an export of 50,000 rows repeats them)."""
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    # Validation ---------------------------------------------------------------------------------------
    def validate_row(self, row: Row) -> RowPlan | None:
        if self.first_row is None:
            self.first_row = row.number
        self._warn_personal_columns(row)
        reference = row.get("reference")
        contract = self.contracts.get(reference) if reference else None
        if contract is not None and contract.participant.anonymised_at:
            self.anonymised_rows.append(row.number)
            return None  # kept as it is: its participant's data has passed its retention period
        self._check_programme(row)
        participant_fields = self._participant_fields(row)
        market_fields = self._market_fields(row)
        wanted = self.wanted_fields(row)
        if contract is None and wanted.get("training_hours") is None:
            wanted["training_hours"] = Decimal(0)
        if row.get("participant"):
            wanted["participant"] = self._participant(row.get("participant"))
        if row.get("market"):
            wanted["market"] = self._market(row.get("market"))
        if row.get("employer"):
            wanted["employer"] = self._company(row.get("employer"))
        if row.get("user_company"):
            wanted["user_company"] = self._company(row.get("user_company"))
        instance = self._checked_contract(row, contract, reference, wanted) if row.ok else None
        if not row.ok:
            return None
        assert row.number is not None
        facts = Facts(row.number, reference, row.get("starts_on"), participant_fields, market_fields)
        self.facts_by_participant[row.get("participant")].append(facts)
        self.facts_by_market[row.get("market")].append(facts)
        fields = changed_fields(contract, wanted)
        return self.upsert_plan(
            row,
            reference,
            created=contract is None,
            changes=list(fields),
            data=ContractChange(reference, contract, fields, instance),
        )

    def _checked_contract(
        self, row: Row, contract: WorkContract | None, reference: str, wanted: dict[str, Any]
    ) -> WorkContract | None:
        """The contract as the row wants it, checked by the model's rules across fields (dates, end
        reason, situation: `WorkContract.clean`); each field on its own was checked by its column's
        parser (choices, lengths, bounds, required columns). A new contract's instance is kept for the
        insert; a stored one is checked on a copy."""
        scalars = {name: value for name, value in wanted.items() if name not in CONTRACT_FOREIGN_KEYS}
        candidate = (
            copy.copy(contract)
            if contract
            else WorkContract(programme_id=self.programme.pk, reference=reference)
        )
        for name, value in scalars.items():
            setattr(candidate, name, value)
        try:
            candidate.full_clean(
                exclude=CHECKED_BY_PARSERS, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self.record_validation_error(row, error)
        return None if contract else candidate

    def _warn_personal_columns(self, row: Row) -> None:
        if row.number != self.first_row:
            return  # every row has the columns of the header
        for column in PERSONAL_COLUMNS:
            if row.has(column.field):
                self.warn(
                    f"Colonne « {column.label} » ignorée : les données personnelles (nom, prénom, téléphone, "
                    "adresse, numéros d'identification…) ne sont pas importées."
                )
        if row.has("birth_date"):
            self.warn(
                "Colonne « Date de naissance » : seule la tranche d'âge au début du contrat est gardée, "
                "jamais la date."
            )

    def _check_programme(self, row: Row) -> None:
        name = row.get("programme")
        if name and cached_key(name) not in self.programme_keys:
            assert row.number is not None
            self.other_programmes[name].append(row.number)

    def _participant(self, facilitator_reference: str) -> Participant | NewParticipant:
        found = self.participants.get(facilitator_reference)
        if found is not None:
            return found
        if facilitator_reference not in self.new_participants:
            self.new_participants[facilitator_reference] = NewParticipant(facilitator_reference)
        return self.new_participants[facilitator_reference]

    def _market(self, number: str) -> Market | NewMarket:
        found = self.markets.get(number)
        if found is not None:
            return found
        if number not in self.new_markets:
            self.new_markets[number] = NewMarket(number)
        return self.new_markets[number]

    def _company(self, name: str) -> OrganisationRef:
        """An employer or a user company; an unknown one is created as a company (or the kind its name
        tells: « Habitat… » a landlord, « Ville de… » a ville). Looked up once per name."""
        if name not in self.companies:
            kind = organisation_kind_guess(name)
            self.companies[name] = self.organisations.named(
                name, OrganisationKind.ENTREPRISE if kind == OrganisationKind.AUTRE else kind
            )
        return self.companies[name]

    def _participant_fields(self, row: Row) -> dict[str, Any]:
        """The participant's fields this row fills in (its empty cells say nothing)."""
        fields: dict[str, Any] = {
            name: row.get(name) for name in ("sex", "qualification", "commune", "qpv_resident", "prescriber")
        }
        fields["age_band"] = row.get("age")
        birth_date, starts_on = row.get("birth_date"), row.get("starts_on")
        if fields["age_band"] is None and birth_date and starts_on and row.usable("age"):
            fields["age_band"] = self._age_band_at(row, birth_date, starts_on)
        qpv = row.get("qpv")
        if qpv and fields["qpv_resident"] is False:
            assert row.number is not None
            self.qpv_dropped.append(row.number)  # a QPV is only kept for a resident
            qpv = None
        fields["qpv"] = self.qpv_names.get(cached_key(qpv), qpv) if qpv else qpv
        fields["publics"] = self._publics(row)
        return {name: value for name, value in fields.items() if value is not None and value != ""}

    def _age_band_at(self, row: Row, birth_date: datetime.date, day: datetime.date) -> str | None:
        years = day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
        try:
            return AGE_BAND(years)
        except ValidationError as error:
            row.error("birth_date", " ".join(error.messages))
            return None

    def _publics(self, row: Row) -> list[str] | None:
        """The publics of a « Public » cell, each one mapped if the programme mapped it; None when empty."""
        items = row.get("publics")
        if not items:
            return None
        publics = []
        for item in items:
            try:
                public = PUBLIC(self.mappings.value("publics", item))
            except ValidationError as error:
                row.unknown("publics", item, " ".join(error.messages))
                return None
            if public not in publics:
                publics.append(public)
        return publics

    def _market_fields(self, row: Row) -> dict[str, Any]:
        """What this row says of its market (its empty cells say nothing)."""
        fields = {
            "moa": row.get("moa"),
            "operation": row.get("operation"),
            "kind": row.get("market_kind"),
            "anru_funded": row.get("anru"),
            "lot": row.get("lot"),
            "title": row.get("market_title"),
        }
        return {name: value for name, value in fields.items() if value is not None and value != ""}

    # Across rows: markets and participants ------------------------------------------------------------
    def complete(self, result: ImportResult) -> None:
        self._check_grant(result)
        plans = {plan.row: plan for plan in result.plans}
        to_link: dict[str, list[str]] = defaultdict(list)
        for number, facts in self.facts_by_market.items():
            if number in self.new_markets:
                self._decide_new_market(self.new_markets[number], facts, result, to_link)
            else:
                self._compare_market(self.markets[number], facts, to_link)
        for facilitator_reference, facts in self.facts_by_participant.items():
            self._decide_participant(facilitator_reference, facts, result, plans)
        self._summary_warnings(to_link)
        for kind, summary in NOTE_KINDS.items():
            notes = self.notes[kind]
            for note in notes[:NOTES_LISTED]:
                self.warn(note)
            if len(notes) > NOTES_LISTED:
                self.warn(summary.format(count=len(notes) - NOTES_LISTED))

    def _check_grant(self, result: ImportResult) -> None:
        """The participants are personal data: whoever imports them (the person who uploads, then the one
        who confirms) writes them, hence needs the insertion grant and a role that writes it
        (insertion.rules, the `insertion.add_participant` rule; a superuser is no exception). The pages
        check it before the upload; this holds for the worker and `import_xlsx --user`."""
        if self.user is not None and not edits_participants(self.user, self.programme):
            result.errors.insert(
                0,
                RowError(
                    None,
                    "",
                    "Ce fichier contient des données personnelles (participants) : son import est réservé "
                    "aux personnes habilitées aux données personnelles de l'insertion, avec un rôle qui "
                    "les écrit (administration, équipe projet, référent insertion).",
                ),
            )

    def _operation(self, label: str | None) -> tuple[Operation | None, str]:
        """The programme's operation a label names, or None and why (« introuvable », « ambiguë… »)."""
        if not label:
            return None, ""
        if label not in self.operation_matches:
            try:
                self.operation_matches[label] = (self.operations.find(label), "")
            except ValidationError as error:
                # The matcher's advice (« indiquez son identifiant ») is for a file that must name one.
                why = " ".join(error.messages).split(" : indiquez")[0].split(". Indiquez")[0]
                self.operation_matches[label] = (None, why)
        return self.operation_matches[label]

    def _moa(self, name: str | None, *, create: bool) -> OrganisationRef | str | None:
        """The MOA a cell names: a known organisation, the programme's ville or métropole for a generic
        word (« Métropole »), else a new organisation (`create`) or None; a str says why none fits."""
        if not name:
            return None
        if (name, create) not in self.moas:
            found: OrganisationRef | str | None = self.organisations.get(name)
            if found is None and (generic := GENERIC_ORGANISATIONS.get(cached_key(name))):
                found = self.organisations.of_programme(generic)
            elif found is None and create:
                found = self.organisations.pending(name, organisation_kind_guess(name))
            self.moas[name, create] = found
        return self.moas[name, create]

    def _decide_new_market(
        self, market: NewMarket, facts: list[Facts], result: ImportResult, to_link: dict[str, list[str]]
    ) -> None:
        """A new market takes what most of its rows say; the rows that say otherwise are named."""
        first = facts[0].row
        chosen = {
            name: majority([fact.market.get(name) for fact in facts], text=name in TEXT_ATTRIBUTES)
            for name in (*MARKET_ATTRIBUTES, "title")
        }
        moa = self._moa(chosen["moa"], create=True)
        if isinstance(moa, str) or moa is None:
            message = (
                moa or f"Marché « {market.number} » inconnu : indiquez son maître d'ouvrage pour le créer."
            )
            result.errors.append(RowError(first, str(self.column("moa").label), message))
            return
        operation, why = self._operation(chosen["operation"])
        if operation is None:
            to_link[why or NO_OPERATION].append(market.number)
        kind = chosen["kind"] or MarketKind.WORKS
        anru = True if chosen["anru_funded"] is None else chosen["anru_funded"]
        title = chosen["title"] or chosen["operation"] or f"Marché {market.number}"
        market.fields = {
            "moa": moa,
            "operation": operation,
            "kind": kind,
            "anru_funded": anru,
            "lot": chosen["lot"] or "",
            "title": title[:300],
        }
        candidate = Market(
            programme=self.programme,
            number=market.number,
            **{name: value for name, value in market.fields.items() if name not in ("moa", "operation")},
        )
        try:
            candidate.full_clean(
                exclude=["programme", "moa", "operation", "contractor"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            result.errors.extend(self.row_errors_from(first, error))
            return
        market.fields["target_rate"] = candidate.target_rate
        where = (
            f"opération « {self.operation_labels[operation.pk]} »"
            if operation
            else (
                f"opération « {chosen['operation']} » introuvable : à rattacher"
                if chosen["operation"]
                else "sans opération : à rattacher"
            )
        )
        self.notes["new_market"].append(
            f"Marché « {market.number} » inconnu : il sera créé ({MarketKind(kind).label}, "
            f"{'financé' if anru else 'non financé'} par l'ANRU, maître d'ouvrage « {moa.name} », {where})."
        )
        shown = {
            "moa": moa.name,
            "operation": chosen["operation"],
            "kind": MarketKind(kind).label,
            "anru_funded": anru,
            "lot": chosen["lot"],
        }
        self._warn_disagreements(market.number, facts, chosen, shown, stored=False)

    def _compare_market(self, market: Market, facts: list[Facts], to_link: dict[str, list[str]]) -> None:
        """A known market keeps what is stored; an empty operation is filled in from the rows; the rows
        that say otherwise are named."""
        stored: dict[str, Any] = {
            "moa": market.moa_id,
            "operation": market.operation_id,
            "kind": market.kind,
            "anru_funded": market.anru_funded,
            "lot": market.lot,
        }
        said: dict[str, list[Any]] = {name: [] for name in MARKET_ATTRIBUTES}
        for fact in facts:
            moa = self._moa(fact.market.get("moa"), create=False)
            operation, _why = self._operation(fact.market.get("operation"))
            said["moa"].append(moa.pk if isinstance(moa, Organisation) else fact.market.get("moa"))
            said["operation"].append(operation.pk if operation else None)
            for name in ("kind", "anru_funded", "lot"):
                said[name].append(fact.market.get(name))
        if market.operation_id is None:
            # The same rule as for a new market: the label most rows give, matched or « à rattacher ».
            operation, why = self._operation(
                majority([fact.market.get("operation") for fact in facts], text=True)
            )
            if operation is not None:
                self.market_changes.append((market, {"operation": operation}))
                stored["operation"] = operation.pk
                self.notes["linked_market"].append(
                    f"Marché « {market.number} » : rattaché à l'opération « {operation.label} » que nomment "
                    "ses lignes."
                )
            else:
                to_link[why or NO_OPERATION].append(market.number)
        chosen = dict(stored)
        shown = {
            "moa": market.moa.name if market.moa_id else "",
            "operation": self.operation_labels.get(stored["operation"], ""),
            "kind": market.get_kind_display(),
            "anru_funded": market.anru_funded,
            "lot": market.lot,
        }
        facts_said = [
            Facts(fact.row, fact.reference, fact.starts_on, {}, {name: said[name][index] for name in said})
            for index, fact in enumerate(facts)
        ]
        labels = {
            "moa": {fact.row: fact.market.get("moa") for fact in facts},
            "operation": {fact.row: fact.market.get("operation") for fact in facts},
        }
        self._warn_disagreements(market.number, facts_said, chosen, shown, stored=True, labels=labels)

    def _warn_disagreements(
        self,
        number: str,
        facts: list[Facts],
        chosen: dict[str, Any],
        shown: dict[str, Any],
        *,
        stored: bool,
        labels: dict[str, dict[int, Any]] | None = None,
    ) -> None:
        """One warning naming, for each attribute of a market, the rows that give another value."""
        parts = []
        for name, what in MARKET_ATTRIBUTES.items():
            other: dict[str, list[int]] = defaultdict(list)
            for fact in facts:
                value = fact.market.get(name)
                if value is None or value == chosen[name]:
                    continue
                if (
                    name in TEXT_ATTRIBUTES
                    and not stored
                    and cached_key(value) == cached_key(chosen[name] or "")
                ):
                    continue
                text = (labels or {}).get(name, {}).get(fact.row, value)
                other[self._shown(name, text)].append(fact.row)
            if other:
                given = " ; ".join(f"« {value} » ({plural_rows(rows)})" for value, rows in other.items())
                parts.append(f"{what} {given} au lieu de « {self._shown(name, shown[name])} »")
        if parts:
            kept = "enregistrées, gardées" if stored else "de la majorité de ses lignes, retenues"
            self.notes["market"].append(
                f"Marché « {number} » : des lignes diffèrent des valeurs {kept} — {' ; '.join(parts)}."
            )

    @staticmethod
    def _shown(name: str, value: Any) -> str:
        if isinstance(value, bool):
            return "Oui" if value else "Non"
        if name == "kind" and value in MarketKind.values:
            return str(MarketKind(value).label)
        return "" if value is None else str(value)

    def _decide_participant(
        self, facilitator_reference: str, facts: list[Facts], result: ImportResult, plans: dict[int, RowPlan]
    ) -> None:
        """Each field from the most recent contract that fills it; QPV resident and QPV together."""
        ordered = sorted(facts, key=lambda fact: (fact.starts_on or datetime.date.min, fact.reference))
        latest = ordered[-1]
        chosen: dict[str, Any] = {}
        differing = []
        for name in PARTICIPANT_FIELDS:
            if name == "qpv":
                continue
            values = [fact.participant[name] for fact in ordered if name in fact.participant]
            if not values:
                continue
            chosen[name] = values[-1]
            if name == "qpv_resident":
                source = next(fact for fact in reversed(ordered) if name in fact.participant)
                chosen["qpv"] = source.participant.get("qpv", "")
            if any(value != values[-1] for value in values):
                differing.append(self.column(self.model_field_columns.get(name, name)).label)
        if differing:
            self.notes["participant"].append(
                f"Dossier « {facilitator_reference} » : {', '.join(differing)} diffèrent selon les lignes "
                f"({rows_named([fact.row for fact in facts])}) : les valeurs du contrat le plus récent "
                f"sont retenues (ligne {latest.row}, contrat {latest.reference})."
            )
        participant = self.participants.get(facilitator_reference)
        if participant is None:
            candidate = Participant(
                programme=self.programme, facilitator_reference=facilitator_reference, **chosen
            )
            try:
                candidate.full_clean(
                    exclude=["programme", "reference"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                result.errors.extend(self.row_errors_from(latest.row, error))
            self.new_participants[facilitator_reference].instance = candidate  # inserted on commit
            return
        if participant.anonymised_at:
            return
        changes = changed_fields(participant, chosen)
        if not changes:
            return
        candidate = copy.copy(participant)
        for name, value in changes.items():
            setattr(candidate, name, value)
        try:
            candidate.full_clean(exclude=["programme"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            result.errors.extend(self.row_errors_from(latest.row, error))
            return
        self.participant_changes.append((participant, changes))
        plan = plans.get(latest.row)
        if plan is not None:
            if plan.action == Action.UNCHANGED:
                plan.action = Action.UPDATE
            plan.changes = list(dict.fromkeys([*plan.changes, *self.change_labels(changes)]))

    def _summary_warnings(self, to_link: dict[str, list[str]]) -> None:
        for name, rows in self.other_programmes.items():
            self.warn(
                f"Colonne « Programme » : « {name} » ({plural_rows(rows)}) n'est pas le programme choisi, "
                f"« {self.programme.name} » : ces lignes y sont importées (la colonne n'est qu'indicative)."
            )
        for why, numbers in to_link.items():
            self.warn(f"{why} : marché(s) à rattacher à une opération après l'import : {', '.join(numbers)}.")
        if self.qpv_dropped:
            self.warn(
                f"« Habitant QPV » à Non avec un code QPV ({plural_rows(self.qpv_dropped)}) : le QPV n'est "
                "gardé que pour un habitant d'un QPV, ces codes sont ignorés."
            )
        if self.anonymised_rows:
            self.warn(
                f"{len(self.anonymised_rows)} contrat(s) de participants anonymisés (durée de conservation "
                f"écoulée) laissés tels quels ({plural_rows(self.anonymised_rows)})."
            )

    # Writing ------------------------------------------------------------------------------------------
    def apply_all(self, plans: list[RowPlan], result: ImportResult, on_progress: Progress) -> None:
        """Markets, then participants, then contracts, each in bulk (a batch at a time)."""
        saved = self.organisations.saved
        new_markets = [market for market in self.new_markets.values() if market.fields]
        for market in new_markets:
            fields = dict(market.fields)
            fields["moa"] = saved(fields["moa"])
            market.instance = Market(programme=self.programme, number=market.number, **fields)
        services.bulk_create(
            markets=[market.instance for market in new_markets],
            participants=[p.instance for p in self.new_participants.values() if p.instance is not None],
        )
        services.bulk_update(markets=self.market_changes, participants=self.participant_changes)
        changes = [plan.data for plan in plans if plan.action != Action.UNCHANGED and plan.data.fields]
        for start in range(0, len(changes), WRITE_BATCH):
            self._write_contracts(changes[start : start + WRITE_BATCH])
            on_progress(min(start + WRITE_BATCH, len(changes)) / len(changes))

    def _write_contracts(self, changes: list[ContractChange]) -> None:
        created, updated = [], []
        for change in changes:
            if change.instance is not None:
                for name in CONTRACT_FOREIGN_KEYS:
                    if name in change.fields:  # by id: the objects are not needed on the instance
                        setattr(change.instance, f"{name}_id", self._saved(change.fields[name]).pk)
                created.append(change.instance)
            else:
                fields = {name: self._saved(value) for name, value in change.fields.items()}
                updated.append((change.contract, fields))
        services.bulk_create(contracts=created)
        services.bulk_update(contracts=updated)

    def _saved(self, value: Any) -> Any:
        """The stored object a planned value names (employers are attached to the programme, as the
        demo's companies are)."""
        if isinstance(value, NewMarket | NewParticipant):
            return value.instance
        if isinstance(value, Organisation | NewOrganisation):
            if id(value) not in self.saved_organisations:
                self.saved_organisations[id(value)] = self.organisations.saved(value)
            return self.saved_organisations[id(value)]
        return value

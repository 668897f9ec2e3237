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
from collections import Counter, defaultdict
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
)
from projects.models import Operation, Qpv, Sector
from projects.services import organisation_kind_guess
from projects.vocabularies import GENERIC_ORGANISATIONS, OperationMatcher

WRITE_BATCH = 1_000
HOURS_STEP = Decimal("0.1")
MAX_HOURS = Decimal("99999999.9")  # the model keeps 9 digits before the decimal point
ROWS_NAMED = 8  # rows named in a warning before « et N autres »


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


def discard(value: Any) -> None:
    """Personal data is never read into the import: the cell is dropped as soon as it is met."""
    return None


C = CONTRACT_HEADERS.column
PERSONAL_COLUMNS = tuple(
    C(name, parser=discard, hidden=True) for name in CONTRACT_HEADERS if name.startswith("personal_")
)
COLUMNS = (
    C("reference", parser=text_of(40), required=True),
    C("participant", parser=text_of(40), required=True),
    C("sex", parser=SEX),
    C("age", parser=AGE_BAND),
    C("birth_date", parser=parse_date_fr, hidden=True),
    C("qualification", parser=QUALIFICATION),
    C("commune", parser=text_of(120)),
    C("qpv_resident", parser=parse_yes_no),
    C("qpv", parser=text_of(120)),
    C("publics", parser=parse_list, values=PUBLIC),
    C("prescriber", parser=text_of(120)),
    C("contract_type", parser=CONTRACT_TYPE, required=True),
    C("modality", parser=MODALITY, required=True),
    C("job_code", parser=parse_rome),
    C("employer", parser=text_of(200), required=True),
    C("user_company", parser=text_of(200)),
    C("operation", parser=text_of(300), values=OPERATION_LABELS),
    C("programme", parser=text_of(200)),
    C("market", parser=text_of(40), required=True),
    C("market_title", parser=text_of(300)),
    C("lot", parser=text_of(120)),
    C("moa", parser=text_of(200)),
    C("market_kind", parser=MARKET_KIND),
    C("anru", parser=parse_yes_no),
    C("starts_on", parser=parse_date_fr, required=True),
    C("ends_on", parser=parse_date_fr),
    C("hours_worked", parser=parse_hours, required=True),
    C("training_hours", parser=parse_hours),
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
    fields: dict[str, Any] = field(default_factory=dict)
    instance: Participant | None = None


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
        spellings.setdefault(normalize_key(value), value)
    return spellings[Counter(normalize_key(value) for value in given).most_common(1)[0][0]]


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
        self.market_changes: list[tuple[Market, dict[str, Any]]] = []
        self.participant_changes: list[tuple[Participant, dict[str, Any]]] = []

    # Validation ---------------------------------------------------------------------------------------
    def validate_row(self, row: Row) -> RowPlan | None:
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
        if row.ok:
            candidate = contract or WorkContract(programme=self.programme, reference=reference)
            self.clean_candidate(row, candidate, wanted)
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
            data=ContractChange(reference, contract, fields),
        )

    def _warn_personal_columns(self, row: Row) -> None:
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
        if name and normalize_key(name) not in (
            normalize_key(self.programme.name),
            normalize_key(self.programme.slug),
        ):
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
        tells: « Habitat… » a landlord, « Ville de… » a ville)."""
        kind = organisation_kind_guess(name)
        return self.organisations.named(
            name, OrganisationKind.ENTREPRISE if kind == OrganisationKind.AUTRE else kind
        )

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
        fields["qpv"] = self.qpv_names.get(normalize_key(qpv), qpv) if qpv else qpv
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
        try:
            return self.operations.find(label), ""
        except ValidationError as error:
            # The matcher's advice (« indiquez son identifiant ») is for a file that must name one.
            why = " ".join(error.messages).split(" : indiquez")[0].split(". Indiquez")[0]
            return None, why

    def _moa(self, name: str | None, *, create: bool) -> OrganisationRef | str | None:
        """The MOA a cell names: a known organisation, the programme's ville or métropole for a generic
        word (« Métropole »), else a new organisation (`create`) or None; a str says why none fits."""
        if not name:
            return None
        found = self.organisations.get(name)
        if found is not None:
            return found
        if generic := GENERIC_ORGANISATIONS.get(normalize_key(name)):
            return self.organisations.of_programme(generic)
        return self.organisations.pending(name, organisation_kind_guess(name)) if create else None

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
        self.warn(
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
                self.warn(
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
                    and normalize_key(value) == normalize_key(chosen[name] or "")
                ):
                    continue
                text = (labels or {}).get(name, {}).get(fact.row, value)
                other[self._shown(name, text)].append(fact.row)
            if other:
                given = " ; ".join(f"« {value} » ({plural_rows(rows)})" for value, rows in other.items())
                parts.append(f"{what} {given} au lieu de « {self._shown(name, shown[name])} »")
        if parts:
            kept = "enregistrées, gardées" if stored else "de la majorité de ses lignes, retenues"
            self.warn(f"Marché « {number} » : des lignes diffèrent des valeurs {kept} — {' ; '.join(parts)}.")

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
            self.warn(
                f"Dossier « {facilitator_reference} » : {', '.join(differing)} diffèrent selon les lignes "
                f"({rows_named([fact.row for fact in facts])}) : les valeurs du contrat le plus récent "
                f"sont retenues (ligne {latest.row}, contrat {latest.reference})."
            )
        participant = self.participants.get(facilitator_reference)
        if participant is None:
            new = self.new_participants[facilitator_reference]
            new.fields = chosen
            candidate = Participant(
                programme=self.programme, facilitator_reference=facilitator_reference, **chosen
            )
            try:
                candidate.full_clean(
                    exclude=["programme", "reference"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                result.errors.extend(self.row_errors_from(latest.row, error))
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
        new_participants = [
            p for p in self.new_participants.values() if p.facilitator_reference in self.facts_by_participant
        ]
        for participant in new_participants:
            participant.instance = Participant(
                programme=self.programme,
                facilitator_reference=participant.facilitator_reference,
                **participant.fields,
            )
        services.bulk_create(
            markets=[market.instance for market in new_markets],
            participants=[participant.instance for participant in new_participants],
        )
        services.bulk_update(markets=self.market_changes, participants=self.participant_changes)
        changes = [plan.data for plan in plans if plan.action != Action.UNCHANGED and plan.data.fields]
        for start in range(0, len(changes), WRITE_BATCH):
            self._write_contracts(changes[start : start + WRITE_BATCH])
            on_progress(min(start + WRITE_BATCH, len(changes)) / len(changes))

    def _write_contracts(self, changes: list[ContractChange]) -> None:
        created, updated = [], []
        for change in changes:
            fields = {name: self._saved(value) for name, value in change.fields.items()}
            if change.contract is None:
                created.append(WorkContract(programme=self.programme, reference=change.reference, **fields))
            else:
                updated.append((change.contract, fields))
        services.bulk_create(contracts=created)
        services.bulk_update(contracts=updated)

    def _saved(self, value: Any) -> Any:
        """The stored object a planned value names (employers are attached to the programme, as the
        demo's companies are)."""
        if isinstance(value, NewMarket | NewParticipant):
            return value.instance
        if isinstance(value, Organisation | NewOrganisation):
            return self.organisations.saved(value)
        return value

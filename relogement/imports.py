"""Import of the landlords' relogement tracking workbooks (RIME-like): one row per household.

Formats, columns, accepted spellings and the rules below are described for users in docs/imports.md
(section « Relogement (suivi bailleur) »):

- households are matched by (origin landlord, landlord reference "N° ménage"): a new import updates them,
  never duplicates them; the pseudonymous reference is drawn by households_bulk_create;
- on creation the landlord's status is taken as it is (the file is authoritative on the current state);
  on update the change must follow the household transition table (relogement.services);
- a "Date relogement" with its destination columns creates or updates one rehousing (definitive, or
  temporary when the status says so); "sur site" is False unless a "Sur site" column says Oui;
- empty cells keep the stored values; columns holding personal data (name, phone, address…) are ignored.
"""

import copy
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from accounts.selectors import organisations_by_name_key
from accounts.services import organisation_get_or_create
from core.imports import Action, Column, ImportResult, ImportSpec, Progress, Row, RowPlan
from core.parsing import (
    invalid,
    normalize_key,
    parse_amount,
    parse_date_fr,
    parse_decimal_fr,
    parse_int,
    parse_text,
    parse_yes_no,
)
from projects.models import Operation
from projects.vocabularies import OPERATIONS
from relogement.models import (
    Household,
    HouseholdStatus,
    Rehousing,
    RehousingKind,
)
from relogement.services import (
    CLOSING_STATUSES,
    household_check_transition,
    households_bulk_create,
    households_bulk_update,
    rehousings_bulk_set,
)
from relogement.vocabularies import AGE_BAND, HOUSEHOLD_STATUS, INCOME_BAND, TYPOLOGY

H = HouseholdStatus
MAX_PERSONS = 30
WRITE_BATCH = 1_000
SURFACE_STEP = Decimal("0.1")

# Kinds of rehousing whose status is compatible with a move recorded in the file.
REHOUSED_STATUSES = (H.REHOUSED, H.TEMPORARY, H.FOLLOW_UP, H.CLOSED)
# Operation labels are matched on their significant words.
STOP_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en"}

parse_typology = TYPOLOGY
parse_status = HOUSEHOLD_STATUS
parse_age_band = AGE_BAND
parse_income_band = INCOME_BAND


# Other cells ------------------------------------------------------------------------------------------


def parse_persons(value: Any) -> int | None:
    number = parse_int(value)
    if number is not None and not 0 <= number <= MAX_PERSONS:
        raise invalid("« %(value)s » : indiquez un nombre de personnes entre 0 et 30.", value)
    return number


def parse_surface(value: Any) -> Decimal | None:
    number = parse_decimal_fr(value)
    if number is None:
        return None
    if not 0 < number < 10_000:
        raise invalid("« %(value)s » n'est pas une surface en m² (ex. « 64,5 »).", value)
    return number.quantize(SURFACE_STEP, rounding=ROUND_HALF_UP)


def parse_rent(value: Any) -> Decimal | None:
    """A monthly amount (rent, charges, aid): the model keeps 6 digits before the comma."""
    amount = parse_amount(value)
    if amount is not None and amount >= Decimal("1000000"):
        raise invalid("« %(value)s » : montant mensuel trop grand.", value)
    return amount


def discard(value: Any) -> None:
    """Personal data is never read into the import: the cell is dropped as soon as it is met."""
    return None


# Columns ----------------------------------------------------------------------------------------------

HOUSEHOLD_FIELDS = (
    "origin_typology",
    "origin_surface",
    "adults",
    "children",
    "holder_age_band",
    "income_band",
    "origin_rent",
    "origin_charges",
    "origin_aid",
    "diagnostic_on",
)
DESTINATION_COLUMNS = (
    "dest_commune",
    "dest_in_qpv",
    "dest_new",
    "dest_landlord",
    "dest_typology",
    "dest_rent",
    "dest_charges",
    "dest_aid",
    "same_site",
)
# Destination column → Rehousing field (the landlord is resolved separately).
REHOUSING_FIELDS = {
    "dest_commune": "commune",
    "dest_in_qpv": "in_qpv",
    "dest_new": "new_or_recent",
    "dest_typology": "typology",
    "dest_rent": "rent",
    "dest_charges": "charges",
    "dest_aid": "aid",
    "same_site": "same_site",
}
REQUIRED_FOR_REHOUSING = (
    "dest_commune",
    "dest_in_qpv",
    "dest_new",
    "dest_landlord",
    "dest_typology",
    "dest_rent",
)
PERSONAL_COLUMNS = (
    Column(
        "personal_name",
        "Nom",
        parser=discard,
        synonyms=("Nom du titulaire", "Nom titulaire", "Nom du ménage", "Nom prénom", "Nom et prénom", "NOM"),
    ),
    Column(
        "personal_first_name",
        "Prénom",
        parser=discard,
        synonyms=("Prénom du titulaire", "Prénom titulaire", "Prénoms"),
    ),
    Column(
        "personal_phone",
        "Téléphone",
        parser=discard,
        synonyms=("Tél.", "Tel", "N° de téléphone", "Portable", "Téléphone portable", "Mobile"),
    ),
    Column(
        "personal_address",
        "Adresse",
        parser=discard,
        synonyms=(
            "Adresse actuelle",
            "Adresse d'origine",
            "Adresse du logement",
            "Adresse postale",
            "Adresse relogement",
        ),
    ),
    Column(
        "personal_email",
        "Courriel",
        parser=discard,
        synonyms=("Email", "E-mail", "Mail", "Adresse électronique", "Adresse mail"),
    ),
    Column(
        "personal_birth",
        "Date de naissance",
        parser=discard,
        synonyms=("Né le", "Née le", "Date naissance"),
    ),
)


@dataclass(frozen=True)
class NewOrganisation:
    """A landlord met by name that does not exist yet: created (bailleur) when the import is committed."""

    name: str


LandlordRef = Organisation | NewOrganisation


@dataclass
class HouseholdChange:
    landlord_reference: str
    household: Household | None
    origin_landlord: LandlordRef
    fields: dict[str, Any] = field(default_factory=dict)
    rehousing_kind: str | None = None
    rehousing: Rehousing | None = None
    rehousing_fields: dict[str, Any] = field(default_factory=dict)


class RelogementImport(ImportSpec):
    kind = "relogement"
    personal_data_domain = "relogement"
    success_url_name = "relogement:household_list"
    label = "Suivi du relogement (bailleur)"
    description = (
        "Le tableau de suivi d'un bailleur : une ligne par ménage (référence du bailleur, opération, "
        "logement d'origine, composition, statut, relogement). Les ménages sont reconnus par leur bailleur "
        "d'origine et leur numéro chez ce bailleur : un nouvel import met à jour les ménages, sans doublon. "
        "Aucun nom, téléphone ni adresse n'est importé."
    )
    key_field = "landlord_reference"
    columns = (
        Column(
            "landlord_reference",
            "N° ménage",
            parser=partial(parse_text, max_length=40),
            synonyms=(
                "Réf. ménage",
                "Référence ménage",
                "Identifiant ménage",
                "Id ménage",
                "Numéro ménage",
                "Numéro de ménage",
                "Code ménage",
                "N° dossier",
                "Numéro de dossier",
                "Référence bailleur",
                "Réf. bailleur",
                "N° locataire",
                "Référence locataire",
                "N° de contrat",
            ),
            required=True,
        ),
        Column(
            "origin_landlord",
            "Bailleur d'origine",
            parser=partial(parse_text, max_length=200),
            synonyms=("Bailleur", "Bailleur origine", "Bailleur actuel", "Organisme", "Organisme HLM"),
            required=True,
        ),
        Column(
            "origin_operation",
            "Opération",
            parser=partial(parse_text, max_length=300),
            synonyms=(
                "Opération d'origine",
                "Opération NPRU",
                "Opération ANRU",
                "Identifiant opération",
                "Code opération",
                "Libellé opération",
                "Programme de démolition",
                "Site de démolition",
            ),
            required=True,
            values=OPERATIONS,
        ),
        Column(
            "origin_typology",
            "Typologie origine",
            parser=parse_typology,
            synonyms=(
                "Typologie",
                "Typologie d'origine",
                "Typologie actuelle",
                "Type de logement",
                "Type logement origine",
            ),
        ),
        Column(
            "origin_surface",
            "Surface origine (m²)",
            parser=parse_surface,
            synonyms=("Surface", "Surface (m²)", "Surface habitable", "Surface d'origine", "Surface origine"),
        ),
        Column(
            "adults",
            "Nb adultes",
            parser=parse_persons,
            synonyms=("Nombre d'adultes", "Adultes", "Nb d'adultes"),
        ),
        Column(
            "children",
            "Nb enfants",
            parser=parse_persons,
            synonyms=("Nombre d'enfants", "Enfants", "Nb d'enfants", "Enfants à charge"),
        ),
        Column(
            "holder_age_band",
            "Âge titulaire",
            parser=parse_age_band,
            synonyms=(
                "Âge du titulaire",
                "Tranche d'âge",
                "Tranche d'âge du titulaire",
                "Âge",
                "Classe d'âge",
            ),
        ),
        Column(
            "income_band",
            "Revenus mensuels",
            parser=parse_income_band,
            synonyms=(
                "Revenus",
                "Revenu mensuel",
                "Tranche de revenus",
                "Ressources",
                "Ressources mensuelles",
            ),
        ),
        Column(
            "origin_rent",
            "Loyer origine (€)",
            parser=parse_rent,
            synonyms=("Loyer", "Loyer actuel", "Loyer d'origine", "Loyer hors charges", "Loyer origine HC"),
        ),
        Column(
            "origin_charges",
            "Charges origine (€)",
            parser=parse_rent,
            synonyms=("Charges", "Charges actuelles", "Charges d'origine", "Provisions pour charges"),
        ),
        Column(
            "origin_aid",
            "APL origine (€)",
            parser=parse_rent,
            synonyms=(
                "APL",
                "Montant APL",
                "APL actuelle",
                "APL d'origine",
                "Aide au logement",
                "AL / APL",
            ),
        ),
        Column(
            "diagnostic_on",
            "Date diagnostic social",
            parser=parse_date_fr,
            synonyms=(
                "Diagnostic social",
                "Date du diagnostic social",
                "Date du diagnostic",
                "Date enquête sociale",
                "Date de l'enquête sociale",
                "Enquête sociale",
            ),
        ),
        Column(
            "status",
            "Statut",
            parser=parse_status,
            synonyms=("Statut ménage", "Statut du ménage", "État", "Situation", "Étape", "Avancement"),
        ),
        Column(
            "rehoused_on",
            "Date relogement",
            parser=parse_date_fr,
            synonyms=(
                "Date de relogement",
                "Date d'emménagement",
                "Date entrée",
                "Date d'entrée dans les lieux",
                "Relogé le",
            ),
        ),
        Column(
            "dest_commune",
            "Commune relogement",
            parser=partial(parse_text, max_length=120),
            synonyms=("Commune de relogement", "Commune d'accueil", "Ville de relogement", "Commune"),
        ),
        Column(
            "dest_in_qpv",
            "Relogé en QPV (O/N)",
            parser=parse_yes_no,
            synonyms=("Relogé en QPV", "Relogé QPV", "Relogement en QPV", "Logement en QPV", "En QPV", "QPV"),
        ),
        Column(
            "dest_new",
            "Neuf ou conventionné < 5 ans",
            parser=parse_yes_no,
            synonyms=(
                "Logement neuf",
                "Neuf",
                "Neuf ou récent",
                "Neuf ou conventionné depuis moins de 5 ans",
                "Neuf / < 5 ans",
                "Logement neuf ou conventionné < 5 ans",
            ),
        ),
        Column(
            "dest_landlord",
            "Bailleur d'accueil",
            parser=partial(parse_text, max_length=200),
            synonyms=(
                "Bailleur accueil",
                "Bailleur relogement",
                "Bailleur de relogement",
                "Nouveau bailleur",
            ),
        ),
        Column(
            "dest_typology",
            "Typologie accueil",
            parser=parse_typology,
            synonyms=(
                "Typologie d'accueil",
                "Typologie relogement",
                "Nouvelle typologie",
                "Type logement accueil",
            ),
        ),
        Column(
            "dest_rent",
            "Loyer accueil (€)",
            parser=parse_rent,
            synonyms=("Loyer d'accueil", "Loyer relogement", "Nouveau loyer", "Loyer après relogement"),
        ),
        Column(
            "dest_charges",
            "Charges accueil (€)",
            parser=parse_rent,
            synonyms=(
                "Charges d'accueil",
                "Charges relogement",
                "Nouvelles charges",
                "Charges après relogement",
            ),
        ),
        Column(
            "dest_aid",
            "APL accueil (€)",
            parser=parse_rent,
            synonyms=("APL d'accueil", "APL relogement", "Nouvelle APL", "APL après relogement"),
        ),
        Column(
            "same_site",
            "Sur site",
            parser=parse_yes_no,
            synonyms=("Relogé sur site", "Sur le site", "Même quartier", "Relogé dans le quartier"),
        ),
        *PERSONAL_COLUMNS,
    )
    model_field_columns = {
        "status": "status",
        "origin_operation": "origin_operation",
        "origin_landlord": "origin_landlord",
        **{name: name for name in HOUSEHOLD_FIELDS},
        **{model: column for column, model in REHOUSING_FIELDS.items()},
        "rehoused_on": "rehoused_on",
        "landlord": "dest_landlord",
        "landlord_reference": "landlord_reference",
    }

    # Lookups ------------------------------------------------------------------------------------------
    def prepare(self) -> None:
        self.labels = {column.field: str(column.label) for column in self.columns}  # translated once
        self.operations = list(Operation.objects.filter(programme=self.programme).order_by("identifier"))
        self.operation_ids = {normalize_key(o.identifier): o for o in self.operations}
        self.operation_labels = {normalize_key(o.label): o for o in self.operations}
        self.operation_words = [(o, _significant_words(o.label)) for o in self.operations]
        self.organisations = organisations_by_name_key()
        self.new_organisations: dict[str, NewOrganisation] = {}
        self.created: dict[str, Organisation] = {}
        self.households = {
            (household.origin_landlord_id, household.landlord_reference): household
            for household in Household.objects.filter(programme=self.programme)
        }
        # The (landlord, reference) pair is unique across programmes: a household followed elsewhere.
        self.other_programmes = set(
            Household.objects.exclude(programme=self.programme).values_list(
                "origin_landlord_id", "landlord_reference"
            )
        )
        self.rehousings: dict[int, dict[str, Rehousing]] = {}
        for rehousing in Rehousing.objects.filter(household__programme=self.programme).order_by(
            "household_id", "kind", "-rehoused_on", "-pk"
        ):
            self.rehousings.setdefault(rehousing.household_id, {}).setdefault(rehousing.kind, rehousing)

    # Resolving names ----------------------------------------------------------------------------------
    def _operation(self, row: Row) -> Operation | None:
        text = row.get("origin_operation")
        if not text:
            return None
        key = normalize_key(text)
        found = self.operation_ids.get(key) or self.operation_labels.get(key)
        if found is not None:
            return found
        words = _significant_words(text)
        candidates = [o for o, label_words in self.operation_words if words and words <= label_words]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            row.unknown(
                "origin_operation",
                text,
                "Opération « {value} » ambiguë : elle peut désigner {names}. "
                "Indiquez son identifiant.".format(
                    value=text, names=", ".join(f"{o.identifier} ({o.label})" for o in candidates[:5])
                ),
            )
            return None
        row.unknown(
            "origin_operation",
            text,
            (
                f"Opération « {text} » introuvable dans le programme : indiquez son identifiant "
                "ou son libellé."
            ),
        )
        return None

    def _landlord(self, name: str) -> LandlordRef:
        key = normalize_key(name)
        if key in self.organisations:
            return self.organisations[key]
        if key not in self.new_organisations:
            self.new_organisations[key] = NewOrganisation(name=name)
            self.warn(
                f"Bailleur « {name} » inconnu : il sera créé (type : {OrganisationKind.BAILLEUR.label})."
            )
        return self.new_organisations[key]

    # Validation ---------------------------------------------------------------------------------------
    def validate_row(self, row: Row) -> RowPlan | None:
        self._warn_personal_data(row)
        reference = row.get("landlord_reference")
        landlord = self._landlord(row.get("origin_landlord")) if row.get("origin_landlord") else None
        operation = self._operation(row)
        household = None
        if isinstance(landlord, Organisation) and reference:
            household = self.households.get((landlord.pk, reference))
            if household is None and self._elsewhere(landlord, reference):
                row.error(
                    "landlord_reference",
                    f"Ce ménage est déjà suivi dans un autre programme (bailleur « {landlord.name} »).",
                )
            if household is not None and household.anonymised_at:
                row.error(
                    "landlord_reference",
                    "Ce ménage a été anonymisé : il ne peut plus être modifié.",
                )
        wanted = self._wanted_fields(row, household, operation)
        if row.ok:
            self._check_household_model(row, household, wanted)
        rehousing_kind, rehousing_fields = self._rehousing(row, household, wanted)
        if not row.ok:
            return None
        return self._plan(row, reference, landlord, household, wanted, rehousing_kind, rehousing_fields)

    def _elsewhere(self, landlord: Organisation, reference: str) -> bool:
        return (landlord.pk, reference) in self.other_programmes

    def _warn_personal_data(self, row: Row) -> None:
        for column in PERSONAL_COLUMNS:
            if row.has(column.field):
                self.warn(
                    f"Colonne « {column.label} » ignorée : les données personnelles (nom, prénom, "
                    "téléphone, adresse…) ne sont pas importées."
                )

    def _wanted_fields(self, row: Row, household: Household | None, operation) -> dict[str, Any]:
        """The household's fields as the row gives them; an empty cell keeps the stored value."""
        wanted: dict[str, Any] = {}
        if operation is not None:
            wanted["origin_operation"] = operation
        for name in HOUSEHOLD_FIELDS:
            if row.get(name) is not None:
                wanted[name] = row.get(name)
        status = row.get("status")
        if status:
            if household is not None and row.usable("status"):
                try:
                    household_check_transition(current=household.status, target=status)
                except ValidationError as error:
                    self.record_validation_error(row, error)
            wanted["status"] = status
        elif household is None and row.get("rehoused_on"):
            wanted["status"] = H.REHOUSED
        if household is None and wanted.get("status") in CLOSING_STATUSES:
            wanted["closed_on"] = timezone.localdate()
        return wanted

    def _check_household_model(self, row: Row, household: Household | None, wanted: dict[str, Any]) -> None:
        """What full_clean() would refuse at commit, found now (foreign keys are resolved already)."""
        candidate = copy.copy(household) if household else Household(programme=self.programme)
        for name, value in wanted.items():
            setattr(candidate, name, value)
        try:
            candidate.full_clean(
                exclude=[
                    "programme",
                    "origin_operation",
                    "origin_landlord",
                    "reference",
                    "landlord_reference",
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            self.record_validation_error(row, error)

    def _rehousing(
        self, row: Row, household: Household | None, wanted: dict[str, Any]
    ) -> tuple[str | None, dict[str, Any]]:
        """The rehousing the row describes (its kind and fields), or (None, {}) when there is none."""
        rehoused_on = row.get("rehoused_on")
        given = [name for name in DESTINATION_COLUMNS if row.get(name) is not None and name != "same_site"]
        if rehoused_on is None:
            if given and row.usable("rehoused_on"):
                row.error(
                    "rehoused_on" if row.has("rehoused_on") else given[0],
                    "Les colonnes du logement d'accueil sont remplies : indiquez la date de relogement.",
                )
            return None, {}
        status = wanted.get("status") or (household.status if household else H.TO_SURVEY)
        if status not in REHOUSED_STATUSES and row.usable("status"):
            row.error(
                "status" if row.has("status") else "rehoused_on",
                (
                    "Un ménage relogé le {date} ne peut pas avoir le statut « {status} » : "
                    "indiquez un statut relogé (définitif ou temporaire), suivi ou clos."
                ).format(date=f"{rehoused_on:%d/%m/%Y}", status=H(status).label),
            )
        for name in REQUIRED_FOR_REHOUSING:
            if row.get(name) is None and row.usable(name):
                row.error(
                    name,
                    "Valeur obligatoire quand la date de relogement est indiquée "
                    f"({self.column(name).label}).",
                )
        kind = RehousingKind.TEMPORARY if status == H.TEMPORARY else RehousingKind.DEFINITIVE
        existing = self.rehousings.get(household.pk, {}).get(kind) if household else None
        fields: dict[str, Any] = {"rehoused_on": rehoused_on}
        for column, model_field in REHOUSING_FIELDS.items():
            value = row.get(column)
            if value is None and existing is None:
                value = {"dest_charges": Decimal(0), "dest_aid": Decimal(0), "same_site": False}.get(column)
            if value is not None:
                fields[model_field] = value
        if row.get("dest_landlord"):
            fields["landlord"] = self._landlord(row.get("dest_landlord"))
        if row.ok:
            self._check_rehousing_model(row, existing, kind, fields)
        return kind, fields

    def _check_rehousing_model(self, row: Row, existing, kind: str, fields: dict[str, Any]) -> None:
        candidate = Rehousing(kind=kind) if existing is None else Rehousing(**_rehousing_values(existing))
        for name, value in fields.items():
            if name != "landlord":
                setattr(candidate, name, value)
        try:
            candidate.full_clean(exclude=["household", "landlord"], validate_constraints=False)
        except ValidationError as error:
            self.record_validation_error(row, error)

    def _plan(self, row, reference, landlord, household, wanted, rehousing_kind, rehousing_fields) -> RowPlan:
        existing = None
        if household is not None and rehousing_kind:
            existing = self.rehousings.get(household.pk, {}).get(rehousing_kind)
        fields = wanted
        if household is not None:
            fields = {name: value for name, value in wanted.items() if _differs(household, name, value)}
        if existing is not None:
            rehousing_fields = {
                name: value for name, value in rehousing_fields.items() if _differs(existing, name, value)
            }
        if household is None:
            action = Action.CREATE
        else:
            action = Action.UPDATE if fields or rehousing_fields else Action.UNCHANGED
        changes = [
            self.labels[self.model_field_columns[name]]
            for name in [*fields, *rehousing_fields]
            if self.model_field_columns.get(name) in self.labels
        ]
        return RowPlan(
            row=row.number,
            key=reference,
            action=action,
            changes=list(dict.fromkeys(changes)),
            data=HouseholdChange(
                landlord_reference=reference,
                household=household,
                origin_landlord=landlord,
                fields=fields,
                rehousing_kind=rehousing_kind if rehousing_fields else None,
                rehousing=existing,
                rehousing_fields=rehousing_fields,
            ),
        )

    # Writing ------------------------------------------------------------------------------------------
    def _organisation(self, ref: LandlordRef) -> Organisation:
        if isinstance(ref, Organisation):
            return ref
        key = normalize_key(ref.name)
        if key not in self.created:
            self.created[key] = organisation_get_or_create(
                name=ref.name, kind=OrganisationKind.BAILLEUR, programme=self.programme
            )
        return self.created[key]

    def apply_all(self, plans: list[RowPlan], result: ImportResult, on_progress: Progress) -> None:
        """Bulk writes, a batch at a time: a first import of 10,000 households would otherwise take
        minutes (about ten queries a row through the one-household services)."""
        changes = [plan.data for plan in plans if plan.action != Action.UNCHANGED]
        for start in range(0, len(changes), WRITE_BATCH):
            self._write(changes[start : start + WRITE_BATCH])
            on_progress(min(start + WRITE_BATCH, len(changes)) / len(changes))

    def _write(self, changes: list[HouseholdChange]) -> None:
        created = {
            id(change): Household(
                programme=self.programme,
                origin_landlord=self._organisation(change.origin_landlord),
                landlord_reference=change.landlord_reference,
                **change.fields,
            )
            for change in changes
            if change.household is None
        }
        households_bulk_create(households=list(created.values()))
        households_bulk_update(
            changes=[
                (change.household, change.fields) for change in changes if change.household and change.fields
            ]
        )
        new_rehousings, changed_rehousings = [], []
        for change in changes:
            if not change.rehousing_kind:
                continue
            fields = dict(change.rehousing_fields)
            if "landlord" in fields:
                fields["landlord"] = self._organisation(fields["landlord"])
            if change.rehousing is None:
                household = change.household or created[id(change)]
                new_rehousings.append(Rehousing(household=household, kind=change.rehousing_kind, **fields))
            else:
                changed_rehousings.append((change.rehousing, fields))
        rehousings_bulk_set(rehousings=new_rehousings, changed=changed_rehousings)


def _significant_words(text: str) -> frozenset[str]:
    return frozenset(word for word in normalize_key(text).split() if word not in STOP_WORDS)


def _rehousing_values(rehousing: Rehousing) -> dict[str, Any]:
    names = ("rehoused_on", "kind", "landlord_id", *REHOUSING_FIELDS.values())
    return {name: getattr(rehousing, name) for name in names}


def _differs(instance, name: str, wanted: Any) -> bool:
    """Compare without loading related objects: foreign keys by id."""
    if isinstance(wanted, NewOrganisation):
        return True
    if isinstance(wanted, Organisation | Operation):
        return getattr(instance, f"{name}_id") != wanted.pk
    current = getattr(instance, name)
    if isinstance(current, datetime.datetime):
        current = current.date()
    return current != wanted

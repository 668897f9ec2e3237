"""Excel/CSV import framework: declarative specs, safe reading, row validation, all-or-nothing commit.

An app declares an `ImportSpec` subclass in its `imports.py` (a `kind`, a French `label`, `columns`), and
implements `validate_row` (read-only: turns a parsed row into a `RowPlan` or records errors) and `apply`
(writes one planned row through the app's services), or `apply_all` for bulk writes. The framework does
the rest:

    file → size and format checks → zip checks (xlsx) → header row found among the first rows
         → every row parsed and validated, every error collected (row as in Excel, column, message)
         → preview (creates / updates / unchanged, warnings, errors)
         → commit: the file is read again and every row written in one transaction, or nothing is.

`core.import_records` keeps the original file, its SHA-256 and the outcome on an `ImportRecord`, and runs
these steps in the Celery worker for the views (directly for the `import_xlsx` command).
"""

import codecs
import csv
import difflib
import functools
import io
import math
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, TypeGuard

import openpyxl
import pghistory
import structlog
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.module_loading import autodiscover_modules
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.xml.functions import iterparse

from core.parsing import is_blank, normalize_key, parse_text

logger = structlog.get_logger(__name__)

# openpyxl parses the workbook's XML with defusedxml when it is installed (entity expansion refused); an
# environment variable can turn that off, which we do not allow.
if not openpyxl.DEFUSEDXML:
    raise ImproperlyConfigured(
        "openpyxl must parse XML with defusedxml (OPENPYXL_DEFUSEDXML must not be False)."
    )

HEADER_SCAN_ROWS = 15
HEADER_SIMILARITY = 0.75  # difflib ratio from which an unknown header is suggested a column
ZIP_MAX_ENTRIES = 1_000
ZIP_BOMB_RATIO = 100  # real workbooks compress 2–20 times; deflate bombs about 1,000 times
ZIP_BOMB_MIN_BYTES = 1024 * 1024
XML_PROLOG_BYTES = 64 * 1024
PREVIEW_CHANGES_KEPT = 1_000
UNKNOWN_VALUES_KEPT = 200  # distinct unknown values of a field shown (and offered a mapping) in the preview
PROGRESS_EVERY_ROWS = 250
# Shares of the whole work done once the file is read, and once every row is validated (on commit).
READ_SHARE = 0.15
VALIDATED_SHARE = 0.55
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm")
_TEXT_EXTENSIONS = (".csv", ".txt", "")
_UNSUPPORTED_EXTENSIONS = (".xls", ".ods", ".numbers")
_CSV_DELIMITERS = (";", ",", "\t")
_UNITS = re.compile(
    r"\(\s*(?:en\s+)?(?:€|euros?|eur)(?:\s*(?:ht|ttc))?\s*\)|\ben\s+(?:€|euros?\b)|€|\beuros?\b",
    re.IGNORECASE,
)
_TOTAL_ROW = re.compile(r"^(sous )?(total|totaux)\b")


# Called with the share of the work done, between 0 and 1.
Progress = Callable[[float], None]


def no_progress(share: float) -> None:
    return None


class ImportFileError(Exception):
    """The file is refused before any row is read (size, format, archive, header).

    `details` holds what the preview shows to fix it, e.g. the header's unknown columns."""

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


# Declarations -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import: the field it feeds, its French header, other spellings, its parser."""

    field: str
    label: str
    _: KW_ONLY
    synonyms: tuple[str, ...] | str = ()
    parser: Any = parse_text
    required: bool = False
    # What a value of the file may be mapped to (core.import_mappings): an object with
    # targets(programme) and target(programme, code); a Vocabulary parser is one already.
    values: Any = None
    hidden: bool = False  # never offered as the field of an unknown column (e.g. personal data dropped)

    def __post_init__(self):
        # Other spellings may be written as one text: "Réf. ménage | Référence ménage | N° dossier".
        if isinstance(self.synonyms, str):
            object.__setattr__(self, "synonyms", tuple(word.strip() for word in self.synonyms.split("|")))

    @property
    def headers(self) -> list[str]:
        return [self.label, *self.synonyms]

    @property
    def lookup(self) -> Any:
        if self.values is not None:
            return self.values
        return self.parser if hasattr(self.parser, "targets") else None


class Headers(dict):
    """An import's column headers as data: field → "Label | other spelling | …" (the first one is the
    label shown). `column(field, …)` declares the column with them."""

    def column(self, name: str, **options: Any) -> Column:
        label, *synonyms = (header.strip() for header in self[name].split("|"))
        return Column(name, label, synonyms=tuple(synonyms), **options)


@dataclass
class MappingSet:
    """The remembered mappings applied to one run (core.import_mappings): header key → field, and
    field → value key → target (an identifier or a vocabulary code, put in the cell before parsing)."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def value(self, name: str, cell: Any) -> Any:
        mapped = self.values.get(name)
        if not mapped:
            return cell
        return mapped.get(normalize_key(parse_text(cell)), cell)

    def merged(self, other: "MappingSet") -> "MappingSet":
        values = {name: dict(table) for name, table in self.values.items()}
        for name, table in other.values.items():
            values.setdefault(name, {}).update(table)
        return MappingSet(columns={**self.columns, **other.columns}, values=values)

    def __bool__(self) -> bool:
        return bool(self.columns or self.values)


def header_key(text: Any) -> str:
    """Comparable header: accents, case, punctuation and currency units ("(€)", "en euros") dropped."""
    return normalize_key(_UNITS.sub(" ", str(text)))


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowError:
    """One problem, located as the user sees it in Excel: row number and column header."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return "Ligne {row}, colonne « {column} » : {message}".format(**self.as_dict())
        return "Ligne {row} : {message}".format(**self.as_dict())

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class RowPlan:
    """What committing one valid row will do; `data` is the spec's own payload for `apply`."""

    row: int
    key: str
    action: Action
    changes: list[str] = field(default_factory=list)
    data: Any = None
    # What the preview shows of the change: (what, before, after), e.g. ("Engagé", "0 €", "1 200 €").
    details: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Row:
    """A data row once parsed: `values` holds the columns present in the file (None for empty cells).

    A column whose cell failed to parse is absent from `values` and has its message in `errors` (see
    `failed()`), so that `validate_row` can still check the other columns without repeating the error.
    """

    number: int | None  # None for an error no row can be blamed for (a bulk write)
    columns: dict[str, Column]
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    unknown_values: dict[str, str] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def failed(self, name: str) -> bool:
        return name in self.errors

    def usable(self, *names: str) -> bool:
        return not any(name in self.errors for name in names)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, name: str, message: str) -> None:
        """Record an error on a column (or on the row for name ""); the first error per column is kept."""
        if name in self.errors and name:
            return
        self.errors.setdefault(name, []).append(str(message))
        self.values.pop(name, None)

    def unknown(self, name: str, value: Any, message: str) -> None:
        """An error for a value of a mappable column that matches nothing: grouped in the preview, where
        the user maps it (core.import_mappings)."""
        self.error(name, message)
        self.unknown_values.setdefault(name, parse_text(value))

    def row_errors(self) -> list[RowError]:
        order = list(self.columns)
        located = sorted(
            self.errors.items(), key=lambda item: order.index(item[0]) if item[0] in order else -1
        )
        return [
            RowError(self.number, str(self.columns[name].label) if name in self.columns else "", message)
            for name, messages in located
            for message in messages
        ]


_REGISTRY: dict[str, type["ImportSpec"]] = {}


class ImportSpec:
    """Base class of an import. Subclasses declare the class attributes and implement two methods."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    description: ClassVar[str] = ""
    sheet_name: ClassVar[str | None] = None
    columns: ClassVar[Sequence[Column]] = ()
    key_field: ClassVar[str] = ""
    # The key column's values must be unique in the file (a spec whose rows share a key checks itself).
    unique_key: ClassVar[bool] = True
    key_label: ClassVar[str] = "Identifiant"  # heads the key's column in the preview
    # Model field → column field, to locate the errors raised by full_clean() or a service.
    model_field_columns: ClassVar[dict[str, str]] = {}
    success_url_name: ClassVar[str] = "imports:list"
    # Imports of personal data (e.g. "relogement") need the membership's grant for that domain.
    personal_data_domain: ClassVar[str | None] = None
    do_not_call_in_templates: ClassVar[bool] = True
    _header_lookup: ClassVar[dict[str, Column]] = {}

    def __init_subclass__(cls, register: bool = True, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.kind:
            return
        lookup: dict[str, Column] = {}
        for column in cls.columns:
            for header in column.headers:
                key = header_key(header)
                if lookup.get(key, column) is not column:
                    raise ImproperlyConfigured(f"{cls.__name__}: header {header!r} names two columns.")
                lookup[key] = column
        if cls.key_field not in {column.field for column in cls.columns}:
            raise ImproperlyConfigured(f"{cls.__name__}: key_field {cls.key_field!r} is not a column.")
        cls._header_lookup = lookup
        if not register:
            return
        known = _REGISTRY.get(cls.kind)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise ImproperlyConfigured(f"Two imports share the kind {cls.kind!r}: {known} and {cls}.")
        _REGISTRY[cls.kind] = cls

    def __init__(self, *, programme, user=None):
        self.programme = programme
        self.user = user
        self.warnings: list[str] = []
        self.mappings = MappingSet()

    # To implement --------------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Load what validation needs (lookups, existing objects) once, before the first row."""

    def validate_row(self, row: Row) -> RowPlan | None:
        """Check one parsed row without writing; record problems with row.error(); return the plan.

        Returning None without recording an error skips the row.
        """
        raise NotImplementedError

    def complete(self, result: "ImportResult") -> None:
        """After every row is validated: checks across rows (totals per key…). May replace result.plans
        and add errors located with RowError. Writes nothing."""

    def apply(self, plan: RowPlan) -> None:
        """Write one planned row through services (inside the import's transaction)."""
        raise NotImplementedError

    def apply_all(self, plans: list[RowPlan], result: "ImportResult", on_progress: "Progress") -> None:
        """Write every planned change. By default one row at a time through `apply`, the first failure
        reported on its row; imports of thousands of rows override it with bulk services."""
        changed = [plan for plan in plans if plan.action != Action.UNCHANGED]
        for index, plan in enumerate(changed, start=1):
            try:
                with transaction.atomic():
                    self.apply(plan)
            except ValidationError as error:
                result.errors.extend(self.row_errors_from(plan.row, error))
                return
            except IntegrityError:
                logger.warning("import_integrity_error", kind=self.kind, row=plan.row, exc_info=True)
                result.errors.append(concurrent_change_error(plan.row))
                return
            if index % PROGRESS_EVERY_ROWS == 0:
                on_progress(index / len(changed))

    # Helpers -------------------------------------------------------------------------------------------
    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    @classmethod
    def column(cls, name: str) -> Column:
        return next(column for column in cls.columns if column.field == name)

    def row_errors_from(self, row_number: int | None, error: ValidationError) -> list[RowError]:
        """Locate a ValidationError raised by a model or a service on the columns of this import."""
        row = Row(number=row_number, columns={column.field: column for column in self.columns})
        self.record_validation_error(row, error)
        return row.row_errors()

    def record_validation_error(self, row: Row, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                row.error("", message)
            return
        for model_field, messages in error.message_dict.items():
            name = self.model_field_columns.get(model_field, model_field)
            name = "" if name == NON_FIELD_ERRORS or name not in row.columns else name
            for message in messages:
                row.error(name, message)


@functools.cache
def _discover() -> None:
    autodiscover_modules("imports")


def import_specs() -> dict[str, type[ImportSpec]]:
    """Every declared import, by kind (the apps' imports.py modules are loaded on first use)."""
    _discover()
    return dict(sorted(_REGISTRY.items()))


def get_spec(kind: str) -> type[ImportSpec]:
    specs = import_specs()
    if kind not in specs:
        raise KeyError(kind)
    return specs[kind]


def importable_kinds(user, membership, programme) -> list[str]:
    """The import kinds this member may run in `programme`.

    Those allowed `projects.import_data` (mission team, administrators) may run every kind; a kind of
    personal data still asks them for the domain's grant when they upload. A domain's referent who holds
    that domain's grant (and so a second factor) may run the imports of that domain only: the relogement
    referent imports the landlords' rehousing workbooks, the insertion referent the facilitator's export.
    """
    specs = import_specs()
    if user.has_perm("projects.import_data", programme):
        return list(specs)
    if membership is None or not membership.is_active:
        return []
    return [
        kind
        for kind, spec in specs.items()
        if spec.personal_data_domain
        and membership.grants(spec.personal_data_domain)
        and membership.writes_domain(spec.personal_data_domain)
    ]


# Reading ----------------------------------------------------------------------------------------------


@dataclass
class HeaderMatch:
    row: int
    positions: dict[int, Column]
    ignored: list[str]
    duplicates: list[str]

    @property
    def score(self) -> int:
        return len(self.positions)

    def missing(self, spec_class: type[ImportSpec]) -> list[Column]:
        found = {column.field for column in self.positions.values()}
        return [column for column in spec_class.columns if column.required and column.field not in found]


@dataclass
class Table:
    """The cells of the recognised columns, row by row, with the row numbers the user sees."""

    sheet: str | None
    header_row: int
    positions: dict[int, Column]
    rows: list[tuple[int, tuple]]
    ignored: list[str]


def header_lookup(spec_class: type[ImportSpec], mappings: MappingSet | None = None) -> dict[str, Column]:
    """Header key → column: the spellings the spec accepts, and the programme's column mappings."""
    lookup = dict(spec_class._header_lookup)
    by_field = {column.field: column for column in spec_class.columns}
    for key, name in (mappings.columns if mappings else {}).items():
        if name in by_field:
            lookup[key] = by_field[name]
    return lookup


def _match_header(number: int, cells: Sequence[Any], lookup: dict[str, Column]) -> HeaderMatch:
    match = HeaderMatch(row=number, positions={}, ignored=[], duplicates=[])
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells):
        if is_blank(cell):
            continue
        column = lookup.get(header_key(cell))
        if column is None:
            match.ignored.append(parse_text(cell)[:80])
        elif column.field in seen:
            match.duplicates.append(
                f"La colonne « {column.label} » apparaît deux fois "
                f"(colonnes {get_column_letter(seen[column.field] + 1)} "
                f"et {get_column_letter(position + 1)})."
            )
        else:
            seen[column.field] = position
            match.positions[position] = column
    return match


def _find_header(head: Iterable[tuple[int, Sequence[Any]]], lookup: dict[str, Column]) -> HeaderMatch | None:
    """The best header row among the first rows: most recognised columns, the earliest on a tie."""
    best = None
    for number, cells in head:
        match = _match_header(number, cells, lookup)
        if match.score and (best is None or match.score > best.score):
            best = match
    return best


def _header_error(match: HeaderMatch | None, spec_class: type[ImportSpec], where: str) -> ImportFileError:
    if match is None:
        expected = ", ".join(f"« {column.label} »" for column in spec_class.columns if column.required)
        return ImportFileError(
            f"Aucune ligne d'en-tête reconnue dans les {HEADER_SCAN_ROWS} premières lignes{where}. "
            f"Colonnes obligatoires attendues : {expected}."
        )
    if match.duplicates:
        return ImportFileError(" ".join(match.duplicates))
    missing = match.missing(spec_class)
    found = {column.field for column in match.positions.values()}
    unknown = unknown_columns(spec_class, match.ignored, found)
    message = "Colonnes obligatoires absentes de l'en-tête (ligne {row}{where}) : {missing}.".format(
        row=match.row, where=where, missing=", ".join(f"« {column.label} »" for column in missing)
    )
    if unknown:
        message += " Colonnes non reconnues : {}.".format(
            ", ".join(f"« {item['header']} »" for item in unknown)
        )
    details = {
        "header_row": match.row,
        "columns": [str(column.label) for column in match.positions.values()],
        "missing_columns": [{"field": column.field, "label": str(column.label)} for column in missing],
        "unknown_columns": unknown,
    }
    return ImportFileError(message, details=details)


def suggest_column(spec_class: type[ImportSpec], header: str, taken: set[str]) -> Column | None:
    """The column whose accepted headers are closest to `header`, among the columns not found yet."""
    wanted = header_key(header)
    words = wanted.split()
    best, best_score = None, HEADER_SIMILARITY
    for column in spec_class.columns:
        if column.field in taken or column.hidden:
            continue
        for spelling in column.headers:
            key = header_key(spelling)
            score = difflib.SequenceMatcher(None, wanted, key).ratio()
            # "Typo. actuelle" ~ "Typologie actuelle": the same words, some abbreviated.
            other = key.split()
            if len(words) == len(other) and all(
                a.startswith(b) or b.startswith(a) for a, b in zip(words, other, strict=True)
            ):
                score = max(score, 0.95)
            elif other and set(other) <= set(words):  # "Programme / opération" holds "Opération"
                score = max(score, 0.8 + 0.1 * len(other) / len(words))
            if score > best_score:
                best, best_score = column, score
    return best


def unknown_columns(spec_class: type[ImportSpec], headers: Iterable[str], found: set[str]) -> list[dict]:
    """The headers nothing recognised, each with the field suggested for it (or none)."""
    unknown = []
    for header in headers:
        column = suggest_column(spec_class, header, found)
        unknown.append(
            {
                "header": header,
                "field": column.field if column else "",
                "label": str(column.label) if column else "",
            }
        )
    return unknown


def _no_data_row(match: HeaderMatch, where: str) -> ImportFileError:
    return ImportFileError(
        f"Le fichier ne contient aucune ligne de données sous l'en-tête (ligne {match.row}{where}) : "
        "rien à importer. Vérifiez que vous avez déposé le bon fichier, ou la bonne feuille du classeur."
    )


def _usable(match: HeaderMatch | None, spec_class: type[ImportSpec]) -> TypeGuard[HeaderMatch]:
    return match is not None and not match.duplicates and not match.missing(spec_class)


def _data_rows(rows: Iterable[Sequence[Any]], *, start: int, positions: dict[int, Column]) -> list:
    """Keep the recognised columns of the non-empty rows; stop beyond IMPORT_MAX_ROWS."""
    kept: list[tuple[int, tuple]] = []
    for number, cells in enumerate(rows, start=start):
        values = tuple(cells[position] if position < len(cells) else None for position in positions)
        if all(is_blank(value) for value in values):
            continue
        if len(kept) >= settings.IMPORT_MAX_ROWS:
            raise ImportFileError(f"Le fichier dépasse {settings.IMPORT_MAX_ROWS} lignes : découpez-le.")
        kept.append((number, values))
    return kept


def check_size(size: int) -> None:
    if size > settings.IMPORT_MAX_FILE_BYTES:
        raise ImportFileError(
            f"Le fichier pèse {filesizeformat(size)}, "
            f"au-delà de la limite de {filesizeformat(settings.IMPORT_MAX_FILE_BYTES)}."
        )


def _file_format(data: bytes, filename: str) -> str:
    extension = Path(filename).suffix.lower()
    if not data:
        raise ImportFileError("Le fichier est vide.")
    if data.startswith(_OLE_MAGIC) or extension == ".xls":
        raise ImportFileError(
            "Les classeurs .xls (Excel 97-2003) et les classeurs protégés par mot de passe ne sont pas "
            "pris en charge : enregistrez le fichier au format .xlsx, sans mot de passe."
        )
    if extension in _UNSUPPORTED_EXTENSIONS:
        raise ImportFileError(
            f"Format {extension} non pris en charge : enregistrez le fichier au format .xlsx ou .csv."
        )
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if extension in _SPREADSHEET_EXTENSIONS:
        raise ImportFileError(
            f"« {filename} » n'est pas un classeur Excel : son contenu n'est pas au format .xlsx. "
            "Ouvrez-le dans votre tableur et enregistrez-le au format .xlsx."
        )
    if extension in _TEXT_EXTENSIONS:
        return "csv"
    raise ImportFileError(f"Format {extension} non pris en charge : déposez un fichier .xlsx ou .csv.")


def _refused_archive() -> ImportFileError:
    return ImportFileError(
        "Le classeur est refusé : son contenu décompressé est anormalement volumineux "
        f"(plus de {filesizeformat(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)}, "
        "ou taux de compression suspect). "
        "Enregistrez de nouveau le classeur "
        "depuis votre tableur ou découpez-le."
    )


def _refused_xml() -> ImportFileError:
    return ImportFileError(
        "Le classeur est refusé : il contient des déclarations XML interdites (entités ou DTD), "
        "qui peuvent servir à saturer le serveur. Enregistrez de nouveau le classeur depuis Excel."
    )


def _unreadable_workbook() -> ImportFileError:
    return ImportFileError(
        "Le classeur .xlsx est illisible ou endommagé : ouvrez-le dans votre tableur et enregistrez-le."
    )


def check_archive(data: bytes) -> None:
    """Zip checks made before openpyxl opens anything: sizes declared, ratios, XML prologs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _unreadable_workbook() from None
    with archive:
        entries = archive.infolist()
        total = sum(entry.file_size for entry in entries)
        if len(entries) > ZIP_MAX_ENTRIES or total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
            raise _refused_archive()
        for entry in entries:
            if entry.file_size > ZIP_BOMB_MIN_BYTES and entry.file_size > ZIP_BOMB_RATIO * max(
                entry.compress_size, 1
            ):
                raise _refused_archive()
        for entry in entries:
            if entry.filename.lower().endswith((".xml", ".rels", ".vml")):
                _check_xml_prolog(archive, entry)


def _check_xml_prolog(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Refuse a DTD or entity declaration up front (defusedxml would refuse it too, while parsing)."""
    try:
        with archive.open(entry) as member:
            head = member.read(XML_PROLOG_BYTES).upper()
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, ValueError, EOFError):
        raise _unreadable_workbook() from None
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _refused_xml()


def _candidate_sheets(workbook, sheet_name: str | None) -> list:
    if sheet_name:
        wanted = normalize_key(sheet_name)
        named = [sheet for sheet in workbook.worksheets if normalize_key(sheet.title) == wanted]
        if named:
            return named
    return list(workbook.worksheets)


def _xlsx_table(workbook, spec_class: type[ImportSpec], lookup: dict[str, Column]) -> Table:
    best: tuple[HeaderMatch | None, Any] = (None, None)
    for sheet in _candidate_sheets(workbook, spec_class.sheet_name):
        # No look at sheet.max_row: without a <dimension> openpyxl reads the whole sheet to answer, and
        # _data_rows stops at IMPORT_MAX_ROWS anyway.
        sheet.reset_dimensions()  # a wrong <dimension> must not hide rows
        head = enumerate(sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True), start=1)
        match = _find_header(head, lookup)
        if _usable(match, spec_class):
            best = (match, sheet)
            break
        if match is not None and (best[0] is None or match.score > best[0].score):
            best = (match, sheet)
    match, sheet = best
    if not _usable(match, spec_class):
        where = f", feuille « {sheet.title} »" if sheet is not None else ""
        raise _header_error(match, spec_class, where)
    rows = _data_rows(
        sheet.iter_rows(min_row=match.row + 1, values_only=True),
        start=match.row + 1,
        positions=match.positions,
    )
    if all(_is_total_row(values) for _number, values in rows):
        raise _no_data_row(match, f", feuille « {sheet.title} »")
    _check_cached_values(sheet, match, rows)
    return Table(
        sheet=sheet.title, header_row=match.row, positions=match.positions, rows=rows, ignored=match.ignored
    )


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CELLS_NAMED = 5


def _formulas_without_value(sheet) -> Iterator[tuple[int, int, str]]:
    """(row, column, reference) of the cells holding a formula but no value calculated by the spreadsheet
    program (a workbook written by a program that does not calculate): openpyxl reads them as empty."""
    path = getattr(sheet, "_worksheet_path", None)
    archive = getattr(sheet.parent, "_archive", None)
    if path is None or archive is None:
        return
    with archive.open(path) as source:
        if not any(b"<f" in chunk for chunk in iter(lambda: source.read(1 << 20), b"")):
            return
    with archive.open(path) as source:
        for _event, element in iterparse(source):
            if element.tag != f"{_SHEET_NS}c":
                continue
            formula, value = element.find(f"{_SHEET_NS}f"), element.findtext(f"{_SHEET_NS}v")
            # An empty text result is written <v></v> with t="str"; a number always has its digits.
            if formula is not None and not value and element.get("t") != "str":
                reference = element.get("r", "")
                row, column = coordinate_to_tuple(reference) if reference else (0, 0)
                yield row, column, reference
            element.clear()


def _check_cached_values(sheet, match: HeaderMatch, rows: list[tuple[int, tuple]]) -> None:
    """Refuse a formula without a calculated value in a data cell read: it would count as empty (0)."""
    numbers = {number for number, values in rows if not _is_total_row(values)}  # totals are skipped
    columns = {position + 1 for position in match.positions}
    cells = [
        reference
        for row, column, reference in _formulas_without_value(sheet)
        if row in numbers and column in columns
    ]
    if not cells:
        return
    named = ", ".join(cells[:CELLS_NAMED]) + (
        f" et {len(cells) - CELLS_NAMED} autre(s)" if len(cells) > CELLS_NAMED else ""
    )
    raise ImportFileError(
        f"Feuille « {sheet.title} », cellule(s) {named} : formule sans valeur calculée (le classeur a été "
        "enregistré par un logiciel qui ne calcule pas les formules), elle serait lue comme vide. Ouvrez "
        "le fichier dans votre tableur (Excel, LibreOffice Calc), enregistrez-le, puis déposez-le de "
        "nouveau."
    )


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """openpyxl wraps parser errors in ValueError: look along the chain of causes."""
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def read_xlsx(data: bytes, spec_class: type[ImportSpec], mappings: MappingSet | None = None) -> Table:
    check_archive(data)
    workbook = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it drops
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            return _xlsx_table(workbook, spec_class, header_lookup(spec_class, mappings))
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds of errors on a damaged workbook
        if _caused_by(error, DefusedXmlException):
            raise _refused_xml() from None
        logger.info("import_unreadable_workbook", error=repr(error))
        raise _unreadable_workbook() from None
    finally:
        if workbook is not None:
            workbook.close()


_UNDECODABLE = (
    "Encodage du fichier non reconnu : enregistrez-le au format « CSV UTF-8 » ou « CSV (point-virgule) »."
)
_MIXED_ENCODING = (
    "Ligne {line} du fichier : un caractère n'est pas en UTF-8 (« {shown} ») alors que le reste du fichier "
    "l'est : il serait enregistré déformé. Ouvrez le fichier dans votre tableur, corrigez ce caractère et "
    "enregistrez-le au format « CSV UTF-8 »."
)


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-16 with a BOM; valid UTF-8 (with or without BOM); otherwise
    Windows-1252 when the whole file is (it has no UTF-8 accented letter at all). A UTF-8 file with a
    stray Windows-1252 byte (mixed encodings) is refused, naming the line: decoded either way, part of
    its text would be stored deformed (« RÃ©habilitation »)."""
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError:
                raise ImportFileError(_UNDECODABLE) from None
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Invalid bytes become lone surrogates; any other non-ASCII character is a valid UTF-8 sequence.
    text = body.decode("utf-8", errors="surrogateescape")
    stray = next(index for index, char in enumerate(text) if "\udc80" <= char <= "\udcff")
    utf8_letters = any(ord(char) > 0x7F and not "\udc80" <= char <= "\udcff" for char in text)
    if not utf8_letters and not data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(_UNDECODABLE) from None
    raise _mixed_encoding_error(text, stray)


def _mixed_encoding_error(text: str, stray: int) -> ImportFileError:
    """The refusal naming the line of the stray byte at `stray`, shown around it (the byte as �)."""
    line_start = text.rfind("\n", 0, stray) + 1
    line_end = text.find("\n", stray)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    shown = re.sub("[\udc80-\udcff]", "\ufffd", line)
    if len(shown.strip()) > 60:
        position = stray - line_start
        shown = "…" + shown[max(position - 30, 0) : position + 30].strip() + "…"
    return ImportFileError(_MIXED_ENCODING.format(line=text.count("\n", 0, stray) + 1, shown=shown.strip()))


def _csv_rows(text: str, delimiter: str, limit: int | None = None) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for count, record in enumerate(reader, start=1):
        yield record
        if limit is not None and count >= limit:
            return


def read_csv(data: bytes, spec_class: type[ImportSpec], mappings: MappingSet | None = None) -> Table:
    text = decode_text(data)
    lookup = header_lookup(spec_class, mappings)
    try:
        best: tuple[HeaderMatch | None, str] = (None, ";")
        for delimiter in _CSV_DELIMITERS:
            head = enumerate(_csv_rows(text, delimiter, HEADER_SCAN_ROWS), start=1)
            match = _find_header(head, lookup)
            if match is not None and (best[0] is None or match.score > best[0].score):
                best = (match, delimiter)
        match, delimiter = best
        if not _usable(match, spec_class):
            raise _header_error(match, spec_class, "")
        records = _csv_rows(text, delimiter)
        for _skipped in range(match.row):
            next(records)
        rows = _data_rows(records, start=match.row + 1, positions=match.positions)
        if all(_is_total_row(values) for _number, values in rows):
            raise _no_data_row(match, "")
    except csv.Error as error:
        logger.info("import_malformed_csv", error=str(error))
        raise ImportFileError(
            "Fichier CSV mal formé : vérifiez les guillemets, le séparateur et la longueur des cellules."
        ) from None
    return Table(
        sheet=None, header_row=match.row, positions=match.positions, rows=rows, ignored=match.ignored
    )


def check_file(data: bytes, *, filename: str) -> None:
    """What is checked before an upload is kept: size, format, archive (zip bomb, XML declarations) or
    text encoding. No row is read; the worker does that."""
    check_size(len(data))
    if _file_format(data, filename) == "xlsx":
        check_archive(data)
    else:
        decode_text(data)


def read_table(
    data: bytes, *, filename: str, spec_class: type[ImportSpec], mappings: MappingSet | None = None
) -> Table:
    """Checks then reads a file; raises ImportFileError with a French message when it is refused."""
    check_size(len(data))
    if _file_format(data, filename) == "xlsx":
        return read_xlsx(data, spec_class, mappings)
    return read_csv(data, spec_class, mappings)


# Validating and committing ----------------------------------------------------------------------------


@dataclass
class ImportResult:
    kind: str
    label: str
    filename: str
    sheet: str | None = None
    header_row: int | None = None
    columns: list[str] = field(default_factory=list)
    plans: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = False
    # Headers nothing recognised ({"header", "field", "label"}: the suggested field, if any), and the
    # unknown values of mappable columns: field → value → rows (see Row.unknown).
    unknown_columns: list[dict] = field(default_factory=list)
    unknown_values: dict[str, Counter] = field(default_factory=dict)
    value_suggestions: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def unknown_values_summary(self, spec_class: type[ImportSpec]) -> list[dict]:
        return [
            {
                "field": name,
                "label": str(spec_class.column(name).label),
                "values": [
                    {
                        "value": value,
                        "count": count,
                        "suggestion": self.value_suggestions.get(name, {}).get(value, ""),
                    }
                    for value, count in counter.most_common(UNKNOWN_VALUES_KEPT)
                ],
                "values_total": len(counter),
            }
            for name, counter in self.unknown_values.items()
        ]

    @property
    def counts(self) -> dict[str, int]:
        counts = {action.value: 0 for action in Action}
        for plan in self.plans:
            counts[plan.action.value] += 1
        return counts

    def summary(self) -> dict:
        changes = [plan for plan in self.plans if plan.action != Action.UNCHANGED]
        return {
            "label": self.label,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "columns": self.columns,
            "rows": len(self.plans),
            "counts": self.counts,
            "warnings": self.warnings[:PREVIEW_CHANGES_KEPT],
            "warnings_total": len(self.warnings),
            "key_label": getattr(import_specs().get(self.kind), "key_label", ImportSpec.key_label),
            "changes": [
                {"row": plan.row, "key": plan.key, "action": plan.action.value, "columns": plan.changes}
                | ({"details": [list(detail) for detail in plan.details]} if plan.details else {})
                for plan in changes[:PREVIEW_CHANGES_KEPT]
            ],
            "changes_total": len(changes),
            "committed": self.committed,
            "unknown_columns": self.unknown_columns,
            "unknown_values": self.unknown_values_summary(get_spec(self.kind)) if self.unknown_values else [],
        }

    def describe(self) -> str:
        return describe_counts(self.counts, committed=self.committed)


def describe_counts(counts: dict[str, int], *, committed: bool) -> str:
    if committed:
        text = "%(create)s créée(s), %(update)s modifiée(s), %(unchanged)s inchangée(s)."
    else:
        text = "%(create)s à créer, %(update)s à modifier, %(unchanged)s inchangée(s)."
    return text % counts


def concurrent_change_error(row: int | None) -> RowError:
    message = "Conflit avec une autre modification enregistrée en même temps : relancez l'import."
    return RowError(row, "", message)


class _Rollback(Exception):
    pass


def _is_total_row(values: tuple) -> bool:
    first = next((value for value in values if not is_blank(value)), None)
    return isinstance(first, str) and bool(_TOTAL_ROW.match(normalize_key(first)))


def _matchers(spec: ImportSpec) -> dict[str, Any]:
    """The columns naming an object of the programme (their lookup has a `matcher`), each with the
    matcher that turns the cell into the object, loaded once for the run."""
    return {
        column.field: column.lookup.matcher(spec.programme)
        for column in spec.columns
        if hasattr(column.lookup, "matcher")
    }


def _parse_cells(row: Row, table: Table, values: tuple, mappings: MappingSet, matchers: dict) -> None:
    for column, cell in zip(table.positions.values(), values, strict=True):
        if is_blank(cell):
            if column.required:
                row.error(column.field, "Valeur obligatoire manquante.")
            else:
                row.values[column.field] = None
            continue
        try:
            row.values[column.field] = column.parser(mappings.value(column.field, cell))
        except ValidationError as error:
            if column.lookup is not None and error.code == "invalid_choice":
                row.unknown(column.field, cell, " ".join(error.messages))
            else:
                row.error(column.field, " ".join(error.messages))
            continue
        if column.field in matchers and row.values[column.field]:
            try:
                row.values[column.field] = matchers[column.field].find(row.values[column.field])
            except ValidationError as error:
                row.unknown(column.field, cell, " ".join(error.messages))


def validate(
    spec: ImportSpec,
    table: Table,
    result: ImportResult,
    on_progress: Progress = no_progress,
    mappings: MappingSet | None = None,
) -> None:
    """Parse and validate every row; fills result.plans and result.errors. Writes nothing."""
    mappings = mappings or MappingSet()
    spec.mappings = mappings
    spec.prepare()
    matchers = _matchers(spec)
    keys: dict[str, int] = {}
    for index, (number, values) in enumerate(table.rows, start=1):
        if index % PROGRESS_EVERY_ROWS == 0:
            on_progress(index / len(table.rows))
        if _is_total_row(values):
            result.warnings.append(f"Ligne {number} : ligne de total ignorée.")
            continue
        row = Row(number=number, columns={column.field: column for column in spec.columns})
        _parse_cells(row, table, values, mappings, matchers)
        key = row.values.get(spec.key_field) if spec.unique_key else None
        if key is not None and str(key) in keys:
            row.error(
                spec.key_field,
                f"« {key} » figure déjà ligne {keys[str(key)]}.",
            )
        elif key is not None:
            keys[str(key)] = number
        plan = None
        try:
            plan = spec.validate_row(row)
        except ValidationError as error:
            spec.record_validation_error(row, error)
        if row.ok and plan is not None:
            result.plans.append(plan)
        else:
            result.errors.extend(row.row_errors())
        for name, value in row.unknown_values.items():
            result.unknown_values.setdefault(name, Counter())[value] += 1
    spec.complete(result)
    result.warnings.extend(spec.warnings)
    for name, counter in result.unknown_values.items():
        column = spec.column(name)
        result.value_suggestions[name] = {
            value: suggestion
            for value, _count in counter.most_common(UNKNOWN_VALUES_KEPT)
            if (suggestion := suggest_value(column, spec.programme, value))
        }


def _stage(on_progress: Progress, start: float, end: float) -> Progress:
    """The progress of one stage of the work, reported as its part of the whole."""
    return lambda share: on_progress(start + (end - start) * min(max(share, 0.0), 1.0))


def _apply_all(spec: ImportSpec, result: ImportResult, on_progress: Progress) -> None:
    try:
        with transaction.atomic():
            spec.apply_all(result.plans, result, on_progress)
    except ValidationError as error:  # from a bulk write, which has no row to name
        result.errors.extend(spec.row_errors_from(None, error))
    except IntegrityError:
        logger.warning("import_integrity_error", kind=spec.kind, exc_info=True)
        result.errors.append(concurrent_change_error(None))


def import_run(
    *,
    spec_class: type[ImportSpec],
    data: bytes,
    filename: str,
    programme,
    user=None,
    commit: bool = False,
    on_progress: Progress = no_progress,
    mappings: MappingSet | None = None,
) -> ImportResult:
    """Read, validate and, when `commit` and nothing is wrong, write every row in one transaction.

    Raises ImportFileError when the file itself is refused; row problems are in result.errors, and then
    nothing is written. `on_progress` hears how far it got (reading, validating, writing). `mappings`
    are the column and value mappings applied; by default, those saved for the programme and kind.
    """
    if mappings is None:
        from core.import_mappings import mappings_for

        mappings = mappings_for(programme=programme, kind=spec_class.kind)
    table = read_table(data, filename=filename, spec_class=spec_class, mappings=mappings)
    on_progress(READ_SHARE)
    result = ImportResult(
        kind=spec_class.kind,
        label=str(spec_class.label),
        filename=filename,
        sheet=table.sheet,
        header_row=table.header_row,
        columns=[str(column.label) for column in table.positions.values()],
        warnings=[f"Colonne « {header} » non reconnue : ignorée." for header in table.ignored],
        unknown_columns=unknown_columns(
            spec_class, table.ignored, {column.field for column in table.positions.values()}
        ),
    )
    spec = spec_class(programme=programme, user=user)
    if not commit:
        validate(spec, table, result, _stage(on_progress, READ_SHARE, 1.0), mappings)
        return result
    try:
        with transaction.atomic():
            # One import at a time per programme, so that what was validated is what gets written.
            type(programme)._default_manager.select_for_update().filter(pk=programme.pk).exists()
            validate(spec, table, result, _stage(on_progress, READ_SHARE, VALIDATED_SHARE), mappings)
            if result.ok:
                # The history of every changed row says it came from this file, and from whom.
                context = {"source": f"Import « {display_name(filename)} »"}
                if user is not None:
                    context["user"] = user.pk
                with pghistory.context(**context):
                    _apply_all(spec, result, _stage(on_progress, VALIDATED_SHARE, 1.0))
            if not result.ok:
                raise _Rollback
    except _Rollback:
        return result
    result.committed = True
    return result


def display_name(filename: str) -> str:
    name = Path(str(filename).replace("\\", "/")).name or "fichier"
    stem, suffix = Path(name).stem, Path(name).suffix[:10]
    return f"{stem[:120]}{suffix}"


def suggest_value(column: Column, programme, value: str) -> str | None:
    """The target whose code and label share the rarest words with `value`, when one is clearly best
    (« Démolition Tour Bizet » → the operation « Démolition partielle de la résidence Bizet »)."""
    if column.lookup is None or programme is None:
        return None
    targets = column.lookup.targets(programme)
    labels = {code: set(normalize_key(f"{code} {label}").split()) for code, label in targets}
    frequency = Counter(word for words in labels.values() for word in words)
    words = set(normalize_key(value).split())
    scored = sorted(
        (
            (sum(math.log(1 + len(labels) / frequency[w]) for w in words & label_words), code)
            for code, label_words in labels.items()
        ),
        reverse=True,
    )
    if not scored or scored[0][0] <= 0 or (len(scored) > 1 and scored[1][0] >= scored[0][0]):
        return None
    best = scored[0][1]
    # At least one shared word that few targets have: "Démolition" alone designates nothing.
    if not any(frequency[word] <= 2 for word in words & labels[best]):
        return None
    return best

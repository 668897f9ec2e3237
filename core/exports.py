"""xlsx exports declared as data: column title → Column(value getter, cell format).

Numbers stay numbers (Excel can sum them); text that a spreadsheet would read as a formula is escaped.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EUROS = '#,##0 "€";-#,##0 "€"'
INTEGER = "#,##0"
PERCENT = "0%"
DATE = "DD/MM/YYYY"
TEXT = "@"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    value: Callable[[Any], Any]
    number_format: str | None = None
    width: int = 18


def escape_formula(value: str) -> str:
    """Prefix with an apostrophe so that Excel and LibreOffice show the text instead of running it."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | datetime.date):
        return value
    return escape_formula(str(value))


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title (31 characters at most), columns and rows."""

    title: str
    columns: dict[str, Column]
    rows: Iterable[Any]


def build_workbook(*, sheet_title: str, columns: dict[str, Column], rows: Iterable[Any]) -> bytes:
    return build_workbook_sheets([Sheet(sheet_title, columns, rows)])


def build_workbook_sheets(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of several sheets (a dashboard's tables, a list and its details)."""
    workbook = Workbook(write_only=True)
    for entry in sheets:
        sheet = workbook.create_sheet(title=entry.title[:31])
        for index, column in enumerate(entry.columns.values(), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for title in entry.columns:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in entry.rows:
            sheet.append([_formatted_cell(sheet, column, row) for column in entry.columns.values()])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _formatted_cell(sheet, column: Column, row: Any):
    cell = WriteOnlyCell(sheet, value=cell_value(column.value(row)))
    if column.number_format:
        cell.number_format = column.number_format
    return cell


def xlsx_response(*, filename: str, sheet_title: str, columns: dict[str, Column], rows: Iterable[Any]):
    return xlsx_sheets_response(filename=filename, sheets=[Sheet(sheet_title, columns, rows)])


def xlsx_sheets_response(*, filename: str, sheets: Iterable[Sheet]):
    """An xlsx download named `filename-YYYY-MM-DD.xlsx` with these sheets."""
    content = build_workbook_sheets(sheets)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response

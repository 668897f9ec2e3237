"""Small files for the import tests: copies of shared samples, and builders of xlsx/csv/malicious files.

The copies here are preferred; the shared samples (../shared/samples next to the repository) are the
fallback, so the tests run whether or not that folder exists.
"""

import io
import zipfile
from pathlib import Path

import openpyxl

DATA_DIR = Path(__file__).resolve().parent
SHARED_SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"


def sample_path(name: str) -> Path:
    copy = DATA_DIR / name
    return copy if copy.exists() else SHARED_SAMPLES / name


def sample_bytes(name: str) -> bytes:
    return sample_path(name).read_bytes()


def xlsx_bytes(rows: list[list], *, title: str = "Feuille 1", extra_sheets: dict | None = None) -> bytes:
    """A workbook whose first sheet holds `rows` (values written as given: text stays text)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, sheet_rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8", bom: bool = False) -> bytes:
    lines = []
    for row in rows:
        cells = []
        for value in row:
            text = "" if value is None else str(value)
            if delimiter in text or '"' in text or "\n" in text:
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    data = "\r\n".join(lines).encode(encoding)
    return ("\ufeff".encode() + data) if bom else data


def modified_xlsx(data: bytes, edits: dict[str, object]) -> bytes:
    """The workbook with some cells changed, e.g. {"H4": 2_300_000}."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    for cell, value in edits.items():
        sheet[cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same zip with one member's content replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename != name:
                target.writestr(entry, source.read(entry.filename))
        target.writestr(name, content)
    return buffer.getvalue()


BILLION_LAUGHS_DTD = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>"
)


def xml_bomb_xlsx(data: bytes, *, hide_after_comment: bool = False) -> bytes:
    """The workbook whose first sheet declares nested entities (billion laughs) and uses them in a cell.

    With hide_after_comment, a long comment before the DTD pushes it past any quick prolog scan, so that
    the XML parser itself (defusedxml) has to refuse it.
    """
    padding = b"<!--" + b"x" * 100_000 + b"-->" if hide_after_comment else b""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + padding
        + BILLION_LAUGHS_DTD.replace(b"lolz", b"worksheet")
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
        b"</worksheet>"
    )
    return replace_member(data, "xl/worksheets/sheet1.xml", sheet)


def zip_bomb_xlsx(data: bytes, *, megabytes: int = 50) -> bytes:
    """The workbook with an extra member of zeros compressing about 1,000 times."""
    return replace_member(data, "xl/media/image1.bin", b"\0" * (megabytes * 1024 * 1024))

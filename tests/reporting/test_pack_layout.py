"""Page breaks in the packs' long tables (static/css/pack.css), read back page by page with pdftotext.

The table is moved down the page millimetre by millimetre (and lengthened row by row) so that every
break position is tried: a heading never ends a page, the total row never starts one alone.
"""

import datetime
import subprocess

import pytest
from django.template import Context, Template
from django.utils import translation

from core import formatting
from core.pdf import render_pdf

PAGE_FOOTER = "Page "


def _document(*, spacer_mm: int, rows: int) -> str:
    body_rows = "".join(
        f'<tr><th scope="row">Ligne {n:03d}</th><td class="num">{n} €</td></tr>' for n in range(1, rows + 1)
    )
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>
    <link rel="stylesheet" href="/static/css/pack.css"></head><body>
    <section class="pack-section"><h2>Section</h2>
    <div style="height: {spacer_mm}mm"></div>
    <h3>Titre du tableau long</h3>
    <table class="data"><caption>Légende du tableau</caption>
    <thead><tr><th scope="col">Libellé</th><th scope="col" class="num">Montant</th></tr></thead>
    <tbody>{body_rows}</tbody>
    <tfoot><tr><th scope="row">Total général</th><td class="num">0 €</td></tr></tfoot>
    </table></section></body></html>"""


def _pages(pdftotext: str, content: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "essai.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        [pdftotext, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [
        [line.strip() for line in page.splitlines() if line.strip() and PAGE_FOOTER not in line]
        for page in text.split("\f")
        if page.strip()
    ]


def _check(pages: list[list[str]]) -> None:
    for lines in pages:
        data_rows = [line for line in lines if line.startswith("Ligne ")]
        if any(line.startswith("Titre du tableau long") for line in lines):
            assert data_rows, f"titre seul en bas de page : {lines}"
            assert not lines[-1].startswith(("Titre du tableau", "Légende du tableau", "Libellé"))
        if any(line.startswith("Total général") for line in lines):
            assert data_rows, f"ligne de total seule en haut de page : {lines}"


@pytest.mark.parametrize("spacer_mm", range(170, 215, 3))
def test_heading_never_alone_at_the_bottom_of_a_page(spacer_mm, tmp_path, pdftotext):
    _check(_pages(pdftotext, render_pdf(_document(spacer_mm=spacer_mm, rows=30)).content, tmp_path))


@pytest.mark.parametrize("rows", range(26, 36))
def test_total_row_never_alone_at_the_top_of_a_page(rows, tmp_path, pdftotext):
    pages = _pages(pdftotext, render_pdf(_document(spacer_mm=0, rows=rows)).content, tmp_path)
    assert len(pages) >= 1
    _check(pages)


# Dates: "1er janvier", as French writes the first of the month ---------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (datetime.date(2027, 1, 1), "j F Y", "1er janvier 2027"),
        (datetime.date(2027, 1, 2), "j F Y", "2 janvier 2027"),
        (datetime.date(2026, 12, 31), "j F Y", "31 décembre 2026"),
        (datetime.date(2026, 6, 1), "l j F Y", "lundi 1er juin 2026"),
        (datetime.date(2026, 6, 11), "l j F", "jeudi 11 juin"),
        (None, "j F Y", ""),
    ],
)
def test_french_date_writes_the_first_of_the_month_1er(value, fmt, expected):
    with translation.override("fr"):
        assert formatting.format_date(value, fmt) == expected
        assert (
            Template("{% load npru %}{{ day|french_date:fmt }}").render(Context({"day": value, "fmt": fmt}))
            == expected
        )


def test_french_date_shows_a_datetime_in_local_time():
    # 23:30 UTC on 31 December is already 1 January in Paris.
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    with translation.override("fr"):
        assert formatting.format_date(moment, "j F Y à H:i") == "1er janvier 2027 à 00:30"

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


def _document(*, spacer_mm: int, rows: int, kind: str = "copil") -> str:
    body_rows = "".join(
        f'<tr><th scope="row">Ligne {n:03d}</th><td class="num">{n} €</td></tr>' for n in range(1, rows + 1)
    )
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>
    <link rel="stylesheet" href="/static/css/pack.css"></head><body class="pack-{kind}">
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


# Dense tables in the revue de projet; introductions kept with their figures -----------------------------


def test_the_revue_de_projet_sets_its_tables_denser_than_the_copil(tmp_path, pdftotext):
    """The revue's tables have the dense rows of its own sections (static/css/pack.css, `.pack-revue`):
    more rows of the same table on its first page than in a COPIL."""

    def rows_on_first_page(kind: str) -> int:
        content = render_pdf(_document(spacer_mm=0, rows=120, kind=kind)).content
        return sum(line.startswith("Ligne ") for line in _pages(pdftotext, content, tmp_path)[0])

    copil, revue = rows_on_first_page("copil"), rows_on_first_page("revue")
    assert revue >= copil * 1.2, (copil, revue)


def _section_with_key_figures(*, spacer_mm: int, kind: str) -> str:
    figures = "".join(
        f'<div class="kpi"><p class="kpi-value">{n}</p><p class="kpi-label">Chiffre clé {n}</p></div>'
        for n in range(1, 7)
    )
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>
    <link rel="stylesheet" href="/static/css/pack.css"></head><body class="pack-{kind}">
    <div style="height: {spacer_mm}mm"></div>
    <section class="pack-section"><h2>Section suivante</h2>
    <p>Introduction de la section.</p>
    <div class="kpis">{figures}</div></section></body></html>"""


@pytest.mark.parametrize("kind", ["copil", "revue"])
@pytest.mark.parametrize("spacer_mm", range(190, 236, 5))
def test_a_section_introduction_never_ends_a_page_without_its_figures(spacer_mm, kind, tmp_path, pdftotext):
    """Moved down the page millimetre by millimetre: the heading and its introduction go to the next page
    with the first key figures rather than stay alone at the foot of the page, in every kind of pack."""
    content = render_pdf(_section_with_key_figures(spacer_mm=spacer_mm, kind=kind)).content
    for lines in _pages(pdftotext, content, tmp_path):
        if "Introduction de la section." in lines:
            assert any(line.startswith("Chiffre clé 1") for line in lines), lines


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

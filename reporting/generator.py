"""The document generator: registered sections → HTML → PDF, for any scope and list of section keys.

Packs call it with their kind's sections (`reporting/kinds.py`); a later document — a partner's
scheduled sector summary, say — calls `render_document_pdf(scope, section_keys=[...])` with its own
list, without going through `Pack` or any domain app.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.pack_sections import PackScope, Section, sections
from reporting.models import PackAudience

if TYPE_CHECKING:
    from core.pdf import RenderedPdf

Progress = Callable[[float], None]


@dataclass(frozen=True)
class BuiltSection:
    key: str
    title: str
    html: str


class SectionError(Exception):
    def __init__(self, section: Section, error: Exception):
        self.section, self.error = section, error
        super().__init__(
            "Section « {title} » : {error}".format(
                title=section.title, error=f"{type(error).__name__} : {error}"
            )
        )


def build_sections(
    scope: PackScope, *, section_keys: Sequence[str], on_progress: Progress | None = None
) -> list[BuiltSection]:
    """Each listed section, in the list's order, rendered to HTML (None from a builder: left out)."""
    built = []
    listed = sections(section_keys)
    for index, section in enumerate(listed, start=1):
        try:
            with transaction.atomic():  # a failing read rolls back alone; the caller can record it
                context = section.build(scope)
                html = (
                    None
                    if context is None
                    else render_to_string(section.template, {"pack": scope, **context})
                )
        except Exception as error:
            raise SectionError(section, error) from error
        if html is not None:
            built.append(BuiltSection(section.key, section.title, html))
        if on_progress:
            on_progress(index / len(listed))
    return built


def document_html(
    scope: PackScope,
    *,
    section_keys: Sequence[str],
    generated_at: datetime.datetime | None = None,
    on_progress: Progress | None = None,
) -> str:
    """The whole HTML given to WeasyPrint: cover, table of contents, sections (in French whatever the
    caller: a worker has no request)."""
    with translation.override(settings.LANGUAGE_CODE):
        built = build_sections(scope, section_keys=section_keys, on_progress=on_progress)
        return render_to_string(
            "reporting/document.html",
            {
                "pack": scope,
                "sections": built,
                "generated_at": timezone.localtime(generated_at or timezone.now()),
                "audience_label": PackAudience.PARTNERS.label
                if scope.audience.masks_counts
                else PackAudience.INTERNAL.label,
            },
        )


def render_document_pdf(
    scope: PackScope, *, section_keys: Sequence[str], on_progress: Progress | None = None
) -> "RenderedPdf":
    """The PDF of these sections for this scope (raises SectionError naming a failing section)."""
    from core.pdf import render_pdf  # WeasyPrint loads only where documents are built

    return render_pdf(document_html(scope, section_keys=section_keys, on_progress=on_progress))

"""The shared list table: django-tables2 for headers, ordering and pagination, rows rendered in one pass.

django-tables2 renders each cell through its template with per-cell signature inspection, attribute
computation and, for date columns, a template render: about 2 ms per row of ten columns. `Table`
keeps its declarations (columns, `Meta`, `render_<column>` and `order_<column>` methods, `RequestConfig`)
and renders the body in Python: the work that does not depend on the row (which method to call with
which arguments, the `<td>` attributes, whether a choice label is shown) is prepared once per column,
and each cell is one function call. Cells are plain values or `format_html` strings — never a template
include per cell.

A list table subclasses `core.tables.Table` and uses the `DateColumn` / `DateTimeColumn` /
`BooleanColumn` below (the django-tables2 ones render a template per cell); the page includes it with
`{% render_table table %}` (template `django_tables2/npru.html`).

Pagination read from the address (`?page=`, `?per_page=`) never fails: a page number out of range
shows the last page (django-tables2's `RequestConfig`), and a `per_page` given in the address is kept
within 1..`MAX_PER_PAGE` (a negative, zero or huge value falls back to `DEFAULT_PER_PAGE`, so a list
stays paginated at ≤ 100 rows whatever the address says).
"""

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2.utils import A, AttributeDict, computed_values

from core.scoping import out_of_scope_count, out_of_scope_text

CellRenderer = Callable[[Any], str]
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
_CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "table")


def _date(value) -> str:
    return value.strftime("%d/%m/%Y")


def _datetime(value, with_seconds: bool = False) -> str:
    pattern = "%d/%m/%Y %H:%M:%S" if with_seconds else "%d/%m/%Y %H:%M"
    return timezone.localtime(value).strftime(pattern)


class DateColumn(tables.Column):
    """dd/mm/yyyy, without django-tables2's per-cell template."""

    def render(self, value):
        return _date(value)


class DateTimeColumn(tables.Column):
    """dd/mm/yyyy hh:mm(:ss) in local time, without django-tables2's per-cell template."""

    def __init__(self, *args, seconds: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds = seconds

    def render(self, value):
        return _datetime(value, self.seconds)


class BooleanColumn(tables.Column):
    """Oui / Non (as django-tables2's BooleanColumn with yesno, in a span classed true/false)."""

    def __init__(self, *args, yesno: str = "Oui,Non", **kwargs):
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)
        self.yesno = yesno.split(",")

    def render(self, value):
        flag = bool(value)
        return format_html('<span class="{}">{}</span>', str(flag).lower(), self.yesno[int(not flag)])


class RowUrl:
    """`reverse(name, args=[pk])` for every row at the cost of one `reverse`: the URL is resolved once
    with a marker in place of the primary key, then filled in per row.

        detail_url = RowUrl("projects:operation_detail")
        detail_url(record.pk)
    """

    _MARKER = 918273645

    def __init__(self, name: str):
        self.name = name
        self._parts: tuple[str, str, str] = ("", "", "")

    def __call__(self, pk: int) -> str:
        prefix = get_script_prefix()
        if self._parts[0] != prefix:
            before, _, after = reverse(self.name, args=[self._MARKER]).partition(str(self._MARKER))
            self._parts = (prefix, before, after)
        return f"{self._parts[1]}{int(pk)}{self._parts[2]}"


def _text(value) -> str:
    """A cell value as the template's `{{ cell }}` would print it (localised, escaped)."""
    return conditional_escape(localize(value))


class Table(tables.Table):
    """A django-tables2 table whose body is rendered once in Python (see the module docstring)."""

    def _set_order_by(self, value) -> None:
        """django-tables2's setter, fed only plain column names: a dotted `?sort=a.b` is an accessor path
        django-tables2 warns about (and will reject) before it checks that the column exists."""
        aliases = value.split(",") if isinstance(value, str) else (value or ())
        tables.Table.order_by.fset(self, [alias for alias in aliases if "." not in str(alias)])

    order_by = property(tables.Table.order_by.fget, _set_order_by)

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        """django-tables2's `paginate`, with the page size taken from the address kept in bounds."""
        request = getattr(self, "request", None)
        from_address = request is not None and self.prefixed_per_page_field in request.GET
        if from_address and not (isinstance(per_page, int) and 1 <= per_page <= MAX_PER_PAGE):
            per_page = DEFAULT_PER_PAGE
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    def _cell_renderer(self, bound_column) -> CellRenderer:
        column = bound_column.column
        accessor = A(bound_column.accessor)
        path, _, remainder = accessor.rpartition(A.SEPARATOR)
        parent = A(path) if path else None
        empty_values = column.empty_values
        default = bound_column.default
        model = getattr(self._meta, "model", None)
        shows_label = False
        if model is not None:
            try:
                field = accessor.get_field(model)
            except FieldDoesNotExist:  # pragma: no cover - get_field already stops quietly
                field = None
            shows_label = bool(getattr(field, "choices", None)) and isinstance(field, models.Field)
        render = bound_column.render
        if render is None or getattr(render, "__func__", None) is tables.Column.render:
            render = None
            wanted: tuple[str, ...] = ()
        else:
            parameters = inspect.signature(render).parameters
            accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
            wanted = tuple(name for name in _CELL_ARGUMENTS if accepts_any or name in parameters)
        context = {"column": column, "bound_column": bound_column, "table": self}

        def cell(record) -> str:
            owner = parent.resolve(record, quiet=True) if parent is not None else record
            if shows_label and owner is not None:
                value = getattr(owner, f"get_{remainder}_display")()
            else:
                try:
                    value = accessor.resolve(record)
                except Exception:
                    value = None
            if value in empty_values:
                return _text(default)
            if render is None:
                return _text(value)
            arguments = {"value": value, "record": record, **context}
            return _text(render(**{name: arguments[name] for name in wanted}))

        return cell

    def html_body(self) -> SafeString:
        """Every `<tr>` of the current page, or the empty text, as one safe string."""
        columns = [
            (format_html("<td {}>", bound_column.attrs["td"].as_html()), self._cell_renderer(bound_column))
            for bound_column in self.columns
        ]
        rows = self.paginated_rows if self.page else self.rows
        parts: list[str] = []
        for index, row in enumerate(rows):
            record = row.record
            attrs = self._row_attrs(record, index)
            parts.append(f"<tr {attrs}>")
            for opening, cell in columns:
                parts.append(f"{opening}{cell(record)}</td>")
            parts.append("</tr>")
        if not parts and self.empty_text:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text)
        return mark_safe("".join(parts))

    def _row_attrs(self, record, index: int) -> str:
        row_class = "odd" if index % 2 else "even"
        if not self.row_attrs:
            return f'class="{row_class}"'
        attrs = computed_values(self.row_attrs, kwargs={"table": self, "record": record})
        attrs["class"] = f"{attrs['class']} {row_class}" if attrs.get("class") else row_class
        return AttributeDict(attrs).as_html()

    def records(self) -> Iterator[Any]:  # pragma: no cover - convenience for callers
        rows = self.paginated_rows if self.page else self.rows
        return (row.record for row in rows)


def note_out_of_scope(table: Table, text: str) -> str:
    """When rows are out of the user's scope (`core.scoping.out_of_scope_text`), an empty table says so
    instead of "Aucune … ne correspond"; the text is returned for the count line above the table."""
    if text and not table.paginator.count:
        table.empty_text = f"Rien dans votre périmètre ne correspond à ces critères : {text}."
    return text


def scope_note(request, table: Table, filterset, in_programme, *, singular: str, plural: str) -> str:
    """ "7 actions hors de votre périmètre" for a partner: the list's filters applied to the programme's
    rows unscoped (`in_programme`), counted against the table's (one query, partners only)."""
    unscoped = type(filterset)(filterset.data, queryset=in_programme, request=request)
    hidden = out_of_scope_count(
        user=request.user,
        membership=request.membership,
        visible=table.paginator.count,
        in_programme=unscoped.qs,
    )
    return note_out_of_scope(table, out_of_scope_text(hidden, singular, plural))


__all__ = [
    "BooleanColumn",
    "DateColumn",
    "DateTimeColumn",
    "RowUrl",
    "Table",
    "note_out_of_scope",
    "scope_note",
]

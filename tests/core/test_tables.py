"""core.tables.Table: django-tables2 declarations, body rendered in one pass with the same cells."""

import datetime

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django_tables2 import RequestConfig

from core.tables import BooleanColumn, DateColumn, RowUrl, Table
from projects.models import Operation
from tests.projects.factories import OperationFactory

pytestmark = pytest.mark.django_db

DETAIL_URL = RowUrl("projects:operation_detail")


class SampleTable(Table):
    identifier = tables.Column()
    family = tables.Column()  # a choice field: its label is shown
    sector = tables.Column(default="—")
    cost_excl_tax = tables.Column()
    planned_end = DateColumn(default="—")
    at_risk = BooleanColumn()
    link = tables.Column(empty_values=(), orderable=False)

    class Meta:
        model = Operation
        fields = ["identifier", "family", "sector", "cost_excl_tax", "planned_end", "at_risk"]
        order_by = ("identifier",)
        empty_text = "Rien <ici>"
        row_attrs = {"id": lambda record: f"op-{record.pk}"}

    def render_link(self, record):
        return DETAIL_URL(record.pk)

    def render_identifier(self, value):
        return f"<{value}>"


def _render(table) -> str:
    RequestConfig(RequestFactory().get("/"), paginate={"per_page": 10}).configure(table)
    return str(table.html_body())


def test_cells_escape_localise_label_default_and_row_attrs(programme):
    operation = OperationFactory(programme=programme, identifier="OP-1", sector=None, cost_excl_tax=1234567)
    operation.planned_end = datetime.date(2027, 3, 31)
    html = _render(SampleTable([operation]))
    assert f'<tr id="op-{operation.pk}" class="even">' in html
    assert "&lt;OP-1&gt;" in html
    assert f"<td >{operation.get_family_display()}</td>" in html
    assert "<td >—</td>" in html
    assert "<td >31/03/2027</td>" in html
    assert '<span class="false">Non</span>' in html
    assert reverse("projects:operation_detail", args=[operation.pk]) in html


def test_empty_text_spans_every_column():
    html = _render(SampleTable([]))
    assert html == '<tr><td colspan="7">Rien &lt;ici&gt;</td></tr>'


def test_row_url_matches_reverse():
    for pk in (1, 42, 918273645):
        assert DETAIL_URL(pk) == reverse("projects:operation_detail", args=[pk])


@pytest.mark.parametrize(
    ("query", "rows_shown"),
    [
        ("per_page=-1", 3),
        ("per_page=0", 3),
        ("per_page=-9223372036854775809", 3),
        ("per_page=99999999999999999999", 3),
        ("per_page=abc", 3),
        ("per_page=2&page=-1", 1),  # out of range: the last page
        ("per_page=2&page=9223372036854775808", 1),
        ("per_page=2&page=abc", 2),  # not a number: the first page
    ],
)
def test_pagination_from_the_address_never_fails(programme, query, rows_shown):
    for number in range(3):
        OperationFactory(programme=programme, identifier=f"OP-{number}")
    table = SampleTable(Operation.objects.order_by("pk"))

    RequestConfig(RequestFactory().get(f"/?{query}"), paginate={"per_page": 10}).configure(table)

    assert len(list(table.paginated_rows)) == rows_shown


def test_a_page_size_from_the_address_is_capped(programme):
    for number in range(3):
        OperationFactory(programme=programme, identifier=f"OP-{number}")
    table = SampleTable(Operation.objects.order_by("pk"))

    RequestConfig(RequestFactory().get("/?per_page=100000"), paginate={"per_page": 10}).configure(table)

    assert table.paginator.per_page == 50

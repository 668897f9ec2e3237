"""Odd query parameters never answer a server error, on any page of the permission matrix.

`?per_page=-1`, `?page=…`, `?year=0`, a huge number, text where a number is expected: each page falls
back to its default (or refuses with a 4xx), never a 500. The pages are every GET of the permission
matrix (tests/*/permissions.py) that its role opens with a 200; the parameters are the standard ones
(page, per_page, sort, year, annee, mois) plus the names of the fields of the page itself.
"""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from tests.accounts.factories import MembershipFactory
from tests.test_permissions import MATRIX, _consume, _request, world  # noqa: F401 (world: fixture)

STANDARD_PARAMETERS = ("page", "per_page", "sort", "year", "annee", "mois", "q")
NASTY_VALUES = (
    "-1",
    "0",
    "-9223372036854775809",
    "99999999999",
    "1e400",
    "abc",
    "9999-12",
    "1.5",
    "\x00",
)
FIELD_NAME = re.compile(r'name="([\w-]+)"')
ROLE_ORDER = ("granted", "mission", "direction", "referent", "partner_a")


@pytest.fixture
def pages(client, world):  # noqa: F811
    """(user, url, parameter names) for every page of the matrix one of our roles opens with a 200, the
    access log (administrators only) included."""
    users, objects = world
    programme = users["mission"].memberships.get().programme
    users["admin"] = MembershipFactory(programme=programme, role=Role.ADMIN).user
    found = [(users["admin"], reverse("access_log:list"))]
    for name, cases in MATRIX.items():
        for key, expected, *_ in cases:
            role = next((role for role in ROLE_ORDER if expected[role] == 200), None)
            if role is not None:
                kwargs, _data = _request(key, objects)
                found.append((users[role], reverse(name, kwargs=kwargs)))
    result = []
    for user, url in found:
        client.force_login(user)
        response = client.get(url)
        _consume(response)
        names = set(STANDARD_PARAMETERS)
        if response.get("Content-Type", "").startswith("text/html"):
            names |= set(FIELD_NAME.findall(response.content.decode())) - {"csrfmiddlewaretoken"}
        result.append((user, url, sorted(names)))
    return result


def _server_errors(client, user, url, query: dict) -> list[str]:
    client.raise_request_exception = False  # collect every failing page, each as its 500
    response = client.get(url, query)
    _consume(response)
    return [f"{url} {query}: {response.status_code}"] if response.status_code >= 500 else []


def test_every_page_survives_every_nasty_value_in_every_parameter(client, pages):
    """Each nasty value in all of a page's parameters at once."""
    failures = []
    for user, url, names in pages:
        client.force_login(user)
        for value in NASTY_VALUES:
            failures += _server_errors(client, user, url, dict.fromkeys(names, value))
    assert not failures, "\n".join(failures)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_parameters_never_give_a_server_error(client, pages, data):
    user, url, names = data.draw(st.sampled_from(pages))
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    value = st.one_of(
        st.integers().map(str),
        st.sampled_from(NASTY_VALUES),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    )
    query = {name: data.draw(value) for name in chosen}
    client.force_login(user)
    assert not _server_errors(client, user, url, query)

"""A theme's target delay for one handler organisation (ThemeHandlerDelay), against a frozen clock: it sets
the due date at creation, at routing and re-routing, at a change of theme, in imports and in the demo
data; editing it never moves the due dates already set; the theme's delay applies when a handler has none.
The team edits them on the theme's page; the themes list shows them."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import OrganisationKind
from gusp import selectors, services
from gusp.models import Report, ReportSource, ThemeHandlerDelay
from gusp.models import ReportStatus as R
from tests.accounts.factories import OrganisationFactory
from tests.data import csv_bytes
from tests.gusp.factories import ReportFactory, ThemeFactory
from tests.gusp.test_imports import HEADER, row, run

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def at(days: float) -> datetime.datetime:
    return MONDAY + datetime.timedelta(days=days)


def day(days: int) -> datetime.date:
    return MONDAY.date() + datetime.timedelta(days=days)


@pytest.fixture
def city():
    return OrganisationFactory(name="Ville de Lille", kind=OrganisationKind.VILLE)


@pytest.fixture
def landlord():
    return OrganisationFactory(name="Habitat Métropole", kind=OrganisationKind.BAILLEUR)


@pytest.fixture
def theme(programme, city):
    return ThemeFactory(
        programme=programme,
        slug="gestion-locative",
        name="Gestion locative",
        default_handler=city,
        target_days=7,
    )


def create(programme, sector, theme, **fields) -> Report:
    report = services.report_create(
        programme=programme,
        sector=sector,
        theme=theme,
        description="Porte du hall cassée",
        source=ReportSource.RESIDENT,
        **fields,
    )
    report.refresh_from_db()
    return report


# --- Services ---------------------------------------------------------------------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_the_theme_delay_applies_when_the_handler_has_none(programme, sector_a, theme, landlord):
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=3)
    report = create(programme, sector_a, theme)  # the city, the theme's default handler: no delay of its own
    assert report.handler_id == theme.default_handler_id
    assert report.due_on == day(7)
    assert report.delay_days == 7


@time_machine.travel(MONDAY, tick=False)
def test_the_handler_s_delay_applies_at_creation(programme, sector_a, theme, landlord):
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=3)
    report = create(programme, sector_a, theme, handler=landlord)
    assert report.due_on == day(3)
    assert report.delay_days == 3
    assert services.target_days(theme, landlord.pk) == 3
    assert services.target_days(theme, None) == 7


@time_machine.travel(MONDAY, tick=False)
def test_re_routing_to_a_handler_with_its_own_delay_moves_the_due_date(
    programme, sector_a, theme, landlord, city
):
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=3)
    report = create(programme, sector_a, theme)
    services.report_route(report=report, handler=city, now=at(0.1))  # same handler: due date kept
    report.refresh_from_db()
    assert report.due_on == day(7)
    services.report_route(report=report, handler=landlord, now=at(1))
    report.refresh_from_db()
    assert (report.handler_id, report.due_on) == (landlord.pk, day(3))  # from the day it was reported
    services.report_route(report=report, handler=city, now=at(2))
    report.refresh_from_db()
    assert (report.handler_id, report.due_on) == (city.pk, day(7))


@time_machine.travel(MONDAY, tick=False)
def test_bulk_routing_at_triage_applies_the_handler_s_delay(programme, sector_a, theme, landlord, city):
    other = ThemeFactory(
        programme=programme, slug="proprete", name="Propreté", default_handler=city, target_days=2
    )
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=4)
    housing, cleanliness = create(programme, sector_a, theme), create(programme, sector_a, other)
    assert services.reports_triage(reports=[housing, cleanliness], handler=landlord, now=at(1)) == 2
    housing.refresh_from_db()
    cleanliness.refresh_from_db()
    assert housing.due_on == day(4)
    assert cleanliness.due_on == day(2)  # no delay of the landlord for « Propreté »: kept


@time_machine.travel(MONDAY, tick=False)
def test_editing_a_delay_does_not_move_existing_due_dates(programme, sector_a, theme, landlord, city):
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=3)
    report = create(programme, sector_a, theme, handler=landlord)
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=10)
    services.theme_update(theme=theme, target_days=20)
    report.refresh_from_db()
    assert report.due_on == day(3)
    assert create(programme, sector_a, theme, handler=landlord).due_on == day(10)
    assert create(programme, sector_a, theme, handler=city).due_on == day(20)
    delay = ThemeHandlerDelay.objects.get()
    services.theme_delay_remove(delay=delay)
    report.refresh_from_db()
    assert report.due_on == day(3)
    assert create(programme, sector_a, theme, handler=landlord).due_on == day(20)


@time_machine.travel(MONDAY, tick=False)
def test_re_routing_between_handlers_without_own_delays_keeps_the_due_date(
    programme, sector_a, theme, landlord
):
    report = create(programme, sector_a, theme)
    services.theme_update(theme=theme, target_days=30)  # for the next reports only
    services.report_route(report=report, handler=landlord, now=at(1))
    report.refresh_from_db()
    assert report.due_on == day(7)


@time_machine.travel(MONDAY, tick=False)
def test_a_change_of_theme_takes_the_new_theme_s_delay_for_the_handler(
    programme, sector_a, theme, landlord, city
):
    other = ThemeFactory(programme=programme, slug="degradations", name="Dégradations", target_days=15)
    services.theme_delay_set(theme=other, organisation=landlord, target_days=5)
    report = create(programme, sector_a, theme, handler=landlord)
    services.report_update(report=report, theme=other)
    report.refresh_from_db()
    assert report.due_on == day(5)


def test_a_delay_is_unique_per_theme_and_organisation_and_bounded(theme, landlord):
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=3)
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=4)  # replaced, not added
    assert list(ThemeHandlerDelay.objects.values_list("target_days", flat=True)) == [4]
    with pytest.raises(ValidationError) as error:
        services.theme_delay_set(theme=theme, organisation=landlord, target_days=0)
    assert "target_days" in error.value.message_dict


def test_a_delay_keeps_its_history(theme, landlord):
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=3)
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=4)
    services.theme_delay_remove(delay=ThemeHandlerDelay.objects.get())
    events = ThemeHandlerDelay.pgh_event_model.objects.order_by("pgh_id")
    assert list(events.values_list("pgh_label", "target_days")) == [
        ("insert", 3),
        ("update", 4),
        ("delete", 4),
    ]


# --- Dashboard: « within target » per handler follows the due dates ---------------------------------------


def test_within_target_per_handler_reads_the_handler_s_delay(programme, sector_a, theme, landlord, city):
    services.theme_delay_set(theme=theme, organisation=landlord, target_days=3)
    with time_machine.travel(MONDAY, tick=False):
        fast = create(programme, sector_a, theme, handler=landlord)
        slow = create(programme, sector_a, theme, handler=city)
    for report in (fast, slow):
        services.report_route(report=report, handler=report.handler, now=at(0.5))
        services.report_set_status(report=report, status=R.IN_PROGRESS, now=at(1))
        services.report_set_status(report=report, status=R.RESOLVED, now=at(5))  # 5 days: late for 3, not 7
    rows, total = selectors.handling(
        Report.objects.filter(programme=programme), period=selectors.Period(day(0), day(30))
    )
    within = {row.handler: (row.handled, row.within_target) for row in rows}
    assert within == {"Habitat Métropole": (1, 0), "Ville de Lille": (1, 1)}
    assert (total.handled, total.within_target) == (2, 1)


# --- Import -----


def test_an_import_sets_due_dates_with_the_handler_s_delay(programme, sector_a):
    landlord = OrganisationFactory(name="Logis du Nord", kind=OrganisationKind.BAILLEUR)
    programme.organisations.add(landlord)
    themes = services.themes_ensure(programme=programme)
    services.theme_delay_set(theme=themes["proprete"], organisation=landlord, target_days=1)
    data = csv_bytes(
        [
            HEADER,
            row("X-1", Quartier=sector_a.name),
            row("X-2", Quartier=sector_a.name, **{"Service en charge": ""}),
        ]
    )
    result = run(programme, data)
    assert result.ok, result.errors
    due = dict(Report.objects.filter(programme=programme).values_list("reference", "due_on"))
    reported = datetime.date(2026, 3, 2)
    assert due == {
        "X-1": reported + datetime.timedelta(days=1),
        "X-2": reported + datetime.timedelta(days=themes["proprete"].target_days),
    }


# --- Theme pages ---


def delay_url(theme) -> str:
    return reverse("gusp:theme_delay_set", args=[theme.pk])


def test_the_team_adds_changes_and_removes_a_handler_s_delay(world, as_user):
    client = as_user(world.users["gusp_referent"])
    theme = world.housing
    page = client.get(reverse("gusp:theme_edit", args=[theme.pk])).content.decode()
    assert "Délais par organisation en charge" in page
    assert "Aucun délai propre à une organisation" in page
    response = client.post(
        delay_url(theme), {"delai-organisation": world.landlord.pk, "delai-target_days": "5"}, follow=True
    )
    html = response.content.decode()
    assert "gardent leur échéance" in html
    assert ThemeHandlerDelay.objects.get().target_days == 5
    assert "Logis du Nord" in html
    assert "5 jours" in html
    client.post(delay_url(theme), {"delai-organisation": world.landlord.pk, "delai-target_days": "6"})
    assert list(ThemeHandlerDelay.objects.values_list("target_days", flat=True)) == [6]
    themes = client.get(reverse("gusp:theme_list")).content.decode()
    assert "15 j</span>" in themes
    assert "Logis du Nord : 6 j" in themes
    delay = ThemeHandlerDelay.objects.get()
    client.post(reverse("gusp:theme_delay_remove", args=[theme.pk, delay.pk]))
    assert not ThemeHandlerDelay.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"delai-target_days": "0"}, "target_days", "au moins 1 jour"),
        ({"delai-target_days": "400"}, "target_days", "au plus 365 jours"),
        ({"delai-target_days": "abc"}, "target_days", "nombre entier de jours"),
        ({"delai-target_days": ""}, "target_days", "Indiquez le délai cible"),
        ({"delai-organisation": ""}, "organisation", "Choisissez l'organisation en charge"),
        ({"delai-organisation": "999999"}, "organisation", "n'est pas partenaire du programme"),
    ],
)
def test_an_invalid_delay_writes_nothing_and_names_the_field(world, as_user, data, field, message):
    post = {"delai-organisation": world.landlord.pk, "delai-target_days": "5", **data}
    response = as_user(world.users["mission"]).post(delay_url(world.housing), post)
    assert response.status_code == 200
    errors = response.context["delay_form"].errors
    assert message in " ".join(errors[field])
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not ThemeHandlerDelay.objects.exists()


def test_partners_and_other_programmes_may_not_set_delays(world, as_user):
    post = {"delai-organisation": world.landlord.pk, "delai-target_days": "5"}
    assert as_user(world.users["handler"]).post(delay_url(world.housing), post).status_code == 403
    assert as_user(world.users["direction"]).post(delay_url(world.housing), post).status_code == 403
    other = ThemeFactory(slug="ailleurs", name="Ailleurs")
    assert as_user(world.users["mission"]).post(delay_url(other), post).status_code == 404
    delay = services.theme_delay_set(theme=world.housing, organisation=world.landlord, target_days=5)
    remove = reverse("gusp:theme_delay_remove", args=[world.housing.pk, delay.pk])
    assert as_user(world.users["handler"]).post(remove).status_code == 403
    assert as_user(world.users["mission"]).get(remove).status_code == 405
    assert ThemeHandlerDelay.objects.count() == 1


def test_a_report_page_shows_the_delay_its_due_date_was_set_with(world, as_user):
    report = ReportFactory(
        programme=world.programme,
        sector=world.sector_a,
        theme=world.housing,
        handler=world.landlord,
        reported_at=MONDAY,
        due_on=day(5),
    )
    html = (
        as_user(world.users["mission"]).get(reverse("gusp:report_detail", args=[report.pk])).content.decode()
    )
    assert "délai cible : 5 jours" in html

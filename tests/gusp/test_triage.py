"""The triage queue: new reports oldest first, the late ones marked; one routing form per row for the team;
one decision for several reports, all or nothing, with a canned answer to each if wanted."""

from django.urls import reverse

from gusp.models import AnswerTemplate, EventKind, ReportEvent
from gusp.models import ReportStatus as R
from tests.utils import count_queries

TRIAGE = reverse("gusp:triage")
DECIDE = reverse("gusp:triage_decide")


def decide(client, reports, **data):
    payload = {"lot-reports": [report.pk for report in reports], "next": TRIAGE + "?theme=1"}
    payload.update({f"lot-{name}": value for name, value in data.items()})
    return client.post(DECIDE, payload)


def statuses(world, *keys):
    for key in keys:
        world.reports[key].refresh_from_db()
    return [world.reports[key].status for key in keys]


def test_the_queue_holds_the_new_reports_oldest_first_with_the_late_ones_marked(world, as_user):
    html = as_user(world.users["mission"]).get(TRIAGE).content.decode()
    positions = [html.index(world.reports[key].reference) for key in ("new_old", "new_housing", "new_recent")]
    assert positions == sorted(positions)
    for key in ("sent_city", "in_progress_landlord", "resolved_city"):
        assert world.reports[key].reference not in html
    assert "3 nouveaux signalements dans votre périmètre, dont" in html
    assert "1 en retard" in html
    assert html.count("en retard</span>") == 1  # new_old, due three days after it was made
    assert "il y a 6 jours" in html
    assert 'data-gusp-when="hors_competence"' in html
    assert 'name="lot-competent_body"' in html
    assert 'data-gusp-when="doublon"' in html
    assert 'name="lot-duplicate_of"' in html


def test_each_row_routes_to_the_theme_s_organisation_by_default(world, as_user):
    html = as_user(world.users["mission"]).get(TRIAGE).content.decode()
    row = html.split(f'id="signalement-{world.reports["new_housing"].pk}"')[1].split("</tr>")[0]
    assert reverse("gusp:report_route", args=[world.reports["new_housing"].pk]) in row
    assert f'<option value="{world.landlord.pk}" selected>Logis du Nord</option>' in row
    assert f'<option value="{world.city.pk}">Ville de Lille</option>' in row
    assert 'name="lot-reports"' in row
    assert 'form="triage-lot"' in row


def test_direction_reads_the_queue_without_any_form_and_partners_are_refused(world, as_user):
    html = as_user(world.users["direction"]).get(TRIAGE).content.decode()
    assert world.reports["new_old"].reference in html
    assert 'name="lot-reports"' not in html
    assert reverse("gusp:triage_decide") not in html
    assert "Transmettre</button>" not in html
    assert as_user(world.users["handler"]).get(TRIAGE).status_code == 403
    assert as_user(world.users["direction"]).post(DECIDE, {}).status_code == 403


def test_a_member_limited_to_a_sector_triages_that_sector_only(world, as_user):
    client = as_user(world.users["mission_b"])
    html = client.get(TRIAGE).content.decode()
    assert world.reports["new_recent"].reference in html
    assert world.reports["new_old"].reference not in html
    response = decide(client, [world.reports["new_old"]], decision="transmettre", handler=world.city.pk)
    assert response.status_code == 200  # a report outside the perimeter is not a valid choice
    assert statuses(world, "new_old") == [R.NEW]


def test_the_queue_filters_and_answers_htmx(world, as_user):
    client = as_user(world.users["mission"])
    html = client.get(TRIAGE, {"sector": world.sector_b.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    assert world.reports["new_recent"].reference in html
    assert world.reports["new_old"].reference not in html
    late = client.get(TRIAGE, {"late": "on"}).content.decode()
    assert "1 signalement à trier" in late


def test_the_queue_runs_the_same_queries_for_3_and_40_new_reports(world, as_user):
    from tests.gusp.factories import ReportFactory

    client = as_user(world.users["mission"])
    few = count_queries(client, TRIAGE)
    for index in range(37):
        ReportFactory(
            programme=world.programme,
            sector=world.sector_a if index % 2 else world.sector_b,
            theme=world.housing if index % 3 else world.cleanliness,
        )
    assert count_queries(client, TRIAGE) == few


def test_routing_one_row_sends_it_and_comes_back_to_the_queue(world, as_user):
    report = world.reports["new_old"]
    response = as_user(world.users["mission"]).post(
        reverse("gusp:report_route", args=[report.pk]),
        {"orientation-handler": world.landlord.pk, "next": TRIAGE + "?sector=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == TRIAGE + "?sector=1"
    report.refresh_from_db()
    assert (report.status, report.handler) == (R.SENT, world.landlord)
    event = report.events.get(kind=EventKind.ROUTED)
    assert (event.user, event.from_handler, event.to_handler) == (
        world.users["mission"],
        world.city,
        world.landlord,
    )


def test_a_decision_routes_every_ticked_report_with_a_canned_answer(world, as_user):
    template = AnswerTemplate.objects.get(title="Transmis")
    client = as_user(world.users["mission"])
    chosen = [world.reports["new_old"], world.reports["new_recent"]]
    response = decide(client, chosen, decision="transmettre", handler=world.landlord.pk, template=template.pk)
    assert response.status_code == 302
    assert response["Location"] == TRIAGE + "?theme=1"
    for report in chosen:
        report.refresh_from_db()
        assert (report.status, report.handler, report.answer) == (R.SENT, world.landlord, template.text)
        assert set(report.events.values_list("kind", flat=True)) == {EventKind.ROUTED, EventKind.ANSWERED}
    message = [str(m) for m in client.get(TRIAGE).context["messages"]]
    assert message == ["2 signalements transmis à Logis du Nord."]


def test_a_decision_is_all_or_nothing(world, as_user):
    """One closed report among those ticked: nothing changes, and the page says which one."""
    client = as_user(world.users["mission"])
    before = ReportEvent.objects.count()
    chosen = [world.reports["new_old"], world.reports["resolved_city"], world.reports["new_recent"]]
    response = decide(client, chosen, decision="transmettre", handler=world.landlord.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucun signalement n&#x27;a été modifié" in html
    assert world.reports["resolved_city"].reference in html.split("alert-danger")[1]
    assert statuses(world, "new_old", "new_recent") == [R.NEW, R.NEW]
    assert ReportEvent.objects.count() == before
    # the ticked boxes stay ticked
    pk = world.reports["new_old"].pk
    assert f'value="{pk}" form="triage-lot" id="choisir-{pk}" checked' in html
    # the next decision still leads back to the queue as it was filtered, not to the form's URL
    assert f'name="next" value="{TRIAGE}?theme=1"' in html


def test_a_status_decision_names_the_competent_body_or_the_original(world, as_user):
    client = as_user(world.users["mission"])
    chosen = [world.reports["new_old"], world.reports["new_recent"]]
    response = decide(client, chosen, decision="statut", status=R.NOT_OURS)
    assert "Nommez l&#x27;organisme compétent" in response.content.decode()
    response = decide(client, chosen, decision="statut", status=R.DUPLICATE)
    assert "Indiquez le signalement dont ceux-ci sont les doublons" in response.content.decode()
    assert statuses(world, "new_old", "new_recent") == [R.NEW, R.NEW]
    original = world.reports["sent_city"]
    response = decide(client, chosen, decision="statut", status=R.DUPLICATE, duplicate_of=original.pk)
    assert response.status_code == 302
    for report in chosen:
        report.refresh_from_db()
        assert (report.status, report.duplicate_of, report.closed_at is not None) == (
            R.DUPLICATE,
            original,
            True,
        )
    response = decide(
        client, [world.reports["new_housing"]], decision="statut", status=R.NOT_OURS, competent_body="Enedis"
    )
    assert response.status_code == 302
    world.reports["new_housing"].refresh_from_db()
    assert world.reports["new_housing"].competent_body == "Enedis"


def test_a_report_cannot_be_its_own_original(world, as_user):
    report = world.reports["new_old"]
    response = decide(
        as_user(world.users["mission"]),
        [report],
        decision="statut",
        status=R.DUPLICATE,
        duplicate_of=report.pk,
    )
    assert response.status_code == 200
    assert "doublon de lui-même" in response.content.decode()
    assert statuses(world, "new_old") == [R.NEW]


def test_a_decision_needs_a_ticked_report_and_a_choice(world, as_user):
    client = as_user(world.users["mission"])
    html = decide(client, [], decision="transmettre", handler=world.city.pk).content.decode()
    assert "Cochez au moins un signalement." in html
    html = decide(client, [world.reports["new_old"]], decision="transmettre").content.decode()
    assert "Choisissez l&#x27;organisation à qui transmettre." in html
    html = decide(client, [world.reports["new_old"]], decision="statut").content.decode()
    assert "Choisissez le statut." in html
    assert statuses(world, "new_old") == [R.NEW]


def test_the_seeder_leaves_planner_statistics_of_the_rows_it_wrote(world):
    """The seeder's ANALYZE (gusp.seeders.demo.analyze) runs inside the seeding transaction: the triage
    queue of a set seeded and read in one transaction (tests, benches) is planned on its real size."""
    from django.db import connection

    from gusp.models import Report
    from gusp.seeders.demo import analyze
    from tests.gusp.factories import ReportFactory

    def estimated() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'gusp_report'")
            return cursor.fetchone()[0]

    analyze(Report)
    assert estimated() == Report.objects.count() == 7
    ReportFactory.create_batch(3, programme=world.programme)  # written after the last statistics
    assert estimated() == 7
    analyze(Report)
    assert estimated() == Report.objects.count() == 10


def test_a_link_of_the_queue_re_rendered_after_a_refusal_goes_back_to_the_queue(world, as_user):
    """A refused decision re-renders the queue at the form's URL: its sort and page links (relative) lead
    there in GET, sent back to the queue with the same query."""
    response = as_user(world.users["mission"]).get(DECIDE, {"sort": "reported_at", "page": "2"})
    assert response.status_code == 302
    assert response.url == f"{TRIAGE}?sort=reported_at&page=2"

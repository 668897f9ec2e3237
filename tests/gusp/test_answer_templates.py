"""The programme's canned answers: data the team writes and edits; the programme's people read them."""

from django.urls import reverse

from gusp.models import AnswerTemplate

LIST = reverse("gusp:answer_template_list")


def test_the_team_adds_edits_and_removes_a_canned_answer(world, as_user):
    client = as_user(world.users["mission"])
    response = client.post(
        reverse("gusp:answer_template_create"),
        {"title": "Épave signalée", "text": "La police municipale a été prévenue.", "order": 3},
    )
    assert response.status_code == 302
    template = AnswerTemplate.objects.get(title="Épave signalée")
    assert template.programme == world.programme
    client.post(
        reverse("gusp:answer_template_edit", args=[template.pk]),
        {"title": "Épave", "text": "  La police municipale a été prévenue.  ", "order": 3},
    )
    template.refresh_from_db()
    assert (template.title, template.text) == ("Épave", "La police municipale a été prévenue.")
    html = client.get(LIST).content.decode().split('id="modeles-reponse"')[1]
    assert html.index("Transmis") < html.index("Réglé") < html.index("Épave")  # in their order
    delete_url = reverse("gusp:answer_template_delete", args=[template.pk])
    assert delete_url in client.get(LIST).content.decode()  # a link to the confirmation, not a form
    confirmation = client.get(delete_url).content.decode()
    assert "Supprimer le modèle « Épave » ?" in confirmation
    assert "La police municipale a été prévenue." in confirmation
    assert AnswerTemplate.objects.filter(pk=template.pk).exists()
    assert client.post(delete_url).status_code == 302
    assert not AnswerTemplate.objects.filter(pk=template.pk).exists()


def test_two_canned_answers_may_not_share_a_title(world, as_user):
    response = as_user(world.users["gusp_referent"]).post(
        reverse("gusp:answer_template_create"), {"title": "Transmis", "text": "Autre texte", "order": 0}
    )
    assert response.status_code == 200
    assert "Un modèle de réponse porte déjà cet intitulé." in response.content.decode()


def test_direction_reads_the_canned_answers_and_changes_none(world, as_user):
    client = as_user(world.users["direction"])
    html = client.get(LIST).content.decode()
    assert "Votre signalement a été transmis." in html
    assert reverse("gusp:answer_template_create") not in html
    template = AnswerTemplate.objects.get(title="Transmis")
    assert client.get(reverse("gusp:answer_template_delete", args=[template.pk])).status_code == 403
    assert client.post(reverse("gusp:answer_template_delete", args=[template.pk])).status_code == 403
    assert as_user(world.users["handler"]).get(LIST).status_code == 403


def test_the_answer_form_offers_the_programme_s_canned_answers_only(world, as_user):
    from tests.gusp.factories import AnswerTemplateFactory

    AnswerTemplateFactory(title="D'un autre programme")
    html = (
        as_user(world.users["handler"])
        .get(reverse("gusp:report_detail", args=[world.reports["in_progress_landlord"].pk]))
        .content.decode()
    )
    assert ">Transmis</option>" in html
    assert ">Réglé</option>" in html
    assert "autre programme" not in html

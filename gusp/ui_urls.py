from django.urls import path

from gusp.views import answers, dashboard, handling, reports, triage, walk_audits

urlpatterns: list = [
    # Tableau de bord
    path("", dashboard.dashboard, name="dashboard"),
    # Tri des nouveaux signalements
    path("tri/", triage.triage, name="triage"),
    path("tri/decision/", triage.triage_decide, name="triage_decide"),
    # Signalements
    path("signalements/", reports.report_list, name="report_list"),
    path("signalements/carte/", reports.report_map, name="report_map"),
    path("signalements/points.json", reports.report_points, name="report_points"),
    path("signalements/export.xlsx", reports.report_export, name="report_export"),
    path("signalements/choix.json", reports.report_choices, name="report_choices"),
    path("signalements/statut-en-lot/", reports.report_bulk_status, name="report_bulk_status"),
    path("signalements/nouveau/", reports.report_create, name="report_create"),
    path("signalements/<int:pk>/", reports.report_detail, name="report_detail"),
    path("signalements/<int:pk>/modifier/", reports.report_edit, name="report_edit"),
    path("signalements/<int:pk>/photos/<int:photo_pk>/", reports.report_photo, name="report_photo"),
    path("signalements/<int:pk>/orientation/", handling.report_route, name="report_route"),
    path("signalements/<int:pk>/statut/", handling.report_status, name="report_status"),
    path("signalements/<int:pk>/reponse/", handling.report_answer, name="report_answer"),
    path("signalements/<int:pk>/photos/", handling.report_photo_add, name="report_photo_add"),
    # Modèles de réponse
    path("modeles-de-reponse/", answers.answer_template_list, name="answer_template_list"),
    path("modeles-de-reponse/nouveau/", answers.answer_template_create, name="answer_template_create"),
    path("modeles-de-reponse/<int:pk>/modifier/", answers.answer_template_edit, name="answer_template_edit"),
    path(
        "modeles-de-reponse/<int:pk>/supprimer/",
        answers.answer_template_delete,
        name="answer_template_delete",
    ),
    # Diagnostics en marchant
    path("diagnostics/", walk_audits.walk_audit_list, name="walk_audit_list"),
    path("diagnostics/nouveau/", walk_audits.walk_audit_create, name="walk_audit_create"),
    path("diagnostics/<int:pk>/", walk_audits.walk_audit_detail, name="walk_audit_detail"),
    path("diagnostics/<int:pk>/modifier/", walk_audits.walk_audit_edit, name="walk_audit_edit"),
    path("diagnostics/<int:pk>/points.json", walk_audits.walk_audit_points, name="walk_audit_points"),
    path(
        "diagnostics/<int:pk>/observation/",
        walk_audits.walk_audit_observation,
        name="walk_audit_observation",
    ),
]

from gusp.views import abatements, actions, conventions, themes  # noqa: E402

urlpatterns += [
    # Thèmes (référentiel)
    path("themes/", themes.theme_list, name="theme_list"),
    path("themes/<int:pk>/modifier/", themes.theme_edit, name="theme_edit"),
    path("themes/<int:pk>/delais/", themes.theme_delay_set, name="theme_delay_set"),
    path(
        "themes/<int:pk>/delais/<int:delay_pk>/retirer/", themes.theme_delay_remove, name="theme_delay_remove"
    ),
    # Plan d'actions
    path("actions/", actions.action_list, name="action_list"),
    path("actions/export.xlsx", actions.action_export, name="action_export"),
    path("actions/nouvelle/", actions.action_create, name="action_create"),
    path("actions/<int:pk>/modifier/", actions.action_edit, name="action_edit"),
    # Montants d'abattement de TFPB des bailleurs
    path("actions/abattements/", abatements.abatement_list, name="abatement_list"),
    path("actions/abattements/<int:pk>/modifier/", abatements.abatement_edit, name="abatement_edit"),
    path("actions/abattements/<int:pk>/supprimer/", abatements.abatement_delete, name="abatement_delete"),
    # Conventions GUSP et leurs engagements
    path("conventions/", conventions.convention_list, name="convention_list"),
    path("conventions/nouvelle/", conventions.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", conventions.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/modifier/", conventions.convention_edit, name="convention_edit"),
    path(
        "conventions/<int:pk>/engagements/nouveau/", conventions.commitment_create, name="commitment_create"
    ),
    path(
        "conventions/<int:pk>/engagements/<int:commitment_pk>/modifier/",
        conventions.commitment_edit,
        name="commitment_edit",
    ),
    path(
        "conventions/<int:pk>/engagements/<int:commitment_pk>/supprimer/",
        conventions.commitment_delete,
        name="commitment_delete",
    ),
]

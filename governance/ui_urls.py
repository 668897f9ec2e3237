from django.urls import path

from governance.views import actions, bodies, concertation, ics, meetings

urlpatterns = [
    # Instances
    path("instances/", bodies.body_list, name="body_list"),
    path("instances/ajouter/", bodies.body_create, name="body_create"),
    path("instances/<int:pk>/", bodies.body_detail, name="body_detail"),
    path("instances/<int:pk>/modifier/", bodies.body_edit, name="body_edit"),
    path("instances/<int:pk>/preparer/", bodies.body_prepare, name="body_prepare"),
    # Séances
    path("seances/", meetings.meeting_calendar, name="meeting_calendar"),
    path("seances/liste/", meetings.meeting_list, name="meeting_list"),
    path("seances/ajouter/", meetings.meeting_create, name="meeting_create"),
    path("seances/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("seances/<int:pk>/modifier/", meetings.meeting_edit, name="meeting_edit"),
    path(
        "seances/<int:pk>/operations.json",
        meetings.meeting_operation_choices,
        name="meeting_operation_choices",
    ),
    path("seances/<int:pk>/seance.ics", ics.meeting_ics, name="meeting_ics"),
    path("seances/<int:pk>/ordre-du-jour/", meetings.agenda_item_add, name="agenda_item_add"),
    path(
        "seances/<int:pk>/ordre-du-jour/<int:item_pk>/retirer/",
        meetings.agenda_item_remove,
        name="agenda_item_remove",
    ),
    path("seances/<int:pk>/presences/", meetings.attendance_set, name="attendance_set"),
    path("seances/<int:pk>/decisions/", meetings.decision_add, name="decision_add"),
    path("seances/<int:pk>/documents/", meetings.meeting_document_upload, name="meeting_document_upload"),
    path(
        "seances/<int:pk>/documents/<int:document_pk>/",
        meetings.meeting_document_download,
        name="meeting_document_download",
    ),
    path(
        "seances/<int:pk>/compte-rendu/", meetings.meeting_minutes_download, name="meeting_minutes_download"
    ),
    path("decisions/<int:pk>/modifier/", meetings.decision_edit, name="decision_edit"),
    path("agenda/<str:token>.ics", ics.ics_feed, name="ics_feed"),
    # Actions
    path("actions/", actions.action_board, name="action_board"),
    path("actions/export.xlsx", actions.action_export, name="action_export"),
    path("actions/ajouter/", actions.action_create, name="action_create"),
    path("actions/<int:pk>/", actions.action_detail, name="action_detail"),
    path("actions/<int:pk>/modifier/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/statut/", actions.action_status, name="action_status"),
    # Concertation
    path("concertation/", concertation.concertation_dashboard, name="concertation_dashboard"),
    path("concertation/temps/", concertation.event_list, name="event_list"),
    path("concertation/temps/ajouter/", concertation.event_create, name="event_create"),
    path("concertation/temps/<int:pk>/", concertation.event_detail, name="event_detail"),
    path("concertation/temps/<int:pk>/modifier/", concertation.event_edit, name="event_edit"),
    path("concertation/remontees/", concertation.feedback_list, name="feedback_list"),
    path("concertation/remontees/ajouter/", concertation.feedback_create, name="feedback_create"),
    path("concertation/remontees/<int:pk>/", concertation.feedback_detail, name="feedback_detail"),
    path("concertation/remontees/<int:pk>/reponse/", concertation.feedback_answer, name="feedback_answer"),
    path("concertation/remontees/<int:pk>/action/", concertation.feedback_convert, name="feedback_convert"),
]

from django.urls import path

from relogement.views import dashboard, households

urlpatterns: list = [
    path("", dashboard.dashboard, name="dashboard"),
    path("operations/", dashboard.dashboard_operations, name="dashboard_operations"),
    path("menages/", households.household_list, name="household_list"),
    path("menages/export.xlsx", households.household_export, name="household_export"),
    path("menages/nouveau/", households.household_create, name="household_create"),
    path("menages/<int:pk>/", households.household_detail, name="household_detail"),
    path("menages/<int:pk>/modifier/", households.household_edit, name="household_edit"),
    path("menages/<int:pk>/propositions/ajouter/", households.offer_add, name="offer_add"),
    path(
        "menages/<int:pk>/propositions/<int:offer_pk>/reponse/",
        households.offer_answer,
        name="offer_answer",
    ),
    path("menages/<int:pk>/relogements/ajouter/", households.rehousing_add, name="rehousing_add"),
]

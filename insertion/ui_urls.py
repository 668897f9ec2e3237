from django.urls import path

from insertion.views import dashboard, markets, participants

urlpatterns: list = [
    path("", dashboard.dashboard, name="dashboard"),
    path("operations/", dashboard.dashboard_operations, name="dashboard_operations"),
    path("export.xlsx", dashboard.dashboard_export, name="dashboard_export"),
    path("moa/<int:pk>/", dashboard.moa_detail, name="moa_detail"),
    path("marches/", markets.market_list, name="market_list"),
    path("marches/export.xlsx", markets.market_export, name="market_export"),
    path("marches/operations/", markets.operation_choices, name="operation_choices"),
    path("marches/<int:pk>/", markets.market_detail, name="market_detail"),
    path("marches/<int:pk>/modifier/", markets.market_edit, name="market_edit"),
    path("marches/<int:pk>/contrats/", markets.market_contracts, name="market_contracts"),
    path("participants/", participants.participant_list, name="participant_list"),
    path("participants/export.xlsx", participants.participant_export, name="participant_export"),
    path("participants/<int:pk>/", participants.participant_detail, name="participant_detail"),
]

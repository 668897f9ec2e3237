from django.urls import path

from projects.views import dashboard, documents, operations, sectors

app_name = "projects"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("quartiers/", sectors.sector_list, name="sector_list"),
    path("quartiers/perimetres.geojson", sectors.sectors_geojson, name="sectors_geojson"),
    path("quartiers/<slug:slug>/", sectors.sector_detail, name="sector_detail"),
    path("operations/", operations.operation_list, name="operation_list"),
    path("operations/export.xlsx", operations.operation_export, name="operation_export"),
    path("operations/<int:pk>/", operations.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/modifier/", operations.operation_edit, name="operation_edit"),
    path("operations/<int:pk>/historique/", operations.operation_history_view, name="operation_history"),
    path(
        "quartiers/<slug:key>/documents/ajouter/",
        documents.document_upload,
        {"kind": "quartier"},
        name="sector_document_upload",
    ),
    path(
        "operations/<int:key>/documents/ajouter/",
        documents.document_upload,
        {"kind": "operation"},
        name="operation_document_upload",
    ),
    path("documents/<int:pk>/", documents.document_download, name="document_download"),
]

from django.urls import path

from projects.views import conventions, dashboard, documents, operation_parts, operations, sectors

app_name = "projects"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("quartiers/", sectors.sector_list, name="sector_list"),
    path("quartiers/perimetres.geojson", sectors.sectors_geojson, name="sectors_geojson"),
    path("quartiers/<slug:slug>/", sectors.sector_detail, name="sector_detail"),
    path("operations/", operations.operation_list, name="operation_list"),
    path("operations/nouvelle/", operations.operation_create, name="operation_create"),
    path("operations/export.xlsx", operations.operation_export, name="operation_export"),
    path("operations/<int:pk>/", operations.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/modifier/", operations.operation_edit, name="operation_edit"),
    path("operations/<int:pk>/historique/", operations.operation_history_view, name="operation_history"),
    path(
        "operations/<int:pk>/financements/ajouter/",
        operation_parts.funding_line_add,
        name="funding_line_add",
    ),
    path(
        "operations/<int:pk>/financements/<int:line_pk>/modifier/",
        operation_parts.funding_line_edit,
        name="funding_line_edit",
    ),
    path(
        "operations/<int:pk>/financements/<int:line_pk>/supprimer/",
        operation_parts.funding_line_delete,
        name="funding_line_delete",
    ),
    path("operations/<int:pk>/jalons/ajouter/", operation_parts.milestone_add, name="milestone_add"),
    path(
        "operations/<int:pk>/jalons/<int:milestone_pk>/modifier/",
        operation_parts.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "operations/<int:pk>/jalons/<int:milestone_pk>/supprimer/",
        operation_parts.milestone_delete,
        name="milestone_delete",
    ),
    path("conventions/", conventions.convention_list, name="convention_list"),
    path("conventions/nouvelle/", conventions.convention_create, name="convention_create"),
    path("conventions/<int:pk>/modifier/", conventions.convention_edit, name="convention_edit"),
    path("conventions/<int:pk>/avenants/ajouter/", conventions.amendment_create, name="amendment_create"),
    path(
        "conventions/<int:pk>/avenants/<int:amendment_pk>/modifier/",
        conventions.amendment_edit,
        name="amendment_edit",
    ),
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

from django.urls import path

from core import import_mapping_views, import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.import_list, name="list"),
    path("<int:pk>/", import_views.import_preview, name="preview"),
    path("<int:pk>/etat/", import_views.import_status, name="status"),
    path("<int:pk>/confirmer/", import_views.import_confirm, name="confirm"),
    path("<int:pk>/annuler/", import_views.import_cancel, name="cancel"),
    path("<int:pk>/correspondances/", import_mapping_views.import_mappings_save, name="mappings_save"),
    path("correspondances/", import_mapping_views.mapping_list, name="mapping_list"),
    path("correspondances/<int:pk>/modifier/", import_mapping_views.mapping_edit, name="mapping_edit"),
    path("correspondances/<int:pk>/supprimer/", import_mapping_views.mapping_remove, name="mapping_delete"),
    path("<slug:kind>/deposer/", import_views.import_upload, name="upload"),
]

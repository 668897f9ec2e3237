from django.urls import path

from core import import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.import_list, name="list"),
    path("<int:pk>/", import_views.import_preview, name="preview"),
    path("<int:pk>/etat/", import_views.import_status, name="status"),
    path("<int:pk>/confirmer/", import_views.import_confirm, name="confirm"),
    path("<int:pk>/annuler/", import_views.import_cancel, name="cancel"),
    path("<slug:kind>/deposer/", import_views.import_upload, name="upload"),
]

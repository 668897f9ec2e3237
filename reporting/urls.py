from django.urls import path

from reporting import views as packs

app_name = "reporting"

urlpatterns = [
    path("", packs.pack_list, name="pack_list"),
    path("demander/", packs.pack_request, name="pack_request"),
    path("<int:pk>/", packs.pack_detail, name="pack_detail"),
    path("<int:pk>/statut/", packs.pack_status, name="pack_status"),
    path("<int:pk>/telecharger/", packs.pack_download, name="pack_download"),
    path("<int:pk>/publier/", packs.pack_publish, name="pack_publish"),
    path("<int:pk>/retirer/", packs.pack_withdraw, name="pack_withdraw"),
]

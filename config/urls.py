from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from core import views as core_views
from core.data_register_views import personal_data_register

admin.site.site_header = "Pilotage NPRU — administration"
admin.site.site_title = "Pilotage NPRU"

handler500 = "core.views.server_error"

urlpatterns = [
    path("healthz", login_not_required(core_views.healthz), name="healthz"),
    path("favicon.ico", login_not_required(core_views.favicon), name="favicon"),
    path("donnees-personnelles/", personal_data_register, name="personal_data"),
    path("comptes/", include("accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("imports/", include("core.import_urls")),
    # Packs keep their address under /gouvernance/ (bookmarks, links in mails) though `reporting` owns them.
    path("gouvernance/dossiers/", include("reporting.urls")),
    path("gouvernance/", include("governance.urls")),
    path("relogement/", include("relogement.urls")),
    path("insertion/", include("insertion.urls")),
    path("gusp/", include("gusp.urls")),
    path("journal-acces/", include("core.access_urls")),
    path("", include("projects.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)

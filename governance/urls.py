from django.urls import include, path

app_name = "governance"
urlpatterns = [
    path("", include("governance.ui_urls")),
]

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("programme/", views.programme_switch, name="programme_switch"),
]

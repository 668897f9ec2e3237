from django.apps import AppConfig


class RelogementConfig(AppConfig):
    name = "relogement"
    verbose_name = "Relogement"

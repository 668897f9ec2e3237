from django.apps import AppConfig


class RelogementConfig(AppConfig):
    name = "relogement"
    verbose_name = "Relogement"

    def ready(self) -> None:
        from core.personal_data import register_domain

        # Households one by one: reading them needs this grant on the membership (and a second factor).
        register_domain(
            key="relogement",
            label="Relogement",
            records="ménages",
            pages="Le suivi ménage par ménage",
        )

"""System checks of a deployment (`manage.py check --deploy`, run by scripts/check_prod.sh in CI)."""

from django.conf import settings
from django.core import checks

# The register entry of the "Données personnelles" page: a production instance names who is
# responsible, whom to contact and where the data are hosted (the page says "non renseigné" otherwise).
REGISTER_SETTINGS = (
    ("PERSONAL_DATA_CONTROLLER", "DJANGO_PERSONAL_DATA_CONTROLLER", "le responsable du traitement"),
    (
        "PERSONAL_DATA_CONTACT",
        "DJANGO_PERSONAL_DATA_CONTACT",
        "le contact du délégué à la protection des données",
    ),
    ("PERSONAL_DATA_HOSTING", "DJANGO_PERSONAL_DATA_HOSTING", "l'hébergeur et le lieu d'hébergement"),
)


@checks.register(checks.Tags.security, deploy=True)
def personal_data_register_filled(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Warning(
            f"La page « Données personnelles » (registre des traitements) ne donne pas {what}.",
            hint=f"Renseigner la variable d'environnement {env}.",
            id="npru.W001",
        )
        for name, env, what in REGISTER_SETTINGS
        if not str(getattr(settings, name, "")).strip()
    ]

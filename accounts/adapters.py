from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators: no public sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


class MFAAdapter(DefaultMFAAdapter):
    """A person granted personal data keeps their second factor: it cannot be switched off while the
    grant lasts (RequireMfaMiddleware would only ask for a new one at the next page)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "La double authentification est obligatoire tant que votre rattachement porte une habilitation "
            "aux données personnelles : elle ne peut pas être désactivée. Pour y renoncer, demandez à "
            "l'administrateur de votre programme de retirer l'habilitation."
        ),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        return not authenticator.user.needs_mfa

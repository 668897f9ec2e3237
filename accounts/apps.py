from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et droits"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import stamp_activity_at_login

        user_logged_in.connect(stamp_activity_at_login, dispatch_uid="accounts.stamp_activity_at_login")

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_staff_group(sender, **kwargs):
    # Permissions are created by Django after each app's migrations; the staff group follows
    # them, so that a new model's permissions reach the secretaries with the next migrate.
    from accounts.services import staff_group_sync

    staff_group_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and establishments")

    def ready(self):
        post_migrate.connect(_sync_staff_group, dispatch_uid="accounts.staff_group_sync")

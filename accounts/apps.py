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
        from accounts import admin_queue, checks, sessions  # noqa: F401 - checks, signals
        from accounts.selectors import failed_mail_count, locked_login_count

        admin_queue.register(
            admin_queue.Queue(
                _("Locked logins"),
                locked_login_count,
                "admin:axes_accessattempt_changelist",
                "axes.view_accessattempt",
            )
        )
        admin_queue.register(
            admin_queue.Queue(
                _("Mails that could not be sent"),
                failed_mail_count,
                "admin:accounts_mail_changelist",
                "accounts.view_mail",
                "?status__in=deferred,failed",
            )
        )

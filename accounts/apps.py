from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_staff_group(sender, **kwargs):
    # Permissions are created by Django after each app's migrations; the staff group follows
    # them, so that a new model's permissions reach the secretaries with the next migrate.
    from accounts.services import staff_group_sync

    staff_group_sync()


def _create_cache_tables(sender, using, **kwargs):
    # The cache (logins' rate limits, sessions' helpers) lives in a database table that Django's
    # own migrate does not make: a deployment that ran migrate alone answered 500 on every login.
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and establishments")

    def ready(self):
        post_migrate.connect(_sync_staff_group, dispatch_uid="accounts.staff_group_sync")
        post_migrate.connect(
            _create_cache_tables, sender=self, dispatch_uid="accounts.create_cache_tables"
        )
        from accounts import (  # noqa: F401 - checks, sessions: their checks and signals
            admin_queue,
            audit,
            audit_actions,
            checks,
            sessions,
        )
        from accounts.selectors import failed_mail_count, locked_login_count

        audit.actions_register(audit_actions.ACTIONS)

        admin_queue.register(
            admin_queue.Queue(
                _("Locked logins"),
                locked_login_count,
                "admin:accounts_failedlogin_changelist",
                "accounts.view_failedlogin",
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

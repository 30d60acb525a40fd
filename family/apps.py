from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "family"
    verbose_name = _("Families")

    def ready(self):
        from accounts import admin_queue
        from family.selectors import pending_change_count

        admin_queue.register(
            admin_queue.Queue(
                _("Change requests to validate"),
                pending_change_count,
                "admin:family_changerequest_changelist",
                "family.view_changerequest",
            )
        )

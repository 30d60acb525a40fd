from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "family"
    verbose_name = _("Families")

    def ready(self):
        from accounts import admin_queue, audit
        from family import audit_actions
        from family.selectors import documents_to_check_count, pending_change_count

        audit.actions_register(audit_actions.ACTIONS)

        admin_queue.register(
            admin_queue.Queue(
                _("Change requests to validate"),
                pending_change_count,
                "admin:family_changerequest_changelist",
                "family.view_changerequest",
                query="?status__exact=pending",
            )
        )
        admin_queue.register(
            admin_queue.Queue(
                _("Documents to check"),
                documents_to_check_count,
                "admin:family_document_changelist",
                "family.view_document",
                query="?status=received",
            )
        )

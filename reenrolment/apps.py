from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReenrolmentConfig(AppConfig):
    name = "reenrolment"
    verbose_name = _("Re-enrolment")

    def ready(self):
        from django.db.models.signals import pre_delete

        from accounts import admin_queue, audit
        from family import anonymisation
        from reenrolment import audit_actions, services
        from reenrolment.models import ReenrolmentRequest
        from reenrolment.selectors import requests_to_decide_count

        audit.actions_register(audit_actions.ACTIONS)
        anonymisation.register(
            anonymisation.Part(
                "reenrolment",
                names=lambda family: [],  # its requests point to the students, named there
                anonymise=services.family_reenrolment_anonymise,
                refusals=services.family_reenrolment_refusals,
            )
        )

        pre_delete.connect(
            services.request_deleted,
            sender=ReenrolmentRequest,
            dispatch_uid="reenrolment.request_deleted",
        )
        admin_queue.register(
            admin_queue.Queue(
                _("Re-enrolments to validate"),
                requests_to_decide_count,
                "admin:reenrolment_reenrolmentrequest_changelist",
                "reenrolment.view_reenrolmentrequest",
                query="?status__exact=submitted",
            )
        )

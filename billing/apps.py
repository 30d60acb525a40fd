from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from accounts import admin_queue, audit
        from billing import (
            audit_actions,
            checks,  # noqa: F401 - registers the system checks
            services,
        )
        from billing.selectors import attempts_awaiting_count
        from family import anonymisation

        audit.actions_register(audit_actions.ACTIONS)

        anonymisation.register(
            anonymisation.Part(
                "billing",
                names=services.family_billing_names,
                anonymise=services.family_billing_anonymise,
                refusals=services.family_billing_refusals,
            )
        )
        admin_queue.register(
            admin_queue.Queue(
                _("Online payments awaiting confirmation"),
                attempts_awaiting_count,
                "admin:billing_paymentattempt_changelist",
                "billing.view_paymentattempt",
                query="?status__exact=started",
            )
        )

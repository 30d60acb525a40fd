from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = _("Students and courses")

    def ready(self):
        from accounts import audit
        from family import anonymisation
        from students import audit_actions, services

        audit.actions_register(audit_actions.ACTIONS)

        anonymisation.register(
            anonymisation.Part(
                "students",
                names=services.family_students_names,
                anonymise=services.family_students_anonymise,
            )
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = _("Students and courses")

    def ready(self):
        from family import anonymisation
        from students import services

        anonymisation.register(
            anonymisation.Part(
                "students",
                names=services.family_students_names,
                anonymise=services.family_students_anonymise,
            )
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReenrolmentConfig(AppConfig):
    name = "reenrolment"
    verbose_name = _("Re-enrolment")

from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.access import PUBLIC
from accounts.views import upcoming

app_name = "accessibility"

urlpatterns = [
    path("", upcoming(_("Accessibility")), name="menu"),
    path("aide/", upcoming(_("Help - Accessibility"), PUBLIC), name="help"),
]

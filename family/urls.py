from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.views import upcoming

app_name = "family"

urlpatterns = [
    path("", upcoming(_("Family")), name="identity"),
]

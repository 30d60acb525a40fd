"""Admin pieces that span apps (accounts may not import family)."""

from django.contrib import admin

from accounts.admin import EstablishmentAdmin
from accounts.models import Establishment
from family.services import choice_lists_seed

admin.site.unregister(Establishment)


@admin.register(Establishment)
class PortalEstablishmentAdmin(EstablishmentAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A new establishment starts with the default choice lists (Civilité…).
            choice_lists_seed(establishment=obj)

"""Admin pages that show records kept as they were (the audit log, the online payments as
the provider reported them): nobody adds, changes or deletes them, superusers included."""


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

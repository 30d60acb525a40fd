"""The admin site of the portal: Django's, with the staff's two-factor login.

Its login page checks the password as Django's does; a staff member who has enrolled an
authentication app is then asked for its code on a page of its own before being logged in
(``accounts.two_factor``). The site also serves the page where staff enrol their app.

This module is named in INSTALLED_APPS (``PortalAdminConfig``): it must not import models.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _


class PortalAdminSite(admin.AdminSite):
    """Django's admin site, its login in two steps and the enrolment page added."""

    def get_urls(self):
        from accounts import two_factor

        return [
            # Before the login: the visitor is not logged in yet, the view checks what it needs.
            path("login/code/", two_factor.code_view(self), name="two_factor_code"),
            path(
                "two-factor/",
                self.admin_view(two_factor.enrol_view(self)),
                name="two_factor_enrol",
            ),
            *super().get_urls(),
        ]

    def login(self, request, extra_context=None):
        """Django's admin login (same page, same form), in two steps for staff with an app."""
        from django.contrib.admin.forms import AdminAuthenticationForm

        from accounts.two_factor import TwoStepLoginView

        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return TwoStepLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )(request)


class PortalAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.PortalAdminSite"

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_ipv46_address
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join, urlize
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from mailer.models import PRIORITY_DEFERRED, PRIORITY_HIGH, DontSendEntry, Message, MessageLog

from accounts import audit, lockout, selectors, services
from accounts.admin_forms import (
    PortalAdminPasswordChangeForm,
    PortalUserChangeForm,
    PortalUserCreationForm,
)
from accounts.admin_lookups import SecretLookupsRefusedMixin
from accounts.admin_readonly import ReadOnlyAdminMixin
from accounts.emails import SECRET_HEADER
from accounts.models import AuditEntry, Establishment, FailedLogin, Mail, User
from accounts.tenancy import TenantAdminMixin


@admin.register(Establishment)
class EstablishmentAdmin(TenantAdminMixin, admin.ModelAdmin):
    """Superusers manage establishments; staff see and edit their own one's details."""

    list_display = ["name", "code", "city", "online_payment", "is_active"]
    search_fields = ["name", "code", "city"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("code", "is_active")

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


PASSWORD_FIELDS = ("usable_password", "password1", "password2")

# Keys of authentication apps are managed from the user's page (accounts.two_factor): django-otp's
# own admin would show any staff member's key to superusers.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(User)
class UserAdmin(TenantAdminMixin, DjangoUserAdmin):
    """Family accounts for staff (of their establishment); every account for superusers."""

    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    change_password_form = PortalAdminPasswordChangeForm
    list_display = ["login", "establishment", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "establishment"]
    search_fields = ["username", "identifier", "email", "last_name", "first_name"]
    ordering = ["establishment", "identifier", "username"]

    @admin.display(description=_("identifier"), ordering="username")
    def login(self, user):
        return str(user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Staff manage family accounts, and see their own; never a colleague's.
        return queryset.filter(Q(is_staff=False) | Q(pk=request.user.pk))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            if request.user.is_superuser:
                first = ("username", "is_staff", "establishment", "identifier", "email")
            else:
                first = ("establishment", "identifier", "email")
            return ((None, {"classes": ("wide",), "fields": first + PASSWORD_FIELDS}),)
        login = ("username", "password", "two_factor") if obj.is_staff else ("password",)
        portal = ("establishment", "identifier", "language")
        if obj.is_staff:
            portal = ("establishment", "language")
        rights = ("is_active",)
        if request.user.is_superuser:
            rights += ("is_staff", "is_superuser", "groups", "user_permissions")
        return (
            (None, {"fields": login}),
            (_("Portal"), {"fields": portal}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Permissions"), {"fields": rights}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = ["last_login", "date_joined", "two_factor"]
        if not request.user.is_superuser and obj.pk == request.user.pk:
            # Staff cannot change their own establishment nor switch themselves off.
            readonly += ["establishment", "is_active"]
        return readonly

    @admin.display(description=_("two-factor authentication"))
    def two_factor(self, user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            return gettext("off: logging in asks for the password alone")
        return gettext("on since %(date)s: logging in asks for the code of an app") % {
            "date": date_format(device.created_at, "SHORT_DATETIME_FORMAT")
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        if request.user.is_superuser:
            # The reset button of the page's tools (admin/accounts/user/change_form.html).
            user = self.get_object(request, unquote(object_id))
            if user is not None and user.is_staff:
                extra_context["two_factor_reset_url"] = reverse(
                    "admin:accounts_user_two_factor_reset", args=[user.pk]
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        user = getattr(response, "context_data", {}).get("original")
        if user is not None:
            # Django titles the page with the internal login (c1:abarre1).
            title = (
                gettext("Change password: %s")
                if user.has_usable_password()
                else gettext("Set password: %s")
            )
            response.context_data["title"] = title % user
        return response

    def get_urls(self):
        return [
            path(
                "<path:object_id>/two-factor/reset/",
                self.admin_site.admin_view(self.two_factor_reset_view),
                name="accounts_user_two_factor_reset",
            ),
            *super().get_urls(),
        ]

    def two_factor_reset_view(self, request, object_id):
        """A staff member lost or replaced the phone of their authentication app: a superuser
        deletes its key (after a confirmation page); the next login asks for the password
        alone, then for a new app's enrolment."""
        if not request.user.is_superuser:
            raise PermissionDenied
        user = self.get_object(request, unquote(object_id))
        if user is None or not user.is_staff:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = reverse("admin:accounts_user_change", args=[user.pk])
        if request.method == "POST":
            services.two_factor_reset(user=user, actor=request.user)
            messages.success(
                request,
                gettext(
                    "The two-factor authentication of %(user)s is reset: they log in with their "
                    "password, then enrol a new authentication app."
                )
                % {"user": user},
            )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reset two-factor authentication"),
            "subtitle": None,
            "opts": self.opts,
            "original": user,
            "change_url": change_url,
            "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "required": settings.STAFF_REQUIRE_2FA,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/accounts/user/two_factor_reset.html", context)


@admin.register(FailedLogin)
class FailedLoginAdmin(SecretLookupsRefusedMixin, admin.ModelAdmin):
    """Connexions bloquées: the identifiers and the addresses that failed logins block, each
    with a button that unblocks it, and the other recent failures. Staff see their
    establishment's family logins only; superusers every login, staff logins included."""

    fields = ["login", "establishment", "address", "browser", "failures", "last_failure"]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.failed_logins_for(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # unblocking is the page's own buttons

    def has_unlock_permission(self, request) -> bool:
        return request.user.has_perm("accounts.unlock_login")

    @admin.display(description=_("identifier"))
    def login(self, record):
        return User.login_shown(record.username or "")

    @admin.display(description=_("establishment"))
    def establishment(self, record):
        scope = lockout.login_scope(record.username)
        if not scope:
            return gettext("Staff (the administration's login page)")
        found = Establishment.objects.filter(code=scope).first()
        return found.name if found else scope

    @admin.display(description=_("Internet address"))
    def address(self, record):
        return record.ip_address or ""

    @admin.display(description=_("browser"))
    def browser(self, record):
        return record.user_agent

    @admin.display(description=_("Failed logins"))
    def failures(self, record):
        return record.failures_since_start

    @admin.display(description=_("Last failure"))
    def last_failure(self, record):
        return date_format(localtime(record.attempt_time), "DATETIME_FORMAT")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Django's "View <name>" reads "Affichage de échec de connexion" in French.
        extra_context = {"title": gettext("Failed logins"), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.unblock(request)
        query = request.GET.get("q", "").strip()[:100]
        context = {
            **self.admin_site.each_context(request),
            "title": capfirst(self.opts.verbose_name_plural),
            "subtitle": None,
            "opts": self.opts,
            "failures": selectors.login_failures(request.user, query=query),
            "query": query,
            "can_unlock": self.has_unlock_permission(request),
            "login_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS,
            "minutes": lockout.lockout_minutes(),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/accounts/failedlogin/change_list.html", context)

    def unblock(self, request):
        """A *Débloquer* button: one login, or one address (of one establishment's logins)."""
        if not self.has_unlock_permission(request):
            raise PermissionDenied
        back = redirect(request.get_full_path())
        login = request.POST.get("login", "")[:255]
        address = request.POST.get("address", "")[:64]
        if login:
            shown = User.login_shown(login)
            if services.login_unlock(username=login, actor=request.user):
                messages.success(
                    request,
                    gettext(
                        "The identifier %(login)s is unblocked: its failed logins are forgotten."
                    )
                    % {"login": shown},
                )
            else:
                messages.info(
                    request, gettext("The identifier %(login)s was not blocked.") % {"login": shown}
                )
            return back
        try:
            validate_ipv46_address(address)
        except ValidationError:
            messages.info(request, gettext("Nothing to unblock."))
            return back
        scope = request.POST.get("scope", "")[:20]
        if services.address_unblock(ip_address=address, scope=scope, actor=request.user):
            messages.success(
                request,
                gettext(
                    "The address %(address)s is unblocked: the failed logins that came from "
                    "it are forgotten."
                )
                % {"address": address},
            )
        else:
            messages.info(
                request, gettext("The address %(address)s was not blocked.") % {"address": address}
            )
        return back


class AuditActionFilter(admin.SimpleListFilter):
    """The actions of the log, by their names."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        found = model_admin.get_queryset(request).order_by()
        labels = {
            action: audit.action_label(action, object_type)
            for action, object_type in found.values_list("action", "object_type").distinct()
        }
        return sorted(labels.items(), key=lambda item: item[1].lower())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    """The audit log: read, filtered, searched; never written nor changed from here."""

    list_display = ["created_at", "what", "by", "record", "establishment"]
    list_filter = [AuditActionFilter, "establishment"]
    search_fields = ["object_repr", "actor_label", "action"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "establishment",
        "what",
        "by",
        "record_type",
        "object_id",
        "record",
        "shown_details",
    ]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def what(self, entry):
        return audit.action_label(entry.action, entry.object_type)

    @admin.display(description=_("by (login)"), ordering="actor_label")
    def by(self, entry):
        # The login as it was then; a family's shown by its identifier (c1:abarre1: abarre1).
        return User.login_shown(entry.actor_label)

    @admin.display(description=_("record type"))
    def record_type(self, entry):
        model = audit.record_model(entry.object_type)
        if model is None:
            return entry.object_type or None
        return capfirst(model._meta.verbose_name)

    @admin.display(description=_("record"), ordering="object_repr")
    def record(self, entry):
        if entry.object_type == User._meta.label:
            return User.login_shown(entry.object_repr)
        return entry.object_repr or None

    @admin.display(description=_("details"))
    def shown_details(self, entry):
        lines = audit.details_shown(entry)
        if not lines:
            return "–"
        return format_html(
            '<dl class="audit-details">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", lines),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Django's "View <name>" reads "Affichage de entrée du journal d'audit" in French.
        extra_context = {"title": gettext("Audit log entry"), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)


# What a secretary can tell a family of a mail that did not leave, by the kind of failure the
# worker logged (never the server's own words, which may quote addresses).
MAIL_FAILURES = {
    "SMTPRecipientsRefused": _("the mail server refused the recipient's address"),
    "SMTPSenderRefused": _("the mail server refused the establishment's sender address"),
    "SMTPAuthenticationError": _("the portal could not log in to the mail server"),
    "SMTPDataError": _("the mail server refused the mail"),
}
UNREACHABLE = ("Connection", "Timeout", "timeout", "gaierror", "OSError", "SMTPServerDisconnected")


def mail_failure_text(failure: str) -> str:
    """The failure the worker logged ("SMTPRecipientsRefused 550"), in the staff's words."""
    if not failure:
        return ""
    kind = failure.split()[0]
    if kind in MAIL_FAILURES:
        return str(MAIL_FAILURES[kind])
    if kind.startswith(UNREACHABLE) or kind == "SMTPConnectError":
        return gettext("the mail server could not be reached")
    return gettext("the mail could not be handed to the mail server")


@admin.register(Mail)
class MailAdmin(ReadOnlyAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    """The mail log: each mail the portal queued, to whom, about what, when, and whether it
    left; read, filtered and searched by the staff of its establishment."""

    def changelist_view(self, request, extra_context=None):
        # Django's "Select mail to view" reads "Sélectionnez l'objet mail à afficher".
        extra_context = {"title": gettext("Mail log"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    list_display = ["shown_date", "recipient", "subject", "shown_status"]
    list_display_links = ["shown_date", "subject"]
    list_filter = ["status", "establishment"]
    list_select_related = ["establishment"]
    search_fields = ["recipient", "subject", "user__identifier"]
    date_hierarchy = "queued_at"
    fields = [
        "queued_at",
        "establishment",
        "recipient",
        "shown_login",
        "subject",
        "shown_status",
        "attempts",
        "last_attempt_at",
        "shown_body",
    ]
    readonly_fields = fields

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return [*shown, "establishment"] if request.user.is_superuser else shown

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return [name for name in fields if name != "establishment"]

    @admin.display(description=_("date"), ordering="queued_at")
    def shown_date(self, mail):
        return date_format(localtime(mail.queued_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("login"))
    def shown_login(self, mail):
        return mail.user.identifier if mail.user_id and mail.user.identifier else "—"

    @admin.display(description=_("status"), ordering="status")
    def shown_status(self, mail):
        if mail.status == Mail.Status.SENT and mail.sent_at:
            return gettext("Sent on %(date)s") % {
                "date": date_format(localtime(mail.sent_at), "SHORT_DATETIME_FORMAT")
            }
        failure = mail_failure_text(mail.failure)
        if failure and mail.status != Mail.Status.SENT:
            return f"{mail.get_status_display()} ({failure})"
        return mail.get_status_display()

    @admin.display(description=_("text"))
    def shown_body(self, mail):
        if not mail.body:
            return gettext(
                "Not kept: a mail may hold a temporary password. Its subject says what it was "
                "about."
            )
        # The text version, its addresses made links: a tester follows them from here.
        # urlize escapes the text around the addresses (autoescape): the result is safe.
        linked = mark_safe(urlize(mail.body, autoescape=True))
        return format_html('<div class="mail-body">{}</div>', linked)


# django-mailer's own pages: its log keeps nothing readable once a mail is sent (the mail log
# above replaces it), and its "don't send" list is never consulted by the outbox backend.
for mailer_model in (MessageLog, DontSendEntry):
    if admin.site.is_registered(mailer_model):
        admin.site.unregister(mailer_model)
if admin.site.is_registered(Message):
    admin.site.unregister(Message)


@admin.register(Message)
class OutboxAdmin(admin.ModelAdmin):
    """The outbox (superusers: it holds every establishment's mail, temporary passwords
    included): what waits, read only; deleted, or sent at once with the action."""

    list_display = ["id", "shown_recipient", "shown_subject", "shown_added", "shown_state"]
    date_hierarchy = "when_added"
    actions = ["send_now"]
    fields = ["shown_recipient", "shown_subject", "shown_added", "shown_state", "shown_text"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("recipient"))
    def shown_recipient(self, message):
        return ", ".join(message.to_addresses) or "—"

    @admin.display(description=_("subject"))
    def shown_subject(self, message):
        return message.subject or "—"

    @admin.display(description=_("date"), ordering="when_added")
    def shown_added(self, message):
        return date_format(localtime(message.when_added), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("status"), ordering="priority")
    def shown_state(self, message):
        if message.priority != PRIORITY_DEFERRED:
            return gettext("Waiting to be sent")
        return ngettext(
            "Could not be sent (retried %(count)s time)",
            "Could not be sent (retried %(count)s times)",
            message.retry_count,
        ) % {"count": message.retry_count}

    @admin.display(description=_("text"))
    def shown_text(self, message):
        email = message.email
        if email is None:
            return "—"
        if any(key.lower() == SECRET_HEADER.lower() for key in email.extra_headers):
            # A temporary password still valid: nobody reads it here, a superuser included.
            return gettext("Not shown: this mail holds a temporary password.")
        return format_html("<pre>{}</pre>", email.body)

    @admin.action(description=_("Send the selected mails now"), permissions=["view"])
    def send_now(self, request, queryset):
        # Put first in the queue, not sent from here: an unreachable mail server would hold
        # this page for the connection's time-out, once per mail.
        count = queryset.update(priority=PRIORITY_HIGH)
        self.message_user(
            request,
            ngettext(
                "%(count)d mail goes first in the queue: the mail worker sends it within a minute.",
                "%(count)d mails go first in the queue: the mail worker sends them within a "
                "minute.",
                count,
            )
            % {"count": count},
        )

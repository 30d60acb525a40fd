from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def mail_is_really_sent(app_configs, **kwargs):
    """In production, mail printed on the console would put temporary passwords in the logs."""
    backend = settings.MAIL_DELIVERY_BACKEND
    if not settings.DEBUG and backend.endswith(("console.EmailBackend", "dummy.EmailBackend")):
        return [
            Warning(
                "No mail server is configured: mail, temporary passwords included, would be "
                "written to the logs instead of being sent.",
                hint="Set EMAIL_HOST (and its credentials) to your SMTP relay.",
                id="accounts.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def staff_logins_ask_for_a_second_factor(app_configs, **kwargs):
    """In production, a stolen staff password alone opens every family's record of the
    establishment: the second factor should be required."""
    if not settings.DEBUG and not settings.STAFF_REQUIRE_2FA:
        return [
            Warning(
                "Staff may log in to the admin with a password alone.",
                hint="Set STAFF_REQUIRE_2FA=1: every staff member then enrols an "
                "authentication app before using the admin.",
                id="accounts.W002",
            )
        ]
    return []

"""Reads of the accounts app."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from accounts.models import Mail
from accounts.tenancy import staff_scope

FAILED_MAIL_STATUSES = (Mail.Status.DEFERRED, Mail.Status.FAILED)


def locked_login_count(request) -> int:
    """Logins of the staff member's establishment locked by repeated failures."""
    attempts = AccessAttempt.objects.exclude(username=None)
    user = request.user
    if not user.is_superuser:
        attempts = attempts.filter(username__startswith=f"{user.establishment.code}:")
    # One row per login and address: a login is locked once its failures add up to the limit.
    per_login = attempts.values("username").annotate(failures=Sum("failures_since_start"))
    return per_login.filter(failures__gte=settings.AXES_FAILURE_LIMIT).count()


def failed_mail_count(request) -> int:
    """Mail of the staff member's establishment that could not be sent (to be retried, or
    given up), as the mail log says."""
    failed = Mail.objects.filter(status__in=FAILED_MAIL_STATUSES)
    return staff_scope(failed, request.user).count()

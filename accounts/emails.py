"""Mail to families and staff: rendered in the recipient's language, queued in the outbox.

``queue_mail`` stores the message in the database (django-mailer's outbox) within the caller's
transaction: if the change is rolled back, no mail leaves. The mail worker
(``manage.py mail_worker``) sends it, and retries when the mail server fails.
"""

import logging
from datetime import timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.timezone import now

logger = logging.getLogger(__name__)

OUTBOX_BACKEND = "mailer.backend.DbBackend"


def sender_of(establishment) -> str:
    if establishment is not None and establishment.mail_sender:
        # formataddr quotes a name with commas or other special characters.
        return formataddr((establishment.name, establishment.mail_sender))
    return settings.DEFAULT_FROM_EMAIL


def queue_mail(
    *, to: str, template: str, context: dict, language: str, establishment, secret: bool = False
) -> None:
    """Queue ``emails/<template>`` (subject, text and HTML) for one recipient; ``secret`` marks
    a mail holding a password, whose body is removed if it cannot be sent in time."""
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    context = {**context, "establishment": establishment}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=sender_of(establishment),
        to=[to],
        headers={"Content-Language": language, **({SECRET_HEADER: "1"} if secret else {})},
    )
    message.attach_alternative(html, "text/html")
    # Always into the outbox, whatever EMAIL_BACKEND says (the test runner replaces it).
    message.connection = get_connection(OUTBOX_BACKEND)
    message.send()


def defer_on_delivery_error(connection, message, exc):
    """django-mailer's error handler: a message that fails is deferred for a retry (the worker
    retries deferred mail) and logged; one bad message never stops the others."""
    from mailer.models import RESULT_FAILURE, MessageLog

    message.defer()
    # The kind of failure and the server's code only: an SMTP error may quote the addresses.
    failure = f"{type(exc).__name__} {getattr(exc, 'smtp_code', '')}".strip()
    MessageLog.objects.log(message, RESULT_FAILURE, log_message=failure)
    logger.warning("mail %s deferred: %s", message.pk, failure)
    return None, "deferred"


SECRET_HEADER = "X-Portal-Secret"


def redact_expired_secrets() -> int:
    """Mail holding a temporary password that could not be sent before the password expired:
    its body goes (the password is useless anyway), the rest stays for the staff to see."""
    from mailer.models import Message

    limit = now() - timedelta(hours=settings.TEMPORARY_PASSWORD_HOURS)
    redacted = 0
    for message in Message.objects.deferred().filter(when_added__lt=limit):
        email = message.email
        if email is None or SECRET_HEADER not in email.extra_headers:
            continue
        email.body = "[expired temporary password removed]"
        email.alternatives = []
        del email.extra_headers[SECRET_HEADER]
        message.email = email
        message.save(update_fields=["message_data"])
        redacted += 1
    return redacted

"""Mail to families and staff: rendered in the recipient's language, queued in the outbox.

``queue_mail`` stores the message in the database (django-mailer's outbox) within the caller's
transaction: if the change is rolled back, no mail leaves. The mail worker
(``manage.py mail_worker``) sends it, and retries when the mail server fails.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

OUTBOX_BACKEND = "mailer.backend.DbBackend"


def sender_of(establishment) -> str:
    if establishment is not None and establishment.mail_sender:
        return f"{establishment.name} <{establishment.mail_sender}>"
    return settings.DEFAULT_FROM_EMAIL


def queue_mail(*, to: str, template: str, context: dict, language: str, establishment) -> None:
    """Queue ``emails/<template>`` (subject, text and HTML) for one recipient."""
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
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    # Always into the outbox, whatever EMAIL_BACKEND says (the test runner replaces it).
    message.connection = get_connection(OUTBOX_BACKEND)
    message.send()


def defer_on_delivery_error(connection, message, exc):
    """django-mailer's error handler: any SMTP or network failure defers the message for a retry
    (the worker retries deferred mail); other errors are bugs and propagate."""
    from mailer.models import RESULT_FAILURE, MessageLog

    if isinstance(exc, (smtplib.SMTPException, OSError)):
        message.defer()
        MessageLog.objects.log(message, RESULT_FAILURE, log_message=str(exc))
        logger.warning("mail deferred: %s", exc)
        return None, "deferred"
    raise exc

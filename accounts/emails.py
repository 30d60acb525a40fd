"""Mail to families and staff: rendered in the recipient's language, queued in the outbox.

``queue_mail`` stores the message in the database (django-mailer's outbox) within the caller's
transaction, with its line in the mail log (``Mail``): if the change is rolled back, no mail
leaves. The mail worker (``manage.py mail_worker``) sends it through ``LoggedDeliveryBackend``
(which marks it sent in the log), and retries when the mail server fails
(``defer_on_delivery_error``, which marks it deferred or failed).
"""

import logging
from datetime import timedelta
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.timezone import now

from accounts.models import Mail

logger = logging.getLogger(__name__)

OUTBOX_BACKEND = "mailer.backend.DbBackend"


def sender_of(establishment) -> str:
    if establishment is not None and establishment.mail_sender:
        # formataddr quotes a name with commas or other special characters.
        return formataddr((establishment.name, establishment.mail_sender))
    return settings.DEFAULT_FROM_EMAIL


def queue_mail(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    establishment,
    secret: bool = False,
    user=None,
) -> None:
    """Queue ``emails/<template>`` (subject, text and HTML) for one recipient (``user``: the
    login it is for, if any) and log it; ``secret`` marks a mail holding a password, whose body
    is removed if it cannot be sent in time."""
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    context = {**context, "establishment": establishment}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", {**context, "subject": subject})
    sender = sender_of(establishment)
    # Given now (django-mailer would give one when sending): the log finds the mail by it.
    message_id = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or "localhost")
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=sender,
        to=[to],
        headers={
            "Message-ID": message_id,
            "Content-Language": language,
            **({SECRET_HEADER: "1"} if secret else {}),
        },
    )
    message.attach_alternative(html, "text/html")
    # Always into the outbox, whatever EMAIL_BACKEND says (the test runner replaces it).
    message.connection = get_connection(OUTBOX_BACKEND)
    # The outbox row and its log line together: a worker sending in between, or a failed
    # second insert, would leave a line forever "waiting" or a mail sent with no line.
    with transaction.atomic():
        message.send()
        _log_line(establishment, user, to, message, template, message_id, text)


def _log_line(establishment, user, to, message, template, message_id, text) -> None:
    Mail.objects.create(
        establishment=establishment,
        user=user,
        recipient=to,
        subject=message.subject[:255],
        template=template,
        message_id=message_id,
        body=text if settings.MAIL_LOG_BODIES else "",
    )


def _message_id(email) -> str | None:
    for key, value in email.extra_headers.items():
        if key.lower() == "message-id":
            return value
    return None


class LoggedDeliveryBackend(BaseEmailBackend):
    """The mail worker's backend (``MAILER_EMAIL_BACKEND``): the real one
    (``MAIL_DELIVERY_BACKEND``: SMTP, the console, files) sends, then each mail sent is marked
    so in the mail log, in the worker's transaction."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(
            settings.MAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self):
        return self.delivery.open()

    def close(self):
        return self.delivery.close()

    def send_messages(self, email_messages):
        sent = self.delivery.send_messages(email_messages)
        if sent:
            ids = [_message_id(email) for email in email_messages]
            moment = now()
            Mail.objects.filter(message_id__in=[i for i in ids if i]).update(
                status=Mail.Status.SENT,
                sent_at=moment,
                last_attempt_at=moment,
                attempts=F("attempts") + 1,
            )
        return sent


def defer_on_delivery_error(connection, message, exc):
    """django-mailer's error handler: a message that fails is deferred for a retry (the worker
    retries deferred mail) and logged; one bad message never stops the others."""
    from mailer.models import RESULT_FAILURE, MessageLog

    message.defer()
    # The kind of failure and the server's code only: an SMTP error may quote the addresses.
    failure = f"{type(exc).__name__} {getattr(exc, 'smtp_code', '')}".strip()
    MessageLog.objects.log(message, RESULT_FAILURE, log_message=failure)
    logger.warning("mail %s deferred: %s", message.pk, failure)
    email = message.email
    if email is not None and _message_id(email):
        # The worker puts deferred mail back in the queue until it has been retried this often.
        limit = settings.MAILER_EMAIL_MAX_RETRIES
        given_up = limit is not None and message.retry_count >= limit
        Mail.objects.filter(message_id=_message_id(email)).update(
            status=Mail.Status.FAILED if given_up else Mail.Status.DEFERRED,
            last_attempt_at=now(),
            attempts=F("attempts") + 1,
            failure=failure[:100],
        )
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
        Mail.objects.filter(message_id=_message_id(email) or "").update(body="")
        redacted += 1
    return redacted


def mail_log_erase(*, establishment_id: int, logins: list, addresses: set[str]) -> int:
    """The mail log's lines for these logins or addresses in an establishment, deleted (an
    erased family): who was mailed what is personal data."""
    addresses = {address.lower() for address in addresses if address}
    query = Q(user__in=logins)
    for address in addresses:
        query |= Q(recipient__iexact=address)
    deleted, _by_model = Mail.objects.for_establishment(establishment_id).filter(query).delete()
    return deleted

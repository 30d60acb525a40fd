import time

from django.conf import settings
from django.core.management.base import BaseCommand
from mailer.engine import send_all
from mailer.models import Message

from accounts.emails import redact_expired_secrets


class Command(BaseCommand):
    help = "Send the queued mail, retry deferred mail, and keep doing so (the mail worker)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then stop.")

    def handle(self, *args, once: bool = False, **options):
        last_retry = 0.0
        while True:
            if time.monotonic() - last_retry >= settings.MAIL_RETRY_INTERVAL or once:
                # Deferred mail goes back to the queue until it has failed too often; then it
                # stays deferred, listed in the admin's outbox for the staff to see.
                redact_expired_secrets()
                Message.objects.retry_deferred()
                last_retry = time.monotonic()
            if Message.objects.non_deferred().exists():
                send_all()
            if once:
                return
            time.sleep(settings.MAIL_WORKER_SLEEP)

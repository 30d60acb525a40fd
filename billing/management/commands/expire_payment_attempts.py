from django.conf import settings
from django.core.management.base import BaseCommand

from billing.services import payment_attempts_expire


class Command(BaseCommand):
    help = (
        "Mark as abandoned the online payments started and not confirmed within "
        "PAYMENT_EXPIRY_MINUTES (audited); money their provider confirms afterwards is "
        "recorded on account and the staff are told. Run it every few minutes."
    )

    def handle(self, *args, **options):
        abandoned = payment_attempts_expire()
        self.stdout.write(
            f"{abandoned} online payment(s) not confirmed within "
            f"{settings.PAYMENT_EXPIRY_MINUTES} minutes marked as abandoned."
        )

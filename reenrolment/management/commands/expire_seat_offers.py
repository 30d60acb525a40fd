from django.core.management.base import BaseCommand

from reenrolment.waiting import expire_offers


class Command(BaseCommand):
    help = (
        "End the seats offered to families waiting whose time to accept is over, and offer "
        "each seat to the next student on the slot's waiting list (by e-mail). Run it every "
        "few minutes."
    )

    def handle(self, *args, **options):
        expired = expire_offers()
        self.stdout.write(f"{expired} seat offer(s) expired and passed on.")

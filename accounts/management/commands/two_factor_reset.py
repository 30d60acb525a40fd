from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Reset the two-factor authentication of a staff login (a lost or replaced phone), for "
        "when no superuser can do it from the admin: the login then asks for the password alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff member's login in the administration.")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"No staff login is named {username!r}.")
        deleted = services.two_factor_reset(user=user, actor=None)
        self.stdout.write(f"{username}: {deleted} authentication app key(s) deleted.")

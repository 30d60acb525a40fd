from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imuse_portal.demo import DEFAULT_URL, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo portal of the user guides (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo data even with DEBUG off (never on a real installation).",
        )
        parser.add_argument(
            "--url",
            default="",
            help="The address the portal is served on, for the printed logins and the links "
            f"of the demo's mails (default: PORTAL_URL, else {DEFAULT_URL}).",
        )

    def handle(self, *args, force: bool = False, url: str = "", **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a real installation, where demo accounts with a "
                "known password must not exist. Use --force only on a test server."
            )
        url = (url or settings.PORTAL_URL or DEFAULT_URL).rstrip("/")
        logins = load_demo(portal_url=url)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write(f"Families: {url}/  (choose the Site, then log in)")
        for login in logins:
            if login.where == "portal":
                self.stdout.write(f"  {login.establishment:32} {login.login:14} {login.who}")
        self.stdout.write(f"Staff: {url}/admin/")
        for login in logins:
            if login.where == "admin":
                self.stdout.write(f"  {login.establishment:32} {login.login:14} {login.who}")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(
            "The demo's mails are printed on the console by the mail worker (or written to "
            "files when EMAIL_FILE_PATH is set) and, with DEBUG on, kept with their links in "
            f"{url}/admin/accounts/mail/"
        )

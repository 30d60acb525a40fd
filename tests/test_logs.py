"""The logs and the error mails say what happened, to which request, never who the family is:
a day of a family's and a secretary's work is logged (logins right and wrong, a lockout, a
password changed and one generated, a record saved with its personal data, a refused
document, mail sent and mail deferred, pages not found, a server error) and nothing a family
typed or holds appears in the log lines or in the mail the administrators get."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from conftest import client_for, log_in_with_the_form
from family import views as family_views
from imuse_portal.log_format import JsonFormatter, PlainFormatter
from tests.figures import report

pytestmark = pytest.mark.django_db

SECRETS = {
    "password": "Musique2024",
    "wrong password": "Faux-Secret-42",
    "new password": "Violon2026b",
    "phone": "06 12 34 56 78",
    "e-mail": "irina.abarre@example.org",
    "last name": "ABARRE",
    "first name": "Jérémie",
    "city": "Saint-Jean-de-Braye",
    "address": "12 rue des Lilas",
    "identifier": "abarre1",
}


class Capture(logging.Handler):
    """Every record, formatted as production writes it (plain and JSON)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        from django.conf import settings

        config = settings.LOGGING
        self.formatters = [
            PlainFormatter(config["formatters"]["plain"]["format"]),
            _json_formatter(config["formatters"]["json"]),
        ]
        self.addFilter(_request_id_filter())
        self.lines: list[str] = []

    def emit(self, record):
        for formatter in self.formatters:
            self.lines.append(formatter.format(record))


def _json_formatter(options: dict) -> logging.Formatter:
    return JsonFormatter(
        options["format"],
        rename_fields=options["rename_fields"],
        reserved_attrs=options["reserved_attrs"],
    )


def _request_id_filter():
    from imuse_portal.request_id import RequestIdFilter

    return RequestIdFilter()


@pytest.fixture
def captured(settings):
    settings.ADMINS = [("Admin", "admin@example.org")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    handler = Capture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # production's LOG_LEVEL
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def a_day_of_work(world, settings, monkeypatch):
    persona = world.family_a
    user = persona.user
    user.email = SECRETS["e-mail"]
    user.save(update_fields=["email"])
    guardian = persona.guardian
    guardian.first_name, guardian.email = SECRETS["first name"], SECRETS["e-mail"]
    guardian.save(update_fields=["first_name", "email"])
    login = reverse("accounts:login")
    visitor = client_for(None)
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(3):  # wrong passwords, then a lockout
        visitor.post(
            login,
            {
                "establishment": world.establishment_1.pk,
                "identifier": SECRETS["identifier"],
                "password": SECRETS["wrong password"],
            },
            REMOTE_ADDR="203.0.113.7",
        )
    family = client_for(None)
    log_in_with_the_form(family, world.family_b)
    family = client_for(None)
    settings.AXES_FAILURE_LIMIT = 50
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    log_in_with_the_form(family, persona, password=SECRETS["password"])
    family.post(
        reverse("accounts:password_change"),
        {
            "old_password": SECRETS["password"],
            "new_password1": SECRETS["new password"],
            "new_password2": SECRETS["new password"],
        },
    )
    client_for(None).post(
        reverse("accounts:password_generate"),
        {
            "establishment": world.establishment_1.pk,
            "identifier": SECRETS["identifier"],
            "email": SECRETS["e-mail"],
        },
    )
    identity = {
        "civility": guardian.civility_id,
        "last_name": SECRETS["last name"],
        "first_name": SECRETS["first name"],
        "address": SECRETS["address"],
        "postal_code": "45800",
        "city": SECRETS["city"],
        "mobile_phone": SECRETS["phone"],
        "email": SECRETS["e-mail"],
    }
    family.post(reverse("family:identity"), identity)
    family.post(reverse("family:identity"), identity | {"postal_code": "ABC"})  # refused
    family.get(f"/eleves/999/?q={SECRETS['last name']}&email={SECRETS['e-mail']}")  # 404
    staff = client_for(world.staff_1)
    staff.post(
        reverse("admin:family_document_change", args=[world.document_a.pk]),
        {"_refuse": "1", "reason": f"Illisible, {SECRETS['first name']}"},
    )
    call_command("mail_worker", once=True)  # sent (the test backend)

    def fail(**kwargs):
        # A database error quotes the row it refused, and says what caused it.
        try:
            raise ValueError(f"{SECRETS['e-mail']} is taken")
        except ValueError as cause:
            raise IntegrityError(
                f"duplicate key: Key (username)=(c1:{SECRETS['identifier']}) already exists"
            ) from cause

    monkeypatch.setattr(family_views.services, "change_request_submit", fail)
    family.raise_request_exception = False
    response = family.post(reverse("family:identity"), identity | {"city": "Orléans-la-Source"})
    assert response.status_code == 500

    def fail_to_read(record):
        raise RuntimeError(f"no pending request for {record}")

    monkeypatch.setattr(family_views, "pending_request_for", fail_to_read)
    response = family.get(
        f"/famille/?q={SECRETS['city']}&email={SECRETS['e-mail']}",
        HTTP_REFERER=f"https://portail.example.org/eleves/?q={SECRETS['first name']}",
        HTTP_USER_AGENT=f"Navigateur de {SECRETS['last name']}",
    )
    assert response.status_code == 500


def test_no_personal_data_nor_secret_in_logs_or_error_mails(world, settings, monkeypatch, captured):
    a_day_of_work(world, settings, monkeypatch)
    lines = captured.lines
    admin_mails = [message for message in mail.outbox if message.to == ["admin@example.org"]]
    mails = [
        "\n".join([message.subject, message.body, *(c for c, _t in message.alternatives)])
        for message in admin_mails
    ]
    found = [
        f"{what} in {where}: {text[:160]!r}"
        for where, texts in (("a log line", lines), ("an error mail", mails))
        for text in texts
        for what, secret in (*SECRETS.items(), ("the city typed", "Orléans-la-Source"))
        if secret.lower() in text.lower()
    ]
    report(
        f"logs: {len(lines) // 2} log records (written plain and JSON) and {len(mails)} error "
        f"mails read, {len(found)} with personal data or a secret"
    )
    assert len(lines) > 10 and len(admin_mails) == 2, (lines, mail.outbox)
    assert "IntegrityError" in mails[0] and "RuntimeError" in mails[1]  # still says what failed
    assert "/famille/" in mails[1] and "GET" in mails[1]
    # The log says where the code failed and what kind of error, without its message.
    assert any("django.db.utils.IntegrityError (message not logged)" in line for line in lines)
    assert any('test_logs.py", line' in line for line in lines)
    assert found == [], "\n".join(found)


def test_every_log_line_names_its_request(world, captured):
    client_for(world.family_a.user).get("/nulle-part/", HTTP_X_REQUEST_ID="rq-0123456789")
    plain = [line for line in captured.lines if "Not Found" in line and not line.startswith("{")]
    assert plain and "[rq-0123456789]" in plain[0]
    as_json = [json.loads(line) for line in captured.lines if line.startswith("{")]
    record = next(entry for entry in as_json if "Not Found" in entry["message"])
    assert record["request_id"] == "rq-0123456789"
    assert record["level"] == "WARNING" and record["logger"] == "django.request"
    assert re.match(r"\d{4}-\d\d-\d\d", record["time"])

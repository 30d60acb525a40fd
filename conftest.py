"""Shared fixtures: the personas of every access test, and the CI rule that nothing is skipped.

Personas (STYLE.md): anonymous, family A (two students), family B (same establishment),
family C (another establishment), staff of each establishment, a superuser.
"""

from __future__ import annotations

import datetime
import os
import shutil
import time
from dataclasses import dataclass
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from mailer.models import Message

from accounts.services import staff_group_sync
from family.models import DocumentType
from family.services import change_request_submit, document_import, document_submit, invitation_send
from family.uploads import PDF, CheckedFile, check_upload
from students.models import Student
from tests.factories import (
    AbsenceFactory,
    CourseFactory,
    EnrolmentFactory,
    EstablishmentFactory,
    EvaluationFactory,
    FamilyFactory,
    FamilyUserFactory,
    GuardianFactory,
    PerformanceFactory,
    SchoolYearFactory,
    StaffUserFactory,
    StudentFactory,
    SuperUserFactory,
)

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip a test whose tool is missing locally; in CI (CI=true) the same absence fails it."""
    if condition:
        return
    if CI:
        pytest.fail(f"{reason} (CI=true: nothing may be skipped)", pytrace=False)
    pytest.skip(reason)


def require_program(name: str) -> str:
    """The path of an external program a test runs (skipped locally when it is missing, a
    failure in CI). tests/test_project_guards.py checks that .ci/run installs each one named so."""
    path = shutil.which(name)
    require(path is not None, f"{name} is not installed ({DEBIAN_PACKAGES.get(name, name)})")
    return path


# The Debian package that brings each program the tests or `make bench` run.
DEBIAN_PACKAGES = {
    "chromium": "chromium",
    "pdftotext": "poppler-utils",
    "pdfinfo": "poppler-utils",
    "pdffonts": "poppler-utils",
    "xgettext": "gettext",
    "msgfmt": "gettext",
    "pg_dump": "postgresql-client-15",
    "pg_restore": "postgresql-client-15",
    "wrk": "wrk",
    "git": "git",  # the Code source page's version and its test
    "make": "make",  # make run's test
}


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if CI and _skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    # The stored files of the tests live in a temporary folder of their own.
    from django.conf import settings

    location = getattr(settings, "TEST_MEDIA_ROOT", "")
    if "portal-test-media-" in location:
        shutil.rmtree(location, ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests import figures

    if figures.lines:
        terminalreporter.section("figures")
        for line in figures.lines:
            terminalreporter.write_line(line)
    if CI and _skipped:
        terminalreporter.section("skipped tests are failures in CI", red=True)
        for nodeid in _skipped:
            terminalreporter.write_line(nodeid)


@dataclass
class FamilyPersona:
    user: object
    family: object
    guardian: object
    students: list


@dataclass
class World:
    establishment_1: object
    establishment_2: object
    family_a: FamilyPersona
    family_a2: FamilyPersona  # family A's second guardian, with a login: Paul only
    family_b: FamilyPersona
    family_c: FamilyPersona
    staff_1: object
    staff_2: object
    superuser: object
    family_document_type: object  # establishment 1 asks each family for it
    student_document_type: object  # establishment 1 asks it for each student
    document_a: object  # a file family A sent, awaiting check
    enrolment_a: object  # Irina's course of the current year, with an evaluation and an absence
    evaluation_a: object
    absence_a: object
    past_enrolment_a: object  # Irina's record of a previous year
    performance_a: object  # a piece Irina played
    invoice_a: object  # family A's rental invoice (200 €), part paid by payment_a (150 €)
    payment_a: object
    attempt_a: object  # an online payment family A started, not confirmed yet
    # What family A's second guardian pays alone: a rental invoice (90 €), a receipt (40 €)
    # and a credit note (50 €), hers only.
    invoice_a2: object
    payment_a2: object
    credit_note_a2: object
    waiting_a: object  # Paul waiting for a seat of a time slot (a campaign over already)

    def users(self) -> dict[str, object | None]:
        """Every persona by name; anonymous is None."""
        return {
            "anonymous": None,
            "family_a": self.family_a.user,
            "family_a2": self.family_a2.user,
            "family_b": self.family_b.user,
            "family_c": self.family_c.user,
            "staff_1": self.staff_1,
            "staff_2": self.staff_2,
            "superuser": self.superuser,
        }


def second_guardian(persona, identifier: str, first_name: str, *, students) -> FamilyPersona:
    """Another guardian of the persona's family with a login of their own (a separated
    parent), responsible for ``students`` only; the first guardian stays responsible for
    every student."""
    family = persona.family
    user = FamilyUserFactory(establishment=family.establishment, identifier=identifier)
    guardian = GuardianFactory(family=family, user=user, first_name=first_name)
    for student in persona.students:
        student.responsible_guardians.add(persona.guardian)
    for student in students:
        student.responsible_guardians.add(guardian)
    return FamilyPersona(user=user, family=family, guardian=guardian, students=list(students))


def make_family(establishment, identifier: str, last_name: str, first_names: list[str]):
    user = FamilyUserFactory(establishment=establishment, identifier=identifier)
    family = FamilyFactory(establishment=establishment, name=last_name)
    guardian = GuardianFactory(family=family, user=user, first_name="Jérémie")
    students = [StudentFactory(family=family, first_name=name) for name in first_names]
    return FamilyPersona(user=user, family=family, guardian=guardian, students=students)


@pytest.fixture
def smtp_settings(settings):
    """The outbox's worker sends by SMTP to a port where nobody listens yet (the test starts
    a server there when it wants the mail server back): the port."""
    from tests.smtp import free_port

    port = free_port()
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return port


def log_in_with_the_form(client, persona, *, password: str = "Musique2024"):
    """A family logs in through the login page (its signals and cookies included)."""
    response = client.post(
        "/connexion/",
        {
            "establishment": persona.user.establishment_id,
            "identifier": persona.user.identifier,
            "password": password,
        },
    )
    assert response.status_code == 302, response.status_code
    persona.user.refresh_from_db()
    return response


def log_in_to_the_admin(client, user, *, password: str = "Musique2024", code=None, next_url=None):
    """A staff member logs in through the admin's login page, then gives the code of their
    authentication app when they have one (``code``: a code, or a device to make it from)."""
    data = {"username": user.username, "password": password}
    data["next"] = next_url or reverse("admin:index")
    response = client.post(reverse("admin:login"), data)
    assert response.status_code == 302, response.status_code
    if code is not None:
        assert response["Location"] == reverse("admin:two_factor_code")
        if not isinstance(code, str):
            code = totp_code(code)
        response = client.post(reverse("admin:two_factor_code"), {"code": code})
        assert response.status_code == 302, response.status_code
    return response


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The code an authentication app shows now for ``device`` (or ``steps_ahead`` periods of
    30 seconds later: a code is accepted once, and the next period's is accepted too)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol_app(user):
    """A confirmed authentication app for a staff member (as after the enrolment page)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="authentication app", confirmed=True)


def make_staff(establishment, username: str):
    user = StaffUserFactory(establishment=establishment, username=username)
    user.groups.add(staff_group_sync())
    return user


@pytest.fixture
def world(db) -> World:
    establishment_1 = EstablishmentFactory(code="c1", name="Conservatoire 1")
    establishment_2 = EstablishmentFactory(code="sj", name="École de musique de Saint-Jean")
    SchoolYearFactory(establishment=establishment_1)
    SchoolYearFactory(establishment=establishment_2)
    # A failed login of establishment 1, so that the lockout admin is tried across sites too.
    AccessAttempt.objects.create(
        username="c1:ancien1", ip_address="10.0.0.1", user_agent="test", failures_since_start=1
    )
    family_b = make_family(establishment_1, "bmartin1", "MARTIN", ["Lucas"])
    # A pending change of family B, so that the change-request pages are tried by everyone.
    change_request_submit(
        record=family_b.guardian,
        values={"city": "TOURS"},
        requested_by=family_b.user,
    )
    family_a = make_family(establishment_1, "abarre1", "ABARRE", ["Irina", "Paul"])
    family_a2 = second_guardian(family_a, "abarre2", "Marie", students=[family_a.students[1]])
    family_c = make_family(establishment_2, "cdurand2", "DURAND", ["Chloé"])
    types = {}
    for establishment in (establishment_1, establishment_2):
        types[establishment.pk] = (
            DocumentType.objects.create(
                establishment=establishment, name="Justificatif de domicile", holder="family"
            ),
            DocumentType.objects.create(
                establishment=establishment, name="Attestation d'assurance", holder="student"
            ),
        )
    family_type, student_type = types[establishment_1.pk]
    document_a = send_document(family_a, family_type)
    send_document(family_c, types[establishment_2.pk][1], student=family_c.students[0])
    record = make_school_record(family_a.students[0])
    make_school_record(family_c.students[0])
    for persona, invited in ((family_a, "Sophie"), (family_c, "Léo")):
        # An invitation of another guardian awaiting the staff, in each establishment.
        invitation_send(
            guardian=persona.guardian,
            last_name=persona.family.name,
            first_name=invited,
            email=f"{invited.lower()}.invitee@example.org",
            students=persona.students[:1],
        )
    waiting_a = make_waiting(make_campaign(establishment_1), family_a.students[1])
    make_waiting(make_campaign(establishment_2), family_c.students[0])
    billing = make_billing(family_a)
    billing |= make_own_billing(family_a2)
    make_billing(family_c)
    Message.objects.all().delete()  # the world starts with an empty outbox
    return World(
        establishment_1=establishment_1,
        establishment_2=establishment_2,
        family_a=family_a,
        family_a2=family_a2,
        family_b=family_b,
        family_c=family_c,
        staff_1=make_staff(establishment_1, "secretariat1"),
        staff_2=make_staff(establishment_2, "secretariat2"),
        superuser=SuperUserFactory(username="admin"),
        family_document_type=family_type,
        student_document_type=student_type,
        document_a=document_a,
        **record,
        **billing,
        waiting_a=waiting_a,
    )


def make_billing(persona) -> dict[str, object]:
    """The guide's rental ledger (an invoice of 200 €, a cheque of 150 €, 50 € due) for a
    family, online payment offered, and an online payment started."""
    from billing import services as billing
    from billing.models import Ledger, PaymentMode

    family = persona.family
    family.establishment.online_payment = True
    family.establishment.save(update_fields=["online_payment"])
    invoice = billing.invoice_import(
        family=family,
        ledger=Ledger.RENTALS,
        number="12FC01785",
        on=datetime.date(2012, 12, 4),
        label="facture",
        lines=[("Location violon 3/4", Decimal("1"), Decimal("200.00"))],
    )
    payment = billing.payment_import(
        family=family,
        ledger=Ledger.RENTALS,
        number="12RC01724",
        on=datetime.date(2012, 12, 4),
        mode=PaymentMode.CHEQUE,
        amount=Decimal("150.00"),
        invoices=[invoice],
    )
    attempt = billing.payment_start(
        family=family,
        ledger=Ledger.RENTALS,
        amount=Decimal("50.00"),
        provider="test",
        user=persona.user,
    )
    return {"invoice_a": invoice, "payment_a": payment, "attempt_a": attempt}


def make_own_billing(persona) -> dict[str, object]:
    """A separated parent's own rental ledger, in 2010: an invoice they pay (90 €), their
    cheque (40 €) and a credit note (50 €), each made out to them."""
    from billing import services as billing
    from billing.models import DocumentKind, Invoice, InvoiceLine, Ledger, PaymentMode

    family, guardian = persona.family, persona.guardian
    invoice = billing.invoice_import(
        family=family,
        ledger=Ledger.RENTALS,
        number="10FC00420",
        on=datetime.date(2010, 12, 1),
        label="facture alto",
        lines=[("Location alto", Decimal("1"), Decimal("90.00"))],
        payer=guardian,
    )
    payment = billing.payment_record(
        family=family,
        ledger=Ledger.RENTALS,
        mode=PaymentMode.CHEQUE,
        amount=Decimal("40.00"),
        invoices=[invoice],
        on=datetime.date(2010, 12, 5),
        payer=guardian,
    )
    note = Invoice.objects.create(
        establishment=family.establishment,
        family=family,
        ledger=Ledger.RENTALS,
        kind=DocumentKind.CREDIT_NOTE,
        corrects=invoice,
        payer=guardian,
        label="avoir alto",
    )
    InvoiceLine.objects.create(
        invoice=note, description="Alto rendu", quantity=Decimal("1"), unit_price=Decimal("50")
    )
    note = billing.invoice_issue(invoice=note, on=datetime.date(2010, 12, 20))
    return {"invoice_a2": invoice, "payment_a2": payment, "credit_note_a2": note}


def make_campaign(establishment):
    """A re-enrolment campaign for next year (over already), offering a collective course
    with two time slots."""
    from django.utils import timezone

    from reenrolment.models import Campaign, Choice, Offer, ReenrolmentRequest, Slot

    next_year = SchoolYearFactory(
        establishment=establishment,
        label="2027/2028",
        start_date=datetime.date(2027, 9, 1),
        end_date=datetime.date(2028, 7, 4),
        is_current=False,
    )
    campaign = Campaign.objects.create(
        establishment=establishment,
        name="Réinscriptions 2027/2028",
        school_year=next_year,
        opens_at=timezone.make_aware(datetime.datetime(2026, 5, 1)),
        closes_at=timezone.make_aware(datetime.datetime(2026, 6, 1)),
    )
    choir = Offer.objects.create(
        establishment=establishment, campaign=campaign, label="Chorale", kind="collective"
    )
    slots = [
        Slot.objects.create(establishment=establishment, offer=choir, label=label, capacity=10)
        for label in ("Mardi 17:30-19:00", "Mercredi 14:00-15:30")
    ]
    # A request sent during the campaign, holding a seat of the first slot.
    student = Student.objects.filter(establishment=establishment).order_by("pk").first()
    request = ReenrolmentRequest.objects.create(
        establishment=establishment,
        campaign=campaign,
        family=student.family,
        student=student,
        status="submitted",
        submitted_at=campaign.opens_at,
    )
    Choice.objects.create(establishment=establishment, request=request, offer=choir, slot=slots[0])
    Slot.objects.filter(pk=slots[0].pk).update(taken=1)
    return campaign


def make_waiting(campaign, student):
    """The student's request in the campaign (validated), waiting for a seat of its last time
    slot, full."""
    from reenrolment.models import ReenrolmentRequest, Slot, WaitingEntry

    slot = Slot.objects.filter(offer__campaign=campaign).order_by("pk").last()
    request, _created = ReenrolmentRequest.objects.get_or_create(
        campaign=campaign,
        student=student,
        defaults={
            "establishment": campaign.establishment,
            "family": student.family,
            "status": "validated",
            "submitted_at": campaign.opens_at,
        },
    )
    Slot.objects.filter(pk=slot.pk).update(taken=slot.capacity)  # waiting, as the slot is full
    return WaitingEntry.objects.create(
        establishment=campaign.establishment,
        request=request,
        slot=slot,
        joined_at=campaign.opens_at,
    )


def make_school_record(student) -> dict:
    """A student's course of the current year (with an evaluation and an absence), a record
    of 2011/2012 and a piece played: what the Cours, Historique and Répertoire tabs show."""
    establishment = student.establishment
    enrolment = EnrolmentFactory(student=student)
    past_year = SchoolYearFactory(
        establishment=establishment,
        label="2011/2012",
        start_date=datetime.date(2011, 9, 12),
        end_date=datetime.date(2012, 7, 5),
        is_current=False,
    )
    past = EnrolmentFactory(
        student=student,
        course=CourseFactory(school_year=past_year, label="FM 2C3", class_name="FM 2C3"),
        average=Decimal("15.75"),
        class_admission="FM 2C4",
    )
    EvaluationFactory(enrolment=past, date=datetime.date(2012, 6, 6))
    return {
        "enrolment_a": enrolment,
        "evaluation_a": EvaluationFactory(enrolment=enrolment),
        "absence_a": AbsenceFactory(enrolment=enrolment),
        "past_enrolment_a": past,
        "performance_a": PerformanceFactory(student=student),
    }


def send_document(persona, document_type, *, student=None, content=None, name="scan.pdf"):
    """A file a family imported and sent (status "received"), through the services."""
    from family.tests.upload_files import pdf

    if content is None:
        # A known good PDF: set up without the checks (which parse PDFs in a child process);
        # the upload tests go through them.
        content = pdf()
        checked = CheckedFile(
            content=content, mime=PDF, original_name=name, original_size=len(content)
        )
    else:
        checked = check_upload(SimpleUploadedFile(name, content))
    draft = document_import(
        family=persona.family,
        student=student,
        document_type=document_type,
        checked=checked,
        uploaded_by=persona.user,
    )
    return document_submit(document=draft, submitted_by=persona.user)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client

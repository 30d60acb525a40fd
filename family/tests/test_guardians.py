"""A login per guardian (separated parents): each guardian of a family reaches the students they
are responsible for, their own identity record and the invoices they pay; what one asks about a
shared child the other sees; notifications go to the guardians concerned.

In the world, family A's first guardian (Jérémie, ``abarre1``) is responsible for Irina and
Paul, its second (Marie, ``abarre2``) for Paul only."""

import datetime
import json
from decimal import Decimal

from django.urls import reverse
from icalendar import Calendar
from mailer.models import Message

from billing import services as billing
from billing.models import Invoice, Ledger
from conftest import client_for
from family.calendar import calendar_feed_renew
from family.services import change_request_submit
from students.models import Student
from tests.factories import EnrolmentFactory
from tests.html import page


def test_each_guardian_sees_the_children_they_are_responsible_for(world):
    irina, paul = world.family_a.students
    first = page(client_for(world.family_a.user).get("/")).text
    assert "ABARRE Irina" in first and "ABARRE Paul" in first
    second = client_for(world.family_a2.user)
    home = page(second.get("/")).text
    assert "ABARRE Paul" in home and "Irina" not in home
    assert second.get(reverse("students:detail", args=[paul.pk])).status_code == 200
    assert second.get(reverse("students:detail", args=[irina.pk])).status_code == 404
    assert second.get(reverse("students:courses", args=[irina.pk])).status_code == 404


def test_each_guardian_reads_and_changes_their_own_identity_record(world):
    second = client_for(world.family_a2.user)
    shown = second.get(reverse("family:identity")).content.decode()
    assert 'value="Marie"' in shown and "Jérémie" not in shown


def test_a_change_asked_about_a_shared_child_is_seen_by_the_other_guardian(world):
    paul = Student.objects.get(pk=world.family_a.students[1].pk)
    Message.objects.all().delete()
    change_request_submit(record=paul, values={"city": "BLOIS"}, requested_by=world.family_a2.user)
    # Both of Paul's guardians are told; the other one sees it awaiting validation.
    told = sorted(address for m in Message.objects.all() for address in m.email.to)
    assert told == sorted([world.family_a.user.email, world.family_a2.user.email])
    shown = client_for(world.family_a.user).get(reverse("students:detail", args=[paul.pk]))
    assert 'value="BLOIS"' in shown.content.decode()
    # A change of Irina's record is told to her guardian only.
    Message.objects.all().delete()
    irina = Student.objects.get(pk=world.family_a.students[0].pk)
    change_request_submit(record=irina, values={"city": "TOURS"}, requested_by=world.family_a.user)
    assert [m.email.to for m in Message.objects.all()] == [[world.family_a.user.email]]


def rental_invoice(world, *, number: str, payer) -> Invoice:
    invoice = billing.invoice_import(
        family=world.family_a.family,
        ledger=Ledger.RENTALS,
        number=number,
        on=datetime.date(2013, 1, 10),
        label="location",
        lines=[("Location alto", Decimal("1"), Decimal("80.00"))],
    )
    Invoice.objects.filter(pk=invoice.pk).update(payer=payer)
    return invoice


def test_each_guardian_sees_the_invoices_they_pay_and_the_familys(world):
    mine = rental_invoice(world, number="13FC00001", payer=world.family_a.guardian)
    theirs = rental_invoice(world, number="13FC00002", payer=world.family_a2.guardian)
    ledger = reverse("billing:ledger", args=["locations"])
    first = page(client_for(world.family_a.user).get(ledger)).text
    second = page(client_for(world.family_a2.user).get(ledger)).text
    # The family's invoice (no payer) for both; each one's own.
    assert "12FC01785" in first and "12FC01785" in second
    assert "13FC00001" in first and "13FC00001" not in second
    assert "13FC00002" in second and "13FC00002" not in first
    second_client = client_for(world.family_a2.user)
    assert second_client.get(reverse("billing:invoice_pdf", args=[mine.pk])).status_code == 404
    own = second_client.get(reverse("billing:invoice_pdf", args=[theirs.pk]))
    assert own.status_code == 200


def test_the_calendar_of_a_guardian_holds_their_children_only(world):
    paul = world.family_a.students[1]
    EnrolmentFactory(student=paul)
    feed = calendar_feed_renew(guardian=world.family_a2.guardian, actor=world.family_a2.user)
    response = client_for(None).get(reverse("calendar_feed", args=[feed.token]))
    calendar = Calendar.from_ical(response.content)
    summaries = [str(event.get("summary")) for event in calendar.walk("VEVENT")]
    assert summaries and all(summary.startswith("Paul") for summary in summaries)


def test_the_data_download_of_a_guardian_holds_what_they_reach(world):
    response = client_for(world.family_a2.user).get(reverse("my_data_json"))
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert [student["first_name"] for student in data["students"]] == ["Paul"]
    assert [guardian["first_name"] for guardian in data["guardians"]] == ["Marie"]
    assert [login["identifier"] for login in data["family"]["logins"]] == ["abarre2"]
    text = json.dumps(data, ensure_ascii=False)
    # (The family's shared invoice is addressed to its first guardian: that is the invoice.)
    assert "Irina" not in text, text[text.index("Irina") - 300 : text.index("Irina") + 100]


def test_the_staff_tick_the_guardians_responsible_among_the_familys(world):
    irina = world.family_a.students[0]
    staff = client_for(world.staff_1)
    form = page(staff.get(reverse("admin:students_student_change", args=[irina.pk]))).text
    assert "Jérémie" in form and "Marie" in form
    assert world.family_b.guardian.first_name not in form or "MARTIN" not in form


def test_a_payer_of_another_family_is_refused_next_to_the_field(world):
    invoice = rental_invoice(world, number="13FC00003", payer=None)
    Invoice.objects.filter(pk=invoice.pk).update(payer=world.family_b.guardian)
    invoice.refresh_from_db()
    from django.core.exceptions import ValidationError

    try:
        invoice.clean()
    except ValidationError as error:
        assert "Le payeur est un responsable de la famille." in str(error.message_dict["payer"])
    else:
        raise AssertionError("a payer of another family was accepted")

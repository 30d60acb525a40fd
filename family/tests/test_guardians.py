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
from tests.factories import EnrolmentFactory, StudentFactory
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
        payer=payer,
    )
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
    # Made out to the guardian who pays it; the family's to its first guardian.
    assert theirs.family_name.endswith("ABARRE Marie")
    assert mine.family_name.endswith("ABARRE Jérémie")


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
    Invoice.objects.filter(pk=invoice.pk).update(payer=world.family_b.guardian)  # forged
    invoice.refresh_from_db()
    from django.core.exceptions import ValidationError

    try:
        invoice.clean()
    except ValidationError as error:
        assert "Le payeur est un responsable de la famille." in str(error.message_dict["payer"])
    else:
        raise AssertionError("a payer of another family was accepted")


GUARDIANS = "/famille/responsables/"


def test_a_guardian_invites_another_who_waits_for_the_staff(world):
    from accounts.models import AuditEntry
    from family.models import GuardianInvitation

    client = client_for(world.family_a.user)
    irina = world.family_a.students[0]
    response = client.post(
        GUARDIANS,
        {
            "last_name": "ABARRE",
            "first_name": "Nina",
            "email": "nina@example.org",
            "students": [irina.pk],
        },
        follow=True,
    )
    text = page(response).text
    assert "Invitation envoyée au secrétariat" in text
    assert "ABARRE Nina nina@example.org Irina En attente de validation" in text
    invitation = GuardianInvitation.objects.get(email="nina@example.org")
    assert list(invitation.students.all()) == [irina]
    assert AuditEntry.objects.filter(action="family.invitation.sent").exists()
    # The other guardian does not see it (it is the inviting guardian's).
    assert "nina@example.org" not in page(client_for(world.family_a2.user).get(GUARDIANS)).text


def test_bad_invitations_are_said_next_to_the_field_and_kept(world):
    client = client_for(world.family_a.user)
    cases = [
        ({"last_name": ""}, "Ce champ est obligatoire."),
        ({"email": world.family_a.user.email}, "C'est votre propre adresse"),
        ({"email": world.family_a2.user.email}, "a déjà un identifiant dans cet établissement"),
        ({"email": "sophie.invitee@example.org"}, "Une invitation à cette adresse attend déjà"),
        ({"students": [world.family_b.students[0].pk]}, "Sélectionnez un choix valide"),
        ({"students": []}, "Cochez au moins un enfant."),
    ]
    for change, message in cases:
        data = {
            "last_name": "ABARRE",
            "first_name": "Nina",
            "email": "nina@example.org",
            "students": [world.family_a.students[0].pk],
        }
        data.update(change)
        response = client.post(GUARDIANS, data)
        content = response.content.decode()
        assert response.status_code == 200, change
        assert message in page(response).text, change
        assert 'id="error-summary"' in content, change
        assert 'value="Nina"' in content, change  # nothing typed is lost


def test_the_staff_validate_and_the_new_guardian_sees_the_children_named(world):
    from family.models import Guardian, GuardianInvitation

    family_b = world.family_b
    lucas = family_b.students[0]
    other = StudentFactory(family=family_b.family, first_name="Emma")
    client_for(family_b.user).post(
        GUARDIANS,
        {
            "last_name": "MARTIN",
            "first_name": "Paulo",
            "email": "paulo@example.org",
            "students": [lucas.pk],
        },
    )
    invitation = GuardianInvitation.objects.get(email="paulo@example.org")
    Message.objects.all().delete()
    staff = client_for(world.staff_1)
    response = staff.post(
        reverse("admin:family_guardianinvitation_changelist"),
        {"action": "validate_selected", "_selected_action": [invitation.pk]},
        follow=True,
    )
    assert "1 invitation(s) validée(s)" in page(response).text
    guardian = Guardian.objects.get(family=family_b.family, first_name="Paulo")
    (mail,) = Message.objects.all()
    assert mail.email.to == ["paulo@example.org"] and guardian.user.identifier in mail.email.body
    # The newcomer reaches Lucas only; the first guardian keeps both.
    guardian.user.set_password("Musique2024")
    guardian.user.save()
    newcomer = page(client_for(guardian.user).get("/")).text
    assert "MARTIN Lucas" in newcomer and "Emma" not in newcomer
    first = page(client_for(family_b.user).get("/")).text
    assert "MARTIN Lucas" in first and "MARTIN Emma" in first
    # Staff of the other establishment neither see nor validate it.
    other_staff = client_for(world.staff_2)
    listing = page(other_staff.get(reverse("admin:family_guardianinvitation_changelist"))).text
    assert "paulo@example.org" not in listing and other.pk


def test_the_staff_refuse_with_a_reason_mailed_to_the_guardian_who_invited(world):
    from family.models import GuardianInvitation

    invitation = GuardianInvitation.objects.get(email="sophie.invitee@example.org")
    Message.objects.all().delete()
    url = reverse("admin:family_guardianinvitation_changelist")
    data = {"action": "refuse_selected", "apply": "1", "_selected_action": [invitation.pk]}
    client_for(world.staff_1).post(url, {**data, "reason": "Lien non établi."})
    invitation.refresh_from_db()
    assert invitation.status == "refused"
    (mail,) = Message.objects.all()
    assert mail.email.to == [world.family_a.user.email]
    assert "Motif : Lien non établi." in mail.email.body
    shown = page(client_for(world.family_a.user).get(GUARDIANS)).text
    assert "Refusé – motif : Lien non établi." in shown


def test_a_guardian_pays_online_what_they_see_and_the_receipt_is_theirs(world):
    from billing.models import Payment
    from billing.payments.test_provider import confirmation_fields

    world.family_a.family.establishment.refresh_from_db()
    # The family's rental invoice and its cheque are Jérémie's; Marie has one of her own.
    Invoice.objects.filter(pk=world.invoice_a.pk).update(payer=world.family_a.guardian)
    Payment.objects.filter(pk=world.payment_a.pk).update(payer=world.family_a.guardian)
    own = rental_invoice(world, number="13FC00004", payer=world.family_a2.guardian)
    client = client_for(world.family_a2.user)
    response = client.post(reverse("billing:pay", args=["locations"]))
    attempt = client.get(response["Location"]) and _attempt_of(world.family_a2.user)
    assert attempt.amount == Decimal("80.00")  # her invoice, not the family's other one
    fields = confirmation_fields(
        reference=attempt.reference, amount=attempt.amount, currency="EUR", paid=True
    )
    client.post("/facturation/paiement/confirmation/", fields)
    payment = Payment.objects.get(family=world.family_a.family, mode="en_ligne")
    assert payment.payer == world.family_a2.guardian
    assert [s.invoice for s in payment.settlements.all()] == [own]
    # The first guardian sees neither her invoice nor her receipt.
    ledger = page(
        client_for(world.family_a.user).get(reverse("billing:ledger", args=["locations"]))
    )
    assert "13FC00004" not in ledger.text and payment.number not in ledger.text


def _attempt_of(user):
    from billing.models import PaymentAttempt

    return PaymentAttempt.objects.filter(started_by=user).latest("created_at")

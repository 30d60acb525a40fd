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
    # Made out to the guardian who pays it, at their address; the family's to its name alone.
    assert theirs.family_name.endswith("ABARRE Marie") and theirs.family_address
    assert mine.family_name.endswith("ABARRE Jérémie")
    world.invoice_a.refresh_from_db()
    assert (world.invoice_a.family_name, world.invoice_a.family_address) == ("ABARRE", "")


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
        message = str(error.message_dict["payer"])
        assert "Le payeur doit être un responsable de la famille." in message
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


def test_an_address_too_long_for_a_login_is_refused_next_to_the_field(world):
    response = client_for(world.family_a.user).post(
        GUARDIANS,
        {
            "last_name": "ABARRE",
            "first_name": "Nina",
            "email": "n" * 250 + "@example.org",
            "students": [world.family_a.students[0].pk],
        },
    )
    assert response.status_code == 200
    assert "au plus 254 caractères" in page(response).text


def test_a_validation_makes_the_login_on_the_familys_record_of_that_guardian(world):
    """The staff had already recorded the second parent, without a login: validating gives that
    record its login (no second record), for the children named that are still the family's
    and still in the inviting guardian's care."""
    from family.models import Guardian, GuardianInvitation
    from family.services import invitation_send, invitation_validate
    from tests.factories import FamilyFactory, GuardianFactory

    family_b = world.family_b
    lucas = family_b.students[0]
    emma = StudentFactory(family=family_b.family, first_name="Emma")
    recorded = GuardianFactory(family=family_b.family, first_name="Paulo", email="P@example.org")
    invitation = invitation_send(
        guardian=family_b.guardian,
        last_name="MARTIN",
        first_name="Paulo",
        email="p@example.org",
        students=[lucas, emma],
    )
    Student.objects.filter(pk=emma.pk).update(
        family=FamilyFactory(establishment=world.establishment_1)
    )
    guardian = invitation_validate(
        invitation=invitation, decided_by=world.staff_1, portal_url="http://testserver/"
    )
    assert guardian.pk == recorded.pk and guardian.user is not None
    assert Guardian.objects.filter(family=family_b.family).count() == 2
    assert list(guardian.responsible_for.all()) == [lucas]
    invitation.refresh_from_db()
    assert invitation.status == GuardianInvitation.Status.VALIDATED


def test_an_anonymised_familys_invitation_is_not_validated(world):
    from family.exceptions import FamilyError
    from family.models import Family, GuardianInvitation
    from family.services import invitation_validate

    invitation = GuardianInvitation.objects.get(email="sophie.invitee@example.org")
    Family.objects.filter(pk=world.family_a.family.pk).update(anonymised_at=datetime_now())
    try:
        invitation_validate(
            invitation=invitation, decided_by=world.staff_1, portal_url="http://testserver/"
        )
    except FamilyError as error:
        assert "ont été effacées" in error.message
    else:
        raise AssertionError("an anonymised family's invitation was validated")
    invitation.refresh_from_db()
    assert invitation.status == GuardianInvitation.Status.PENDING


def datetime_now():
    from django.utils import timezone

    return timezone.now()


def test_a_student_moved_to_another_family_is_reached_by_its_new_guardians(world):
    """Irina names her first family's guardian; moved to family B she names none of B's: B's
    guardian reaches her, family A's do not."""
    irina = world.family_a.students[0]
    Student.objects.filter(pk=irina.pk).update(family=world.family_b.family)
    url = reverse("students:detail", args=[irina.pk])
    assert client_for(world.family_b.user).get(url).status_code == 200
    assert client_for(world.family_a.user).get(url).status_code == 404
    # The admin refuses keeping her former family's guardians ticked.
    from django.forms import modelform_factory

    from students.admin import StudentAdminForm

    form_class = modelform_factory(
        Student, form=StudentAdminForm, fields=["family", "responsible_guardians"]
    )
    bound = form_class(
        data={
            "family": world.family_b.family.pk,
            "responsible_guardians": [world.family_a.guardian.pk],
        },
        instance=Student.objects.get(pk=irina.pk),
    )
    assert not bound.is_valid()
    assert "ancienne famille" in str(bound.errors["responsible_guardians"])


def test_a_credit_note_is_paid_by_the_payer_of_the_invoice_it_corrects(world):
    from django.core.exceptions import ValidationError

    from billing.exceptions import BillingError

    own = rental_invoice(world, number="13FC00005", payer=world.family_a2.guardian)
    note = billing.credit_note_for(invoice=own)
    assert note.payer == world.family_a2.guardian and note.family_name.endswith("ABARRE Marie")
    ledger = reverse("billing:ledger", args=["locations"])
    assert note.number not in page(client_for(world.family_a.user).get(ledger)).text
    assert note.number in page(client_for(world.family_a2.user).get(ledger)).text
    note.payer = None
    try:
        note.clean()
    except ValidationError as error:
        assert "le payeur de la facture qu'il corrige" in str(error.message_dict["payer"])
    else:
        raise AssertionError("a credit note of another payer was accepted")
    # A receipt settles the invoices of its payer only.
    try:
        billing.payment_record(
            family=world.family_a.family,
            ledger=Ledger.RENTALS,
            mode="cheque",
            amount=Decimal("10.00"),
            invoices=[own],
        )
    except BillingError as error:
        assert "n'est pas payée par le payeur de ce règlement" in error.message
    else:
        raise AssertionError("the family's receipt settled a guardian's invoice")


def test_an_online_payment_of_the_familys_and_own_invoices_gives_each_payer_a_receipt(world):
    from billing.models import Payment
    from billing.payments.test_provider import confirmation_fields

    own = rental_invoice(world, number="13FC00006", payer=world.family_a2.guardian)
    client = client_for(world.family_a2.user)
    response = client.post(reverse("billing:pay", args=["locations"]))
    attempt = client.get(response["Location"]) and _attempt_of(world.family_a2.user)
    assert attempt.amount == Decimal("130.00")  # the family's 50 € and her 80 €
    fields = confirmation_fields(
        reference=attempt.reference, amount=attempt.amount, currency="EUR", paid=True
    )
    done = page(client.post("/facturation/paiement/confirmation/", fields, follow=True)).text
    receipts = Payment.objects.filter(family=world.family_a.family, mode="en_ligne").order_by("pk")
    shared, hers = receipts
    assert (shared.payer, shared.amount) == (None, Decimal("50.00"))
    assert (hers.payer, hers.amount) == (world.family_a2.guardian, Decimal("80.00"))
    assert [s.invoice for s in hers.settlements.all()] == [own]
    assert [s.invoice_id for s in shared.settlements.all()] == [world.invoice_a.pk]
    assert f"reçus {shared.number}, {hers.number}" in done
    assert (shared.family_name, shared.family_address) == ("ABARRE", "")
    assert hers.family_name.endswith("ABARRE Marie")
    # The first guardian's ledger: the family's receipt, not hers, and nothing left to pay.
    first = page(
        client_for(world.family_a.user).get(reverse("billing:ledger", args=["locations"]))
    ).text
    assert shared.number in first and hers.number not in first
    assert "Solde 0,00 €" in first


def test_a_file_imported_and_not_sent_is_the_guardians_who_imported_it(world):
    from django.core.files.base import ContentFile

    from family.models import Document

    draft = Document.objects.create(
        establishment=world.establishment_1,
        family=world.family_a.family,
        document_type=world.family_document_type,
        status=Document.Status.DRAFT,
        file=ContentFile(b"%PDF-1.4", name="brouillon.pdf"),
        original_name="brouillon-jeremie.pdf",
        mime_type="application/pdf",
        size=8,
        uploaded_by=world.family_a.user,
    )
    documents = reverse("family:documents")
    imported = "Un fichier est importé mais pas encore envoyé."
    assert imported in page(client_for(world.family_a.user).get(documents)).text
    assert imported not in page(client_for(world.family_a2.user).get(documents)).text
    assert Document.objects.for_user(world.family_a2.user).filter(pk=draft.pk).count() == 0
    # Once sent, the family's document is both guardians'.
    Document.objects.filter(pk=draft.pk).update(status=Document.Status.ACCEPTED)
    assert Document.objects.for_user(world.family_a2.user).filter(pk=draft.pk).count() == 1


def test_the_data_download_lists_the_invitations_the_guardian_sent(world):
    data = json.loads(_download(world.family_a.user))
    (row,) = data["invitations"]
    assert (row["first_name"], row["email"], row["status"]) == (
        "Sophie",
        "sophie.invitee@example.org",
        "pending",
    )
    assert row["students"] == "ABARRE Irina"
    assert "sophie.invitee@example.org" not in _download(world.family_a2.user)


def _download(user) -> str:
    response = client_for(user).get(reverse("my_data_json"))
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()


def test_a_payer_is_never_deleted_from_under_their_invoices(world):
    from django.db.models import ProtectedError

    try:
        world.family_a2.guardian.delete()
    except ProtectedError:
        pass
    else:
        raise AssertionError("the payer of invoices was deleted")


def test_the_staff_are_warned_when_a_second_login_reaches_the_shared_students(world):
    from tests.factories import GuardianFactory

    second = GuardianFactory(family=world.family_b.family, first_name="Paulo", email="p@ex.org")
    response = client_for(world.staff_1).post(
        reverse("admin:family_guardian_changelist"),
        {"action": "create_login", "_selected_action": [second.pk]},
        follow=True,
    )
    text = page(response).text
    second.refresh_from_db()
    assert f"MARTIN Paulo : connexion {second.user.identifier} créée." in text
    assert "aux élèves qui n'indiquent aucun responsable : MARTIN Lucas." in text
    assert "cochez sur chaque élève les responsables" in text


def test_a_data_download_leaves_out_what_was_done_to_another_guardians_record(world):
    """Family B's second guardian has no login: what the staff did to their record is theirs,
    not in the first guardian's download (which holds what was done to its own record)."""
    from accounts import audit
    from tests.factories import GuardianFactory

    other = GuardianFactory(family=world.family_b.family, first_name="Paulo")
    for guardian, city in ((other, "canary-other"), (world.family_b.guardian, "canary-own")):
        audit.record(
            action="admin.guardian.changed",
            actor=world.staff_1,
            establishment_id=world.establishment_1.pk,
            obj=guardian,
            city=city,
        )
    # What was done to a record of the family deleted since stays in its download.
    from accounts.models import AuditEntry

    AuditEntry.objects.create(
        establishment=world.establishment_1,
        action="admin.absence.deleted",
        actor=world.staff_1,
        object_type="students.Absence",
        object_id="999999",
        object_repr="canary-deleted-absence",
        family_id=world.family_b.family.pk,
    )
    download = _download(world.family_b.user)
    assert "canary-own" in download and "canary-other" not in download
    assert "canary-deleted-absence" in download


def test_a_second_login_does_not_read_the_first_guardians_address_on_earlier_documents(world):
    """Family C's documents so far are made out to its one login's guardian, at his address:
    when the staff create a second login, they become his; the new login reads none of them,
    and what is issued next for the whole family names the family alone."""
    from billing.models import Payment
    from tests.factories import GuardianFactory

    family_c = world.family_c
    invoice = Invoice.objects.get(family=family_c.family, number="12FC01785")
    assert invoice.payer is None and "DURAND Jérémie" in invoice.family_name
    second = GuardianFactory(family=family_c.family, first_name="Léo", email="leo@example.org")
    response = client_for(world.staff_2).post(
        reverse("admin:family_guardian_changelist"),
        {"action": "create_login", "_selected_action": [second.pk]},
        follow=True,
    )
    assert "2 documents de facturation de toute la famille" in page(response).text
    invoice.refresh_from_db()
    receipt = Payment.objects.get(family=family_c.family, number="12RC01724")
    assert invoice.payer == family_c.guardian and receipt.payer == family_c.guardian
    second.refresh_from_db()
    second.user.set_password("Musique2024")
    second.user.save()
    ledger = reverse("billing:ledger", args=["locations"])
    assert "12FC01785" not in page(client_for(second.user).get(ledger)).text
    assert "12FC01785" in page(client_for(family_c.user).get(ledger)).text
    shared = billing.invoice_import(
        family=family_c.family,
        ledger=Ledger.RENTALS,
        number="13FC00009",
        on=datetime.date(2013, 2, 1),
        label="pupitre",
        lines=[("Location pupitre", Decimal("1"), Decimal("25.00"))],
    )
    assert (shared.family_name, shared.family_address) == ("DURAND", "")


def test_each_guardian_has_their_own_file_imported_and_not_sent(world):
    """Marie importing a file for the family's document leaves Jérémie's, not sent yet."""
    from family.models import Document
    from family.services import document_import
    from family.uploads import CheckedFile

    def imported(persona, name):
        return document_import(
            family=world.family_a.family,
            student=None,
            document_type=world.family_document_type,
            checked=CheckedFile(
                content=b"%PDF-1.4 " + name.encode(),
                original_name=name,
                mime="application/pdf",
                original_size=20,
            ),
            uploaded_by=persona.user,
        )

    first = imported(world.family_a, "jeremie.pdf")
    second = imported(world.family_a2, "marie.pdf")
    drafts = Document.objects.filter(family=world.family_a.family, status="draft")
    assert set(drafts.values_list("pk", flat=True)) == {first.pk, second.pk}
    again = imported(world.family_a2, "marie-2.pdf")  # replaces her own only
    assert set(drafts.values_list("pk", flat=True)) == {first.pk, again.pk}


def test_an_online_payment_by_a_login_without_guardian_is_recorded_on_the_familys(world):
    """The login that started the payment no longer leads to a guardian: the family's invoice
    is settled and the rest kept on account; a guardian's own invoice is left alone."""
    from billing.models import Payment, PaymentAttempt
    from billing.payments.base import Confirmation
    from billing.services import payment_confirm
    from family.models import Guardian

    rental_invoice(world, number="13FC00007", payer=world.family_a2.guardian)
    attempt = world.attempt_a  # 50 €, started by the first guardian
    Guardian.objects.filter(pk=world.family_a.guardian.pk).update(user=None)
    outcome, attempt = payment_confirm(
        confirmation=Confirmation(
            provider="test",
            reference=attempt.reference,
            transaction_id="T-NOGUARDIAN",
            amount=Decimal("50.00"),
            currency="EUR",
            paid=True,
        )
    )
    assert outcome == "paid" and attempt.status == PaymentAttempt.Status.PAID
    (receipt,) = Payment.objects.filter(online_attempt=attempt)
    assert (receipt.payer, receipt.amount) == (None, Decimal("50.00"))
    assert [s.invoice_id for s in receipt.settlements.all()] == [world.invoice_a.pk]


def test_a_second_login_takes_over_what_was_made_out_by_name_and_what_goes_with_it(world):
    """Family C: a document made out to its guardian with no address is made over too, with
    a draft credit note of an invoice made over; what names the family stays shared."""
    from billing.models import DocumentKind, InvoiceLine, Payment
    from family.models import Guardian
    from family.services import family_login_create
    from tests.factories import GuardianFactory

    family_c = world.family_c
    Guardian.objects.filter(pk=family_c.guardian.pk).update(address="", postal_code="", city="")
    no_address = billing.invoice_import(
        family=family_c.family,
        ledger=Ledger.FEES,
        number="13FC00010",
        on=datetime.date(2013, 3, 1),
        label="cotisation",
        lines=[("Cotisation", Decimal("1"), Decimal("30.00"))],
    )
    assert no_address.family_address == "" and no_address.family_name.endswith("Jérémie")
    rental = Invoice.objects.get(family=family_c.family, number="12FC01785")
    draft_note = Invoice.objects.create(
        establishment=family_c.family.establishment,
        family=family_c.family,
        ledger=Ledger.RENTALS,
        kind=DocumentKind.CREDIT_NOTE,
        corrects=rental,
    )
    InvoiceLine.objects.create(invoice=draft_note, description="Geste", unit_price=Decimal("5"))
    second = GuardianFactory(family=family_c.family, first_name="Léo", email="leo@example.org")
    user = family_login_create(guardian=second)
    assert user.documents_made_over == 4  # two invoices, the receipt, the draft credit note
    for document in (no_address, rental, draft_note):
        document.refresh_from_db()
        assert document.payer == family_c.guardian
    assert Payment.objects.get(number="12RC01724", family=family_c.family).payer is not None
    billing.invoice_issue(invoice=draft_note)  # its payer is its invoice's: it issues


def test_the_staff_validating_an_invitation_are_told_what_was_made_over(world):
    from family.models import GuardianInvitation

    invitation = GuardianInvitation.objects.get(email="léo.invitee@example.org")
    response = client_for(world.staff_2).post(
        reverse("admin:family_guardianinvitation_changelist"),
        {"action": "validate_selected", "_selected_action": [invitation.pk]},
        follow=True,
    )
    text = page(response).text
    assert "1 invitation(s) validée(s)" in text
    assert "2 documents de facturation de toute la famille" in text
    invoice = Invoice.objects.get(family=world.family_c.family, number="12FC01785")
    assert invoice.payer == world.family_c.guardian


def test_a_family_is_not_anonymised_while_one_payers_balance_is_not_zero(world):
    """Family A's total is zero, but Marie paid 30 € more than her invoices, and the family
    owes 30 €: both are said."""
    from billing.services import family_billing_refusals

    billing.payment_record(
        family=world.family_a.family,
        ledger=Ledger.RENTALS,
        mode="cheque",
        amount=Decimal("30.00"),
        payer=world.family_a2.guardian,
    )
    billing.payment_record(
        family=world.family_a.family,
        ledger=Ledger.RENTALS,
        mode="cheque",
        amount=Decimal("20.00"),
    )
    reasons = " ".join(
        str(reason) for reason in family_billing_refusals(family=world.family_a.family)
    )
    assert "Locations, réglé par ABARRE Marie : 30,00\xa0€ a été payé en trop" in reasons
    assert "Locations : 30,00\xa0€ reste dû." in reasons, reasons

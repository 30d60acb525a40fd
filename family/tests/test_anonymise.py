"""Staff anonymise a family that left: its names go everywhere, its invoices stay with their
amounts, it can no longer log in, and the audit log says so."""

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from billing import pdf
from billing import services as billing
from billing.models import Invoice, Ledger, Payment, PaymentAttempt
from billing.tests.test_views import pdf_text
from conftest import client_for
from family.exceptions import FamilyError
from family.models import ChangeRequest, Document, Family, Guardian, GuardianInvitation
from family.services import change_request_submit, family_anonymise
from reenrolment.models import ReenrolmentRequest
from students.models import Enrolment, Student
from tests.html import page

pytestmark = pytest.mark.django_db

FAMILY_A_WORDS = ("ABARRE", "Irina", "Paul", "abarre1", "19 rue de Paris")
CHANGELIST = reverse("admin:family_family_changelist")


@pytest.fixture(autouse=True)
def staff_1_may_anonymise(request):
    """A superuser gave staff_1 (not the whole secretariat) the right to anonymise."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        world.staff_1.user_permissions.add(Permission.objects.get(codename="anonymise_family"))


def test_only_staff_given_the_right_anonymise(world):
    world.staff_1.user_permissions.clear()  # a secretary of the group only
    client = client_for(world.staff_1)
    family = world.family_a.family
    page_html = client.get(reverse("admin:family_family_change", args=[family.pk]))
    assert "/anonymiser/" not in page_html.content.decode()
    changelist = client.get(CHANGELIST).content.decode()
    assert "anonymise_selected" not in changelist
    url = reverse("admin:family_family_anonymise", args=[family.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"apply": "1"}).status_code == 403
    family.refresh_from_db()
    assert family.anonymised_at is None


def settle(world) -> None:
    """Family A pays the 50 € it owed on its rental ledger in cash; the online payment it had
    started was left on the card page two days ago."""
    billing.payment_record(
        family=world.family_a.family,
        ledger=Ledger.RENTALS,
        mode="especes",
        amount=Decimal("50.00"),
        invoices=[world.invoice_a],
    )
    PaymentAttempt.objects.filter(pk=world.attempt_a.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )


def test_an_online_payment_awaiting_confirmation_holds_the_anonymisation(world, settings):
    settings.PAYMENT_EXPIRY_MINUTES = 120
    billing.payment_record(
        family=world.family_a.family,
        ledger=Ledger.RENTALS,
        mode="especes",
        amount=Decimal("50.00"),
        invoices=[world.invoice_a],
    )
    with pytest.raises(FamilyError) as refused:  # the bank may still confirm it
        family_anonymise(family=world.family_a.family, actor=world.staff_1)
    until = timezone.localtime(world.attempt_a.created_at + timedelta(minutes=120))
    assert f"peut encore être confirmé jusqu'au {until:%d/%m/%Y %H:%M}" in refused.value.message
    # Three hours later its time is over: abandoned (whether or not the command has marked
    # it yet), any money confirmed for it would be recorded on account.
    PaymentAttempt.objects.filter(pk=world.attempt_a.pk).update(
        created_at=timezone.now() - timedelta(hours=3)
    )
    family_anonymise(family=world.family_a.family, actor=world.staff_1)


def anonymise_from_the_admin(world, families):
    """The action on the list: the confirmation page, then Anonymise."""
    client = client_for(world.staff_1)
    ids = [family.pk for family in families]
    confirm = client.post(CHANGELIST, {"action": "anonymise_selected", "_selected_action": ids})
    assert confirm.status_code == 200
    response = client.post(
        CHANGELIST,
        {"action": "anonymise_selected", "_selected_action": ids, "apply": "1"},
        follow=True,
    )
    return confirm, response


def test_a_family_owing_money_is_refused_and_nothing_changes(world):
    with pytest.raises(FamilyError) as refused:
        family_anonymise(family=world.family_a.family, actor=world.staff_1)
    assert "50,00" in refused.value.message and "reste dû" in refused.value.message
    world.family_a.family.refresh_from_db()
    assert world.family_a.family.name == "ABARRE" and world.family_a.family.anonymised_at is None


def test_a_family_with_a_reenrolment_awaiting_validation_is_refused(world):
    # Family B's Lucas has a re-enrolment request awaiting the staff (the world's campaign).
    with pytest.raises(FamilyError) as refused:
        family_anonymise(family=world.family_b.family, actor=world.staff_1)
    assert "Lucas" in refused.value.message and "attend sa validation" in refused.value.message


def test_the_confirmation_page_says_which_families_can_be_anonymised(world):
    client = client_for(world.staff_1)
    response = client.post(
        CHANGELIST,
        {
            "action": "anonymise_selected",
            "_selected_action": [world.family_a.family.pk, world.family_b.family.pk],
        },
    )
    text = page(response).text
    assert "Cette opération est irréversible" in text
    assert "ABARRE Non : Locations : 50,00 € reste dû." in text
    assert "MARTIN Non :" in text
    assert 'type="submit"' not in response.content.decode().split("<table")[1]
    assert Family.objects.filter(anonymised_at__isnull=False).count() == 0


def test_staff_of_another_establishment_cannot_anonymise(world):
    settle(world)
    with pytest.raises(FamilyError):
        family_anonymise(family=world.family_a.family, actor=world.staff_2)
    url = reverse("admin:family_family_anonymise", args=[world.family_a.family.pk])
    assert client_for(world.staff_2).post(url, {"apply": "1"}).status_code == 404
    world.family_a.family.refresh_from_db()
    assert world.family_a.family.anonymised_at is None


def test_the_familys_page_offers_anonymisation_with_its_confirmation(
    world, django_capture_on_commit_callbacks
):
    settle(world)
    client = client_for(world.staff_1)
    family = world.family_a.family
    change = client.get(reverse("admin:family_family_change", args=[family.pk]))
    url = reverse("admin:family_family_anonymise", args=[family.pk])
    assert f'href="{url}"' in change.content.decode()
    confirm = client.get(url)
    assert "ABARRE Oui" in page(confirm).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"apply": "1"}, follow=True)
    family.refresh_from_db()
    assert family.anonymised_at is not None
    assert f"ABARRE est anonymisée : elle s'appelle désormais {family.name}." in page(response).text


def test_an_anonymised_familys_names_are_gone_everywhere_but_its_invoices_stay(
    world, django_capture_on_commit_callbacks
):
    settle(world)
    family = world.family_a.family
    irina = world.family_a.students[0]
    change_request_submit(record=irina, values={"city": "BLOIS"}, requested_by=world.family_a.user)
    Enrolment.objects.filter(student=irina).update(comment="Irina progresse bien.")
    world.invoice_a.lines.update(description="Location violon 3/4 – Irina ABARRE")
    LogEntry.objects.log_actions(
        world.staff_1.pk,
        [world.family_a.guardian],
        CHANGE,
        change_message=json.dumps([{"added": {"name": "élève", "object": "ABARRE Irina"}}]),
    )
    invoice_url = reverse("billing:invoice_pdf", args=[world.invoice_a.pk])
    before = pdf_text(client_for(world.family_a.user).get(invoice_url).content)
    assert "ABARRE" in before  # the stored duplicate is made out to the family
    document_path = Path(world.document_a.file.path)
    logged_in = client_for(world.family_a.user)

    with django_capture_on_commit_callbacks(execute=True):
        confirm, response = anonymise_from_the_admin(world, [family])
    assert "ABARRE Oui" in page(confirm).text

    family.refresh_from_db()
    label = family.name
    assert label.endswith(str(family.pk)) and "ABARRE" not in label
    assert family.anonymised_at is not None
    assert f"ABARRE est anonymisée : elle s'appelle désormais {label}." in page(response).text

    guardian = Guardian.objects.get(pk=world.family_a.guardian.pk)
    assert (guardian.last_name, guardian.first_name, guardian.email) == (label, "", "")
    assert (guardian.address, guardian.city, guardian.mobile_phone) == ("", "", "")
    students = Student.objects.filter(family=family)
    assert {(s.last_name, s.first_name, s.birth_date) for s in students} == {(label, "", None)}
    kept = Enrolment.objects.filter(student=irina)
    assert kept.count() == 2 and set(kept.values_list("comment", flat=True)) == {""}
    assert not Document.objects.filter(family=family).exists()
    assert not document_path.exists()
    assert not ChangeRequest.objects.filter(family=family).exists()
    assert not GuardianInvitation.objects.filter(family=family).exists()

    # The invoices, credit notes and payments stay, with their amounts, under the new name.
    invoice = Invoice.objects.get(pk=world.invoice_a.pk)
    assert (invoice.number, invoice.total) == ("12FC01785", Decimal("200.00"))
    assert (invoice.family_name, invoice.family_address) == (label, "")
    assert invoice.lines.get().description == f"Location violon 3/4 – {label}"
    own = Invoice.objects.get(pk=world.invoice_a2.pk)  # made out to Marie, who paid it
    assert (own.family_name, own.family_address) == (label, "")
    assert Payment.objects.filter(family=family).count() == 3
    duplicate = pdf_text(pdf.duplicate_bytes(invoice))
    assert "12FC01785" in duplicate and "200,00 €" in duplicate and label in duplicate
    assert "ABARRE" not in duplicate and "Jérémie" not in duplicate

    # The family can no longer log in, and its open session ends.
    user = world.family_a.user
    user.refresh_from_db()
    assert not user.is_active and user.email == "" and not user.has_usable_password()
    assert user.identifier != "abarre1"
    assert logged_in.get(reverse("home")).status_code == 302
    for identifier in ("abarre1", user.identifier):
        refused = client_for(None).post(
            "/connexion/",
            {
                "establishment": world.establishment_1.pk,
                "identifier": identifier,
                "password": "Musique2024",
            },
        )
        assert refused.status_code == 200 and "_auth_user_id" not in refused.client.session

    # The staff's searches no longer find the family.
    staff = client_for(world.staff_1)
    for admin_list in (
        "family_family",
        "family_guardian",
        "students_student",
        "billing_invoice",
        "billing_payment",
        "family_document",
        "family_changerequest",
        "reenrolment_reenrolmentrequest",
        "accounts_user",
        "accounts_auditentry",
    ):
        for word in ("ABARRE", "Irina", "abarre1"):
            listing = staff.get(reverse(f"admin:{admin_list}_changelist"), {"q": word})
            assert listing.status_code == 200, admin_list
            assert listing.context["cl"].result_count == 0, (admin_list, word)

    # The audit log keeps what happened, without the names; the anonymisation is in it.
    entries = AuditEntry.objects.filter(establishment=world.establishment_1)
    stored = json.dumps(
        [[e.object_repr, e.actor_label, e.details] for e in entries], ensure_ascii=False
    )
    for word in FAMILY_A_WORDS:
        assert word not in stored, word
    done = entries.get(action="family.family.anonymised")
    assert (done.actor, done.object_repr, done.object_id) == (world.staff_1, label, str(family.pk))
    assert done.details["documents"] == 1 and done.details["invoices"] == 3
    assert done.details["invitations"] == 1
    assert entries.filter(action="family.document.sent", object_repr__contains=label).exists()
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Guardian),
        object_id=str(world.family_a.guardian.pk),
    )
    assert "ABARRE" not in json.dumps([[e.object_repr, e.change_message] for e in history])

    # Nothing of family B changed.
    assert Guardian.objects.get(pk=world.family_b.guardian.pk).last_name == "MARTIN"
    assert ReenrolmentRequest.objects.filter(family=world.family_b.family).exists()


def test_anonymising_twice_is_refused_calmly(world):
    settle(world)
    family_anonymise(family=world.family_a.family, actor=world.staff_1)
    with pytest.raises(FamilyError) as refused:
        family_anonymise(family=world.family_a.family, actor=world.staff_1)
    assert "déjà anonymisée" in refused.value.message


def test_a_queued_mail_to_the_family_is_not_sent_after_it_is_erased(world):
    from mailer.models import Message

    settle(world)
    change_request_submit(
        record=world.family_a.guardian, values={"city": "BLOIS"}, requested_by=world.family_a.user
    )
    assert Message.objects.count() == 1  # the acknowledgement, not sent yet
    family_anonymise(family=world.family_a.family, actor=world.staff_1)
    assert Message.objects.count() == 0


def test_audit_entries_about_records_deleted_earlier_are_anonymised_too(world):
    from family.services import document_refuse

    document = document_refuse(
        document=world.document_a, decided_by=world.staff_1, reason="Illisible, Irina ABARRE"
    )
    entry = AuditEntry.objects.get(action="family.document.refused")
    assert entry.family_id == world.family_a.family.pk and "ABARRE" in entry.object_repr
    Document.objects.filter(pk=document.pk).delete()  # purged since
    settle(world)
    family_anonymise(family=world.family_a.family, actor=world.staff_1)
    entry.refresh_from_db()
    assert entry.action == "family.document.refused" and entry.actor == world.staff_1
    written = json.dumps([entry.object_repr, entry.details], ensure_ascii=False)
    assert not [word for word in ("ABARRE", "Irina", "Illisible") if word in written], written


def test_the_scrubber_keeps_numbers_and_amounts():
    from family.anonymisation import Scrubber

    scrub = Scrubber(["ABARRE", "Irina", "2026", "Le"], "Anonymisé 42")
    assert scrub("Cotisation 2026/2027 – ABARRE Irina") == "Cotisation 2026/2027 – Anonymisé 42"
    assert scrub("Le cours de Irina") == "Le cours de Anonymisé 42"
    assert scrub.json({"total": "ABARRE 200.00", "reason": "Irina"}) == {
        "total": "ABARRE 200.00",
        "reason": "Anonymisé 42",
    }

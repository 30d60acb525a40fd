"""The audit log: every staff decision and family request, with who, when, where and what;
read in the admin by the establishment's staff only; never changed; never kept for a change
that was rolled back."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import AuditEntry
from billing import services as billing
from billing.models import Ledger
from conftest import client_for, send_document
from family import services as family
from tests.html import consumed, page

pytestmark = pytest.mark.django_db


def entries(action, **lookup):
    return list(AuditEntry.objects.filter(action=action, **lookup))


def test_a_record_change_is_logged_when_asked_and_when_decided_with_before_and_after(world):
    guardian = world.family_a.guardian
    request = family.change_request_submit(
        record=guardian, values={"city": "TOURS"}, requested_by=world.family_a.user
    )
    (asked,) = entries("family.change.requested", actor=world.family_a.user)
    assert asked.actor == world.family_a.user and asked.actor_label == "c1:abarre1"
    assert asked.establishment == world.establishment_1
    assert asked.object_repr == "ABARRE Jérémie" and asked.object_type == "family.Guardian"
    assert asked.details["changes"]["city"]["new"] == "TOURS"
    family.change_request_approve(change_request=request, decided_by=world.staff_1)
    (approved,) = entries("family.change.approved")
    assert approved.actor == world.staff_1
    assert approved.details["changes"]["city"]["new"] == "TOURS"


def test_documents_sent_refused_and_read_by_the_staff_are_logged(world):
    document = send_document(world.family_a, world.family_document_type)
    assert entries("family.document.sent", object_id=str(document.pk))[0].actor == (
        world.family_a.user
    )
    family.document_refuse(document=document, decided_by=world.staff_1, reason="Illisible")
    assert entries("family.document.refused")[0].details == {"reason": "Illisible"}
    consumed(
        client_for(world.staff_1).get(reverse("admin:family_document_file", args=[document.pk]))
    )
    (read,) = entries("family.document.read")
    assert read.actor == world.staff_1 and read.object_id == str(document.pk)


def test_billing_documents_are_logged_with_their_amounts(world):
    payment = billing.payment_record(
        family=world.family_a.family,
        ledger=Ledger.RENTALS,
        mode="cheque",
        amount=Decimal("50.00"),
        recorded_by=world.staff_1,
    )
    (recorded,) = entries("billing.payment.recorded", actor=world.staff_1)
    assert recorded.object_repr == payment.number and recorded.details["amount"] == "50.00"
    billing.credit_note_for(invoice=world.invoice_a, issued_by=world.staff_1)
    (issued,) = entries("billing.credit_note.issued", actor=world.staff_1)
    assert issued.details["total"] == "200.00"


def test_a_rolled_back_change_leaves_no_entry(world):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        family.change_request_submit(
            record=world.family_a.guardian,
            values={"city": "BLOIS"},
            requested_by=world.family_a.user,
        )
        raise RuntimeError("the rest failed")
    assert AuditEntry.objects.count() == before


def test_staff_read_their_establishments_log_and_can_change_nothing(world):
    family.change_request_submit(
        record=world.family_c.guardian, values={"city": "BLOIS"}, requested_by=world.family_c.user
    )
    staff = client_for(world.staff_1)
    listing = page(staff.get(reverse("admin:accounts_auditentry_changelist"))).text
    assert "Modification demandée" in listing
    assert "DURAND" not in listing  # establishment 2's
    other = AuditEntry.objects.get(
        establishment=world.establishment_2, action="family.change.requested"
    )
    assert (
        staff.get(reverse("admin:accounts_auditentry_change", args=[other.pk])).status_code == 302
    )
    mine = AuditEntry.objects.filter(establishment=world.establishment_1).first()
    url = reverse("admin:accounts_auditentry_change", args=[mine.pk])
    shown = staff.get(url)
    assert shown.status_code == 200 and "Enregistrer" not in page(shown).text
    assert staff.post(url, {"action": "changed"}).status_code == 403
    assert staff.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    delete = reverse("admin:accounts_auditentry_delete", args=[mine.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=mine.pk).exists()


def test_families_have_no_way_to_the_log(world):
    response = client_for(world.family_a.user).get(reverse("admin:accounts_auditentry_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_what_staff_change_directly_in_an_admin_form_is_logged_before_and_after(world):
    guardian = world.family_b.guardian
    staff = client_for(world.staff_1)
    url = reverse("admin:family_guardian_change", args=[guardian.pk])
    form = staff.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"city": "VIERZON", "family": guardian.family_id})
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    response = staff.post(url, data)
    assert response.status_code == 302, page(response).text[-500:]
    (changed,) = entries("admin.guardian.changed")
    assert changed.actor == world.staff_1 and changed.establishment == world.establishment_1
    assert changed.details["changes"]["city"] == {"old": guardian.city, "new": "VIERZON"}


def test_a_password_generated_for_a_family_is_logged_without_the_password(world):
    from accounts.services import temporary_password_send

    user = world.family_a.user
    assert temporary_password_send(
        establishment=world.establishment_1,
        identifier=user.identifier,
        email=user.email,
        login_url="http://portail/connexion/",
    )
    (generated,) = entries("accounts.password.generated")
    assert generated.object_id == str(user.pk) and generated.details == {}

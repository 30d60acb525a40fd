"""Online payments started and never confirmed (the family closed the tab): the staff see them
until their time is over, then they are abandoned, and money confirmed for them afterwards is
recorded on account, never lost, and the staff are told."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from mailer.models import Message

from accounts.models import AuditEntry
from billing import services
from billing.models import Ledger, Payment, PaymentAttempt
from billing.tests.test_payments import CONFIRM, online_payments, signed
from conftest import client_for
from tests.html import page

pytestmark = pytest.mark.django_db

ADMIN_HOME = reverse("admin:index")
ATTEMPTS = reverse("admin:billing_paymentattempt_changelist")


def started_ago(attempt, minutes: int) -> None:
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    attempt.refresh_from_db()


def test_the_command_abandons_what_was_not_confirmed_in_time_and_audits_it(world, settings):
    settings.PAYMENT_EXPIRY_MINUTES = 120
    started_ago(world.attempt_a, 121)  # family A closed the tab two hours ago
    out = io.StringIO()
    call_command("expire_payment_attempts", stdout=out)
    assert out.getvalue().startswith("1 online payment(s)")
    world.attempt_a.refresh_from_db()
    assert world.attempt_a.status == PaymentAttempt.Status.ABANDONED
    (entry,) = AuditEntry.objects.filter(action="billing.online_payment.abandoned")
    assert entry.establishment == world.establishment_1 and entry.actor is None
    # Family C's payment, started a moment ago, still has its time.
    assert PaymentAttempt.objects.get(family=world.family_c.family).status == "started"


def test_staff_see_the_payments_awaiting_confirmation_until_they_are_abandoned(world):
    services.payment_start(
        family=world.family_b.family,
        ledger=Ledger.FEES,
        amount=Decimal("30.00"),
        provider="test",
        user=world.family_b.user,
    )
    html = client_for(world.staff_1).get(ADMIN_HOME).content.decode()
    link = f'<a href="{ATTEMPTS}?status__exact=started">Paiements en ligne en attente'
    assert link in html
    assert "en attente de confirmation</a></th><td>2</td>" in html
    # Family C's is the other establishment's.
    other = client_for(world.staff_2).get(ADMIN_HOME).content.decode()
    assert "en attente de confirmation</a></th><td>1</td>" in other
    # The list the line opens: those two, with when they are abandoned.
    listing = page(client_for(world.staff_1).get(f"{ATTEMPTS}?status__exact=started")).text
    assert "ABARRE" in listing and "MARTIN" in listing and "DURAND" not in listing
    assert "Abandonné sauf confirmation avant" in listing and "50,00 €" in listing
    started_ago(world.attempt_a, 24 * 60)
    services.payment_attempts_expire()
    html = client_for(world.staff_1).get(ADMIN_HOME).content.decode()
    assert "en attente de confirmation</a></th><td>1</td>" in html
    listing = page(client_for(world.staff_1).get(f"{ATTEMPTS}?status__exact=abandoned")).text
    assert "ABARRE" in listing and "MARTIN" not in listing


def test_money_confirmed_after_the_attempt_was_abandoned_is_recorded_on_account(world):
    world.establishment_1.email = "secretariat@ecole.example.org"
    world.establishment_1.save()
    started_ago(world.attempt_a, 3 * 60)
    services.payment_attempts_expire()
    # The bank had taken the money; its confirmation comes now, and the family is back.
    client = client_for(world.family_a.user)
    text = page(client.post(CONFIRM, signed(world.attempt_a), follow=True)).text
    payment = online_payments(world.family_a.family).get()
    assert payment.amount == Decimal("50.00") and not payment.settlements.exists()
    assert f"enregistré en acompte, reçu {payment.number}" in text
    assert "Solde 0,00 €" in text  # what the family owed is covered all the same
    world.attempt_a.refresh_from_db()
    assert world.attempt_a.status == PaymentAttempt.Status.PAID_LATE
    assert world.attempt_a.payment == payment
    assert AuditEntry.objects.filter(action="billing.online_payment.paid_late").exists()
    # The staff are told, by mail to the establishment's address.
    (mail,) = [m.email for m in Message.objects.all()]
    assert mail.to == ["secretariat@ecole.example.org"]
    assert "ABARRE" in mail.subject and payment.number in mail.body
    # The same confirmation again records nothing more; another one is a replay.
    assert client_for(None).post(CONFIRM, signed(world.attempt_a)).status_code == 400
    assert online_payments(world.family_a.family).count() == 1


def test_an_attempt_past_its_time_is_never_confirmed_even_before_the_command_ran(world):
    started_ago(world.attempt_a, 3 * 60)
    assert client_for(None).post(CONFIRM, signed(world.attempt_a)).status_code == 200
    world.attempt_a.refresh_from_db()
    assert world.attempt_a.status == PaymentAttempt.Status.PAID_LATE
    payment = online_payments(world.family_a.family).get()
    assert not payment.settlements.exists()  # on account: 12FC01785 is not settled by it
    assert services.invoice_remaining(world.invoice_a) == Decimal("50.00")


def test_a_declined_confirmation_after_abandonment_changes_nothing(world):
    started_ago(world.attempt_a, 3 * 60)
    services.payment_attempts_expire()
    client = client_for(world.family_a.user)
    fields = signed(world.attempt_a, status="failed")
    text = page(client.post(CONFIRM, fields, follow=True)).text
    assert "Le paiement a été refusé" in text
    world.attempt_a.refresh_from_db()
    assert world.attempt_a.status == PaymentAttempt.Status.ABANDONED
    assert not Payment.objects.filter(mode="en_ligne").exists()


def test_the_card_page_of_an_expired_payment_says_so_and_pay_starts_afresh(world, settings):
    settings.PAYMENT_EXPIRY_MINUTES = 30
    started_ago(world.attempt_a, 40)  # within the hour, but past its time
    client = client_for(world.family_a.user)
    url = reverse("billing:test_card", args=[world.attempt_a.reference])
    text = page(client.get(url, follow=True)).text
    assert "Ce paiement a expiré : rien n'a été débité" in text
    response = client.post(reverse("billing:pay", args=["locations"]))
    fresh = PaymentAttempt.objects.filter(family=world.family_a.family).latest("pk")
    assert fresh != world.attempt_a and fresh.status == "started"
    assert response["Location"] == reverse("billing:test_card", args=[fresh.reference])


def test_the_family_reads_an_abandoned_payment_as_abandoned_not_as_started(world):
    started_ago(world.attempt_a, 3 * 60)
    services.payment_attempts_expire()
    client = client_for(world.family_a.user)
    text = page(client.get(reverse("my_data_readable"))).text
    assert "abandonné" in text and "commencé" not in text
    # Its ledger offers to pay again what is still due.
    text = page(client.get(reverse("billing:ledger", args=["locations"]))).text
    assert "Solde -50,00 €" in text and "Payer en ligne" in text


def test_the_expiry_must_leave_time_to_pay(settings):
    from billing.checks import payment_expiry_leaves_time_to_pay

    settings.PAYMENT_EXPIRY_MINUTES = 5
    assert [e.id for e in payment_expiry_leaves_time_to_pay(None)] == ["billing.E002"]
    settings.PAYMENT_EXPIRY_MINUTES = 120
    assert payment_expiry_leaves_time_to_pay(None) == []

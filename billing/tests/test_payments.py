"""Online payment through the test provider: a payment is recorded once, and only after a
confirmation whose signature, amount, currency and reference all check."""

import logging
from decimal import Decimal

import lxml.html
import pytest
from django.db import connection
from django.urls import reverse

from billing.models import Payment, PaymentAttempt
from billing.payments.test_provider import confirmation_fields, sign
from conftest import client_for, require
from tests.concurrency import run_together
from tests.html import page

pytestmark = pytest.mark.django_db

CONFIRM = "/facturation/paiement/confirmation/"


def signed(attempt, **changes):
    fields = confirmation_fields(
        reference=attempt.reference, amount=attempt.amount, currency="EUR", paid=True
    )
    fields.update(changes)
    if changes:
        values = {k: v for k, v in fields.items() if k != "signature"}
        fields["signature"] = sign(values)
    return fields


def hidden_fields(response) -> dict[str, str]:
    """What the provider's page posts back to the portal."""
    tree = lxml.html.fromstring(response.content)
    return {
        i.get("name"): i.get("value") for i in tree.xpath("//main//form//input[@type='hidden']")
    }


def online_payments(family):
    return Payment.objects.filter(family=family, mode="en_ligne")


def test_the_whole_journey_from_the_ledger_to_the_receipt(world):
    client = client_for(world.family_a.user)
    response = client.post(reverse("billing:pay", args=["locations"]))
    # The world's family A started a payment of the same 50 € a moment ago: it goes on.
    attempt = world.attempt_a
    assert response["Location"] == reverse("billing:test_card", args=[attempt.reference])
    assert attempt.amount == Decimal("50.00")
    assert PaymentAttempt.objects.filter(family=world.family_a.family).count() == 1
    card = page(client.get(response["Location"])).text
    assert "aucune carte n'est débitée" in card and "50,00 €" in card
    back = client.post(
        response["Location"],
        {"holder": "J ABARRE", "number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123"},
    )
    fields = hidden_fields(back)
    done = client.post(CONFIRM, fields, follow=True)
    text = page(done).text
    payment = online_payments(world.family_a.family).get()
    assert f"reçu {payment.number}" in text
    assert "Solde 0,00 €" in text and "Payer en ligne" not in text
    # The 50 € complete 12FC01785, whose duplicate now says nothing is left to pay.
    assert [(s.invoice, s.amount) for s in payment.settlements.all()] == [
        (world.invoice_a, Decimal("50.00"))
    ]
    attempt.refresh_from_db()
    assert attempt.status == "paid" and attempt.payment == payment


def test_a_bad_card_is_said_next_to_its_field_and_keeps_what_was_typed(world):
    client = client_for(world.family_a.user)
    url = reverse("billing:test_card", args=[world.attempt_a.reference])
    response = client.post(
        url, {"holder": "J ABARRE", "number": "4242 4242 4242 4241", "expiry": "13/30", "cvc": "1"}
    )
    text = page(response).text
    assert "Ce numéro de carte n'est pas valide" in text
    assert "MM/AA" in text and "3 chiffres" in text
    tree = lxml.html.fromstring(response.content)
    assert tree.xpath("//*[@id='error-summary']//a[@href='#id_number']")
    assert tree.xpath("//input[@name='holder']/@value") == ["J ABARRE"]


def test_a_declined_card_records_nothing(world):
    client = client_for(world.family_a.user)
    url = reverse("billing:test_card", args=[world.attempt_a.reference])
    back = client.post(
        url, {"holder": "J", "number": "4000 0000 0000 0002", "expiry": "12/39", "cvc": "123"}
    )
    fields = hidden_fields(back)
    text = page(client.post(CONFIRM, fields, follow=True)).text
    assert "Le paiement a été refusé" in text
    assert not online_payments(world.family_a.family).exists()
    world.attempt_a.refresh_from_db()
    assert world.attempt_a.status == "failed"


def test_a_valid_confirmation_records_one_payment(world):
    response = client_for(None).post(CONFIRM, signed(world.attempt_a))
    assert response.status_code == 200
    payment = online_payments(world.family_a.family).get()
    assert payment.amount == Decimal("50.00") and payment.number.startswith(
        f"{payment.date.year % 100:02d}RC"
    )


def test_the_same_confirmation_twice_records_one_payment(world):
    fields = signed(world.attempt_a)
    for _ in range(2):
        assert client_for(None).post(CONFIRM, fields).status_code == 200
    assert online_payments(world.family_a.family).count() == 1


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"signature": "0" * 64}, "bad signature"),
        ({"amount": "5.00"}, "amount or currency"),
        ({"currency": "USD"}, "amount or currency"),
        ({"reference": "nobody-started-this"}, "unknown reference"),
        ({"timestamp": "1000000000"}, "stale"),
    ],
)
def test_a_forged_or_mismatched_confirmation_records_nothing_and_is_logged(
    world, caplog, change, reason
):
    fields = signed(world.attempt_a)
    if "signature" in change:
        fields.update(change)  # a forger without the key
    else:
        fields = signed(world.attempt_a, **change)  # signed, but not what was asked
    with caplog.at_level(logging.WARNING, logger="billing"):
        response = client_for(None).post(CONFIRM, fields)
    assert response.status_code == 400
    assert not online_payments(world.family_a.family).exists()
    assert reason in caplog.text


def test_a_replay_after_success_records_nothing_and_is_logged(world, caplog):
    assert client_for(None).post(CONFIRM, signed(world.attempt_a)).status_code == 200
    # Another confirmation for the same, paid, reference: a replay.
    with caplog.at_level(logging.WARNING, logger="billing"):
        response = client_for(None).post(CONFIRM, signed(world.attempt_a))
    assert response.status_code == 400
    assert online_payments(world.family_a.family).count() == 1
    assert "replay" in caplog.text


def test_a_refused_confirmation_tells_the_family_in_words(world):
    client = client_for(world.family_a.user)
    fields = signed(world.attempt_a)
    fields["signature"] = "f" * 64
    text = page(client.post(CONFIRM, fields, follow=True)).text
    assert "rien n'a été enregistré" in text


def test_without_online_payment_there_is_no_button_and_no_payment(world):
    world.establishment_1.online_payment = False
    world.establishment_1.save()
    client = client_for(world.family_a.user)
    text = page(client.get(reverse("billing:ledger", args=["locations"]))).text
    assert "Payer en ligne" not in text
    response = client.post(reverse("billing:pay", args=["locations"]), follow=True)
    assert "ne propose pas le paiement en ligne" in page(response).text
    assert PaymentAttempt.objects.count() == 2  # the world's two, no more


def test_nothing_due_starts_nothing(world):
    client = client_for(world.family_a.user)
    response = client.post(reverse("billing:pay", args=["cotisations"]), follow=True)
    assert "Il ne reste rien à payer" in page(response).text
    assert PaymentAttempt.objects.count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"reference": "x", "amount": "", "signature": "ab"},
        {"amount": "NaN"},
        {"amount": "1e400"},
        {"timestamp": "demain"},
        {"status": "maybe"},
    ],
)
def test_incomplete_or_malformed_confirmations_record_nothing(world, fields):
    if fields and "signature" not in fields:
        fields = signed(world.attempt_a, **fields)  # well signed, but not a confirmation
    response = client_for(None).post(CONFIRM, fields)
    assert response.status_code == 400
    assert not online_payments(world.family_a.family).exists()


def test_cancelling_on_the_card_page_charges_nothing_and_a_paid_attempt_is_over(world):
    client = client_for(world.family_a.user)
    url = reverse("billing:test_card", args=[world.attempt_a.reference])
    text = page(client.post(url, {"action": "cancel"}, follow=True)).text
    assert "Le paiement a été annulé" in text and "Solde -50,00 €" in text
    client_for(None).post(CONFIRM, signed(world.attempt_a))
    response = client.get(url, follow=True)
    assert "Ce paiement est terminé" in page(response).text
    response = client.post(
        url, {"holder": "J", "number": "4242424242424242", "expiry": "12/39", "cvc": "123"}
    )
    assert response.status_code == 302  # no second charge of a paid attempt
    assert online_payments(world.family_a.family).count() == 1


def test_without_a_provider_online_payment_is_not_offered(world, settings):
    settings.PAYMENT_PROVIDER = ""
    client = client_for(world.family_a.user)
    text = page(client.get(reverse("billing:ledger", args=["locations"]))).text
    assert "Payer en ligne" not in text
    assert (
        client.get(reverse("billing:test_card", args=[world.attempt_a.reference])).status_code
        == 404
    )
    assert client_for(None).post(CONFIRM, signed(world.attempt_a)).status_code == 404
    assert not online_payments(world.family_a.family).exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_confirmation_at_the_same_instant_records_one_payment(world):
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    fields = signed(world.attempt_a)
    outcomes = run_together([lambda: client_for(None).post(CONFIRM, fields).status_code] * 4)
    assert outcomes == [200] * 4
    assert online_payments(world.family_a.family).count() == 1

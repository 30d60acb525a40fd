"""Recording a payment in the admin: first the family who paid, then the payment, with that
family's invoices left to pay to tick, each with what is left of it; no JavaScript needed, and
another family's invoice is refused next to the field."""

import datetime
from decimal import Decimal

import lxml.html
import pytest
from django.urls import reverse

from billing import services
from billing.models import Invoice, Ledger, Payment
from billing.tests.test_numbering import draft
from conftest import client_for
from tests.html import page

pytestmark = pytest.mark.django_db
ADD = reverse("admin:billing_payment_add")


def tree(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def offered(response) -> dict[str, str]:
    """The invoices to tick: their labels, by value."""
    return {
        box.get("value"): " ".join(box.getparent().text_content().split())
        for box in tree(response).xpath("//input[@type='checkbox'][@name='settles']")
    }


def options(response, name: str) -> list[str]:
    return [
        " ".join(o.text_content().split())
        for o in tree(response).xpath(f"//select[@name='{name}']/option")
    ]


def issued_for(family, *, price: str, payer=None, ledger=Ledger.FEES) -> Invoice:
    invoice = draft(family, ledger=ledger, price=price)
    if payer is not None:
        Invoice.objects.filter(pk=invoice.pk).update(payer=payer)
        invoice.refresh_from_db()
    return services.invoice_issue(invoice=invoice, on=datetime.date(2026, 9, 15))


def test_recording_a_payment_starts_with_the_family_of_the_establishment(world):
    response = client_for(world.staff_1).get(ADD)
    shown = page(response)
    assert shown.h1 == ["Enregistrer un règlement : la famille"]
    families = options(response, "family")
    assert any(label.startswith("ABARRE (") for label in families)
    assert any(label.startswith("MARTIN (") for label in families)
    assert not any("DURAND" in label for label in families)  # establishment 2's
    assert not tree(response).xpath("//input[@name='settles']")
    # The choice leads to the payment's form, by a plain link-like form (GET).
    (form,) = tree(response).xpath("//main//form | //div[@id='content-main']//form")
    assert form.get("method") == "get" and form.get("action") == ADD


def test_the_form_offers_the_familys_invoices_left_to_pay_with_what_is_left(world):
    mine = issued_for(world.family_a.family, price="45.00")
    hers = issued_for(world.family_a.family, price="30.00", payer=world.family_a2.guardian)
    theirs = issued_for(world.family_b.family, price="95.00")
    other_establishment = Invoice.objects.issued().get(family=world.family_c.family)
    response = client_for(world.staff_1).get(f"{ADD}?family={world.family_a.family.pk}")
    invoices = offered(response)
    assert invoices == {
        str(world.invoice_a.pk): "12FC01785 du 04/12/2012, Locations – 50,00 € restant dû",
        str(mine.pk): f"{mine.number} du 15/09/2026, Cotisations – 45,00 € restant dû",
        str(hers.pk): f"{hers.number} du 15/09/2026, Cotisations – 30,00 € restant dû – "
        f"réglée par {world.family_a2.guardian.full_name}",
    }
    # Nothing of family B, nor of the other establishment; 10FC00420 has nothing left to pay.
    assert str(theirs.pk) not in invoices and str(other_establishment.pk) not in invoices
    (family,) = options(response, "family")  # the one chosen
    assert family.startswith("ABARRE")
    payers = options(response, "payer")
    assert payers[0] == "la famille (chaque responsable)"
    assert sorted(payers[1:]) == sorted(
        [world.family_a.guardian.full_name, world.family_a2.guardian.full_name]
    )
    assert "Enregistrer un règlement d'une autre famille" in page(response).text


def test_without_javascript_the_two_steps_record_the_payment(world):
    staff = client_for(world.staff_1)
    # Another establishment's family, typed in the address: said next to the list.
    refused = staff.get(f"{ADD}?family={world.family_c.family.pk}")
    shown = page(refused)
    assert "Choisissez une famille de la liste." in shown.text
    assert shown.title.startswith("Erreur :")
    for typed in ("abc", "%C2%B2", "99999999999999999999999"):  # "²" is a digit to str
        assert staff.get(f"{ADD}?family={typed}").status_code == 200, typed
    form = staff.get(f"{ADD}?family={world.family_a.family.pk}")
    assert str(world.invoice_a.pk) in offered(form)
    response = staff.post(
        f"{ADD}?family={world.family_a.family.pk}",
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_a.family.pk,
            "ledger": "locations",
            "mode": "cheque",
            "amount": "45,00",
            "label": "chèque 1234",
            "settles": [world.invoice_a.pk],
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get(label="chèque 1234")
    assert [(s.invoice, s.amount) for s in payment.settlements.all()] == [
        (world.invoice_a, Decimal("45.00"))
    ]
    shown = page(staff.get(reverse("admin:billing_payment_change", args=[payment.pk])))
    assert "12FC01785 (45,00 €)" in shown.text  # recorded: read only, but the paid-in box


@pytest.mark.parametrize("whose", ["family_b", "family_c", "garbage", "paid", "other_ledger"])
def test_an_invoice_not_offered_is_refused_next_to_the_field_never_an_error_page(world, whose):
    invoice = {
        "family_b": lambda: issued_for(world.family_b.family, price="95.00").pk,
        "family_c": lambda: Invoice.objects.issued().get(family=world.family_c.family).pk,
        "garbage": lambda: "12FC01785",  # a number typed where an invoice is expected
        "paid": lambda: world.invoice_a2.pk,  # hers, with nothing left to pay
        "other_ledger": lambda: world.invoice_a.pk,  # a rental invoice, fees chosen
    }[whose]()
    response = client_for(world.staff_1).post(
        f"{ADD}?family={world.family_a.family.pk}",
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_a.family.pk,
            "payer": world.family_a2.guardian.pk if whose == "paid" else "",
            "ledger": "cotisations" if whose in {"family_b", "other_ledger"} else "locations",
            "mode": "cheque",
            "amount": "50,00",
            "settles": [invoice],
        },
    )
    assert response.status_code == 200
    errors = " ".join(
        " ".join(e.text_content().split())
        for e in tree(response).xpath(
            "//div[contains(@class, 'field-settles')]//ul[contains(@class, 'errorlist')]"
        )
    )
    assert {
        "family_b": "n'est pas une facture de la famille ABARRE",
        "family_c": "n'est pas une des factures restant dues de cette famille",
        "garbage": "n'est pas une des factures restant dues de cette famille",
        "paid": "10FC00420 n'a plus rien à payer",
        "other_ledger": "12FC01785 est une facture du compte Locations : choisissez ce compte",
    }[whose] in errors
    assert not Payment.objects.filter(amount=Decimal("50.00"), mode="cheque").exists()


def test_a_superuser_chooses_among_every_establishments_families_named_so(world):
    response = client_for(world.superuser).get(ADD)
    families = options(response, "family")
    assert any(label.startswith("DURAND") and "Saint-Jean" in label for label in families)
    assert any(label.startswith("ABARRE") and "Conservatoire 1" in label for label in families)

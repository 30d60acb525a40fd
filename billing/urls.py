from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("facture/<int:invoice_id>/duplicata.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("recu/<int:payment_id>/duplicata.pdf", views.payment_pdf, name="payment_pdf"),
    path("paiement/confirmation/", views.payment_confirm, name="payment_confirm"),
    path("paiement-test/<str:reference>/", views.test_card, name="test_card"),
    path("<slug:ledger>/", views.ledger, name="ledger"),
    path("<slug:ledger>/payer/", views.pay, name="pay"),
]

"""The accounts pages of the admin read in plain French: a family's login is its identifier
(never the internal ``c1:abarre1``), and nothing is left in English or in code."""

from django.urls import reverse

from accounts.models import AuditEntry
from conftest import client_for
from family import services as family
from tests.html import page


def test_staff_read_a_familys_login_as_its_identifier(world):
    staff = client_for(world.staff_1)
    user = world.family_a.user
    pages = [
        staff.get(reverse("admin:accounts_user_changelist")),
        staff.get(reverse("admin:accounts_user_change", args=[user.pk])),
        staff.get(reverse("admin:auth_user_password_change", args=[user.pk])),
        staff.get(reverse("admin:accounts_user_history", args=[user.pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        text = page(response).text
        assert "abarre1" in text
        assert "c1:" not in text, page(response).title
    assert page(pages[1]).title.startswith("abarre1 |")
    assert "Modifier le mot de passe : abarre1" in page(pages[2]).text


def test_the_audit_log_names_a_family_login_by_its_identifier(world):
    family.change_request_submit(
        record=world.family_a.guardian, values={"city": "TOURS"}, requested_by=world.family_a.user
    )
    entry = AuditEntry.objects.filter(actor=world.family_a.user).first()
    staff = client_for(world.staff_1)
    listing = page(staff.get(reverse("admin:accounts_auditentry_changelist"))).text
    detail = page(staff.get(reverse("admin:accounts_auditentry_change", args=[entry.pk]))).text
    for text in (listing, detail):
        assert "abarre1" in text and "c1:abarre1" not in text

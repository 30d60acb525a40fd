"""The accounts pages of the admin read in plain French: a family's login is its identifier
(never the internal ``c1:abarre1``), and nothing is left in English or in code."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.audit import action_label
from accounts.models import AuditEntry
from conftest import client_for
from family import services as family
from tests.html import page

ACTION = re.compile(
    r"[\"']((?:accounts|family|students|billing|reenrolment|accessibility)\.[a-z_]+\.[a-z_]+)[\"']"
)


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


def test_the_audit_log_names_its_actions_in_words(world):
    family.change_request_submit(
        record=world.family_a.guardian, values={"city": "TOURS"}, requested_by=world.family_a.user
    )
    entry = AuditEntry.objects.get(action="family.change.requested", actor=world.family_a.user)
    staff = client_for(world.staff_1)
    listing = page(staff.get(reverse("admin:accounts_auditentry_changelist"))).text
    assert "Modification demandée" in listing
    assert "family.change.requested" not in listing
    assert re.search(r"\b\d+ entrées?\b", listing) and "journal d'audit Filtre" not in listing
    detail = page(staff.get(reverse("admin:accounts_auditentry_change", args=[entry.pk]))).text
    assert "Entrée du journal d'audit" in detail
    assert "Modification demandée – ABARRE Jérémie" in detail
    assert "Type de fiche : Responsable" in detail
    assert "→ TOURS" in detail and '"new"' not in detail


def test_every_action_of_the_code_has_a_name():
    """Each ``<app>.<record>.<event>`` written to the audit log is named for the staff."""
    found = set()
    for app in ("accounts", "family", "students", "billing", "reenrolment", "accessibility"):
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            if {"tests", "migrations"} & set(path.parts) or path.name == "audit_actions.py":
                continue
            found |= {code for code in ACTION.findall(path.read_text()) if not importable(code)}
    assert len(found) > 30
    assert [code for code in sorted(found) if action_label(code) == code] == []


def importable(dotted: str) -> bool:
    """A dotted path to code (a setting's value), not an action."""
    try:
        import_string(dotted)
    except ImportError:
        return False
    return True


def test_the_users_page_says_whether_a_password_is_set_not_its_hash(world):
    from accounts import services

    services.temporary_password_send(
        establishment=world.establishment_1,
        identifier="abarre1",
        email=world.family_a.user.email,
        login_url="http://testserver/connexion/",
    )
    staff = client_for(world.staff_1)
    user = world.family_a.user
    text = page(staff.get(reverse("admin:accounts_user_change", args=[user.pk]))).text
    assert "Un mot de passe personnel est défini." in text
    assert "Un mot de passe provisoire envoyé par e-mail est valable jusqu'au" in text
    assert "algorithme" not in text and "salage" not in text and "empreinte" not in text
    for url in (
        reverse("admin:accounts_user_add"),
        reverse("admin:auth_user_password_change", args=[user.pk]),
    ):
        text = page(staff.get(url)).text
        assert "LDAP" not in text
        assert "« Générer un nouveau mot de passe » sur le portail" in text

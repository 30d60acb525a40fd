"""Famille → Identité saved as it is shown asks the staff for nothing: a field counts as a
change only when the family changed what the page showed."""

from django.urls import reverse
from mailer.models import Message

from conftest import client_for
from family.models import ChangeRequest, ChoiceItem, ChoiceKind, Guardian
from tests.html import form_as_sent, page

URL = reverse("family:identity")


def requests_of(world):
    return ChangeRequest.objects.filter(family=world.family_a.family)


def imported_record(world) -> Guardian:
    """Jérémie's record as an import left it: a phone not in the portal's format and a
    civility the staff have switched off since."""
    guardian = world.family_a.guardian
    guardian.home_phone = "0238550238"
    guardian.save(update_fields=["home_phone"])
    ChoiceItem.objects.filter(pk=guardian.civility_id).update(is_active=False)
    return guardian


def test_the_guardians_form_saved_as_shown_asks_for_nothing_and_mails_nothing(world):
    imported_record(world)
    client = client_for(world.family_a.user)
    shown = client.get(URL)
    assert "Monsieur (n'est plus proposé)" in page(shown).text  # the stored entry, said so

    response = client.post(URL, form_as_sent(shown, action=URL))

    assert response.status_code == 302
    assert not requests_of(world).exists()
    assert not Message.objects.exists()
    assert "Aucune modification" in page(client.get(URL)).text


def test_changing_one_field_asks_for_that_field_only(world):
    guardian = imported_record(world)
    client = client_for(world.family_a.user)
    sent = form_as_sent(client.get(URL), action=URL)

    client.post(URL, {**sent, "city": "TOURS"})

    assert requests_of(world).get().changes == {"city": {"old": "ORLEANS", "new": "TOURS"}}
    guardian.refresh_from_db()
    assert guardian.home_phone == "0238550238"


def test_a_page_showing_earlier_values_does_not_undo_what_the_staff_changed_since(world):
    client = client_for(world.family_a.user)
    sent = form_as_sent(client.get(URL), action=URL)
    Guardian.objects.filter(pk=world.family_a.guardian.pk).update(city="TOURS")  # the staff

    response = client.post(URL, sent)  # the tab opened earlier, sent untouched

    assert response.status_code == 302
    assert not requests_of(world).exists()


def test_a_second_save_keeps_what_was_asked_earlier(world):
    client = client_for(world.family_a.user)
    client.post(URL, {**form_as_sent(client.get(URL), action=URL), "city": "TOURS"})
    client.post(URL, {**form_as_sent(client.get(URL), action=URL), "mobile_phone": "0611223344"})

    assert requests_of(world).get().changes == {
        "city": {"old": "ORLEANS", "new": "TOURS"},
        "mobile_phone": {"old": "", "new": "06 11 22 33 44"},
    }
    # Set back to the stored value: no longer asked for.
    client.post(URL, {**form_as_sent(client.get(URL), action=URL), "city": "ORLEANS"})
    assert list(requests_of(world).get().changes) == ["mobile_phone"]


def test_a_garbled_record_of_what_was_shown_is_no_error(world):
    client = client_for(world.family_a.user)
    sent = form_as_sent(client.get(URL), action=URL)
    nested = '{"city": ' + "[" * 100_000  # RecursionError in the JSON parser
    for garbled in ("[1, 2", "[]", '{"city": 5}', "\x00", nested[:99_000], "{" * 200_000):
        response = client.post(URL, {**sent, "shown": garbled})
        assert response.status_code == 302, garbled
    assert not requests_of(world).exists()


def test_another_establishments_entry_is_never_offered_as_the_stored_one(world):
    foreign = ChoiceItem.objects.create(
        establishment=world.establishment_2, kind=ChoiceKind.CIVILITY, label="Docteur"
    )
    Guardian.objects.filter(pk=world.family_a.guardian.pk).update(civility=foreign)
    html = client_for(world.family_a.user).get(URL).content.decode()
    assert "Docteur" not in html


def test_no_page_asks_for_a_forms_values_as_they_stand():
    """Every call of ``change_request_submit`` in the portal's code gives what the family
    changed (an identity form's ``requested_values``), never a form's ``cleaned_data`` (every
    field, those the family did not touch included)."""
    import ast
    from pathlib import Path

    from django.conf import settings

    found = []
    for path in sorted(Path(settings.BASE_DIR).rglob("*.py")):
        parts = path.relative_to(settings.BASE_DIR).parts
        if parts[0] == ".venv" or "tests" in parts or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "attr", getattr(node.func, "id", ""))
            values = next((k.value for k in node.keywords if k.arg == "values"), None)
            sent = ast.unparse(values) if values is not None else ""
            if called == "change_request_submit" and "cleaned_data" in sent:
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    assert found == []

"""Documents fournis: the family imports, sends, sees the state; the staff accept or refuse;
files are reached only by their family and their establishment's staff."""

import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from mailer.models import Message

from conftest import client_for, send_document
from family.models import Document, DocumentType
from family.tests.upload_files import corpus, pdf
from tests.html import consumed, page


def family_url(world) -> str:
    return reverse("family:document", args=[world.family_document_type.pk])


def student_url(world, student=None) -> str:
    student = student or world.family_a.students[0]
    return reverse("students:document", args=[student.pk, world.student_document_type.pk])


def import_file(client, url, name="justificatif.pdf", content=None):
    upload = SimpleUploadedFile(name, content if content is not None else pdf())
    return client.post(url, {"action": "import", "file": upload})


def confirm(client, url, action="send"):
    """Valider (or Annuler) as the page does: naming the imported file it shows."""
    draft = Document.objects.filter(status=Document.Status.DRAFT).latest("pk")
    return client.post(url, {"action": action, "document": draft.pk})


def test_the_list_shows_each_document_asked_with_its_state(world):
    client = client_for(world.family_a.user)
    text = page(client.get(reverse("family:documents"))).text
    assert "Justificatif de domicile oui … Reçu, en attente de vérification" in text
    assert "Attestation d'assurance" not in text  # asked for each student, not the family
    irina = world.family_a.students[0]
    text = page(client.get(reverse("students:documents", args=[irina.pk]))).text
    assert "Attestation d'assurance oui ○ Manquant" in text


def test_import_then_send_then_refused_then_sent_again_and_accepted(world):
    client = client_for(world.family_a.user)
    staff = client_for(world.staff_1)
    url = student_url(world)
    irina = world.family_a.students[0]

    # Importer: checked and kept, not yet for the staff.
    response = import_file(client, url, "attestation.pdf")
    assert response.status_code == 302 and response["Location"] == url
    text = page(client.get(url)).text
    assert "Le fichier « attestation.pdf » est importé." in text
    assert "Fichier importé, pas encore envoyé" in text
    draft = Document.objects.get(student=irina, status=Document.Status.DRAFT)
    changelist = reverse("admin:family_document_changelist")
    assert f"/admin/family/document/{draft.pk}/" not in staff.get(changelist).content.decode()

    # Valider: sent to the staff, counted on the admin's home page.
    confirm(client, url)
    text = page(client.get(url)).text
    assert "Le document est envoyé : le personnel administratif va le vérifier." in text
    assert "État : … Reçu, en attente de vérification" in text
    home = page(staff.get(reverse("admin:index"))).text
    assert "Documents à vérifier 2" in home  # with the one the world starts with

    # The staff open it and refuse it with a reason: the family is mailed.
    admin_url = reverse("admin:family_document_change", args=[draft.pk])
    assert "Télécharger le fichier (PDF," in page(staff.get(admin_url)).text
    refused = staff.post(admin_url, {"_refuse": "1", "reason": ""}, follow=True)
    assert "Indiquez le motif du refus" in page(refused).text
    staff.post(admin_url, {"_refuse": "1", "reason": "Attestation de l'an dernier."})
    message = Message.objects.get()
    assert message.to_addresses == [world.family_a.user.email]
    assert message.email.subject == "Conservatoire 1 : document refusé (Attestation d'assurance)"
    assert "Motif : Attestation de l'an dernier." in message.email.body
    assert "pour ABARRE Irina a été refusé" in message.email.body
    text = page(client.get(url)).text
    assert "État : ✗ Refusé — motif : Attestation de l'an dernier." in text

    # Another file: the refused one stays in the history; the staff accept the new one.
    import_file(client, url, "attestation-2026.pdf")
    confirm(client, url)
    second = Document.objects.get(student=irina, status=Document.Status.RECEIVED)
    # Decided from the queue of documents received, it comes back to that list.
    filters = "_changelist_filters=status%3Dreceived%26q%3DABARRE"
    decided = staff.post(
        f"{reverse('admin:family_document_change', args=[second.pk])}?{filters}",
        {"_accept": "1"},
    )
    assert decided["Location"] == (
        f"{reverse('admin:family_document_changelist')}?status=received&q=ABARRE"
    )
    text = page(client.get(url)).text
    assert "État : ✓ Accepté" in text
    assert text.index("attestation-2026.pdf") < text.index("attestation.pdf")
    assert "Refusé — motif : Attestation de l'an dernier." in text


def test_staff_must_give_a_reason_to_refuse(world):
    staff = client_for(world.staff_1)
    url = reverse("admin:family_document_change", args=[world.document_a.pk])
    response = staff.post(url, {"_refuse": "1", "reason": "  "}, follow=True)
    assert response.redirect_chain == [(f"{url}?motif=obligatoire", 302)]
    html = response.content.decode()
    # Said next to the field, which is marked and takes the focus.
    assert '<ul class="errorlist" id="reason-error"><li>Indiquez le motif du refus' in html
    assert 'aria-invalid="true" aria-describedby="reason-error" autofocus' in html
    world.document_a.refresh_from_db()
    assert world.document_a.status == Document.Status.RECEIVED
    assert Message.objects.count() == 0


def test_sending_again_replaces_the_file_awaiting_check(world):
    client = client_for(world.family_a.user)
    import_file(client, family_url(world), "nouvelle-facture.pdf")
    confirm(client, family_url(world))
    states = dict(
        Document.objects.filter(family=world.family_a.family).values_list("original_name", "status")
    )
    assert states == {"scan.pdf": "replaced", "nouvelle-facture.pdf": "received"}
    text = page(client.get(family_url(world))).text
    assert "Remplacé avant vérification" in text


def test_cancel_deletes_the_imported_file(world, django_capture_on_commit_callbacks):
    client = client_for(world.family_a.user)
    import_file(client, family_url(world))
    draft = Document.objects.get(status=Document.Status.DRAFT)
    path = Path(draft.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, family_url(world), "cancel")
    assert not Document.objects.filter(pk=draft.pk).exists()
    assert not path.exists()
    assert "n'a pas été envoyé et il est supprimé" in page(client.get(family_url(world))).text


@pytest.mark.parametrize("action", ["send", "cancel", "nonsense"])
def test_actions_without_a_draft_change_nothing(world, action):
    client = client_for(world.family_a.user)
    response = client.post(family_url(world), {"action": action})
    assert response.status_code == 302
    assert Document.objects.filter(family=world.family_a.family).count() == 1


def test_a_family_downloads_its_file_under_a_name_of_its_own(world):
    response = client_for(world.family_a.user).get(
        reverse("family:document_file", args=[world.document_a.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "justificatif-de-domicile-" in disposition and "scan" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf()


@pytest.mark.parametrize("persona", ["family_b", "family_c"])
def test_another_family_gets_404_on_the_file(world, persona):
    user = getattr(world, persona).user
    response = client_for(user).get(reverse("family:document_file", args=[world.document_a.pk]))
    assert response.status_code == 404


def test_admin_file_is_for_the_establishments_staff_only(world):
    url = reverse("admin:family_document_file", args=[world.document_a.pk])
    for user, expected in ((world.staff_1, 200), (world.superuser, 200), (world.staff_2, 404)):
        response = consumed(client_for(user).get(url))
        assert response.status_code == expected, user
    response = client_for(world.family_a.user).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_never_reach_a_file_not_sent(world):
    client = client_for(world.family_a.user)
    import_file(client, family_url(world))
    draft = Document.objects.get(status=Document.Status.DRAFT)
    staff = client_for(world.staff_1)
    assert staff.get(reverse("admin:family_document_file", args=[draft.pk])).status_code == 404
    change = staff.get(reverse("admin:family_document_change", args=[draft.pk]))
    assert change.status_code == 302


def test_the_admin_shows_an_image_inline_for_checking(world):
    document = send_document(
        world.family_a, world.family_document_type, content=corpus("scan.png"), name="scan.png"
    )
    url = reverse("admin:family_document_file", args=[document.pk])
    response = consumed(client_for(world.staff_1).get(url + "?apercu=1"))
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("family:document", args=[w.student_document_type.pk]),
        lambda w: reverse("students:document", args=[w.family_a.students[0].pk, 999999]),
        lambda w: reverse(
            "family:document",
            args=[DocumentType.objects.get(establishment=w.establishment_2, holder="family").pk],
        ),
        lambda w: reverse(
            "students:document", args=[w.family_b.students[0].pk, w.student_document_type.pk]
        ),
    ],
    ids=["student-type-as-family", "unknown-type", "other-establishment", "other-family"],
)
def test_documents_out_of_reach_are_404(world, url):
    client = client_for(world.family_a.user)
    assert client.get(url(world)).status_code == 404
    assert import_file(client, url(world)).status_code == 404


def test_a_second_import_replaces_the_file_not_sent(world, django_capture_on_commit_callbacks):
    client = client_for(world.family_a.user)
    import_file(client, family_url(world), "premier.pdf")
    first = Path(Document.objects.get(status=Document.Status.DRAFT).file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = import_file(client, family_url(world), "second.pdf")
    assert response.status_code == 302
    assert Document.objects.get(status=Document.Status.DRAFT).original_name == "second.pdf"
    assert not first.exists()


def test_a_document_no_longer_asked_for_is_404(world):
    world.family_document_type.is_active = False
    world.family_document_type.save()
    assert client_for(world.family_a.user).get(family_url(world)).status_code == 404


def test_the_student_picker_keeps_the_open_tab(world):
    paul = world.family_a.students[1]
    response = client_for(world.family_a.user).get(
        reverse("students:list"), {"eleve": paul.pk, "onglet": "documents"}
    )
    assert response["Location"] == reverse("students:documents", args=[paul.pk])


def test_bulk_refusal_asks_for_the_reason_then_mails_each_family(world):
    second = send_document(world.family_b, world.family_document_type)
    staff = client_for(world.staff_1)
    url = reverse("admin:family_document_changelist")
    selected = [world.document_a.pk, second.pk]
    asked = staff.post(url, {"action": "refuse_selected", "_selected_action": selected})
    assert "Motif (obligatoire pour refuser, envoyé à la famille)" in page(asked).text
    staff.post(
        url,
        {
            "action": "refuse_selected",
            "_selected_action": selected,
            "apply": "1",
            "reason": "Illisible.",
        },
    )
    assert set(Document.objects.filter(pk__in=selected).values_list("status", flat=True)) == {
        "refused"
    }
    assert Message.objects.count() == 2


def test_bulk_acceptance(world):
    staff = client_for(world.staff_1)
    staff.post(
        reverse("admin:family_document_changelist"),
        {"action": "accept_selected", "_selected_action": [world.document_a.pk]},
    )
    world.document_a.refresh_from_db()
    assert world.document_a.status == Document.Status.ACCEPTED
    assert world.document_a.decided_by == world.staff_1


def test_the_refusal_mail_is_sent_in_the_familys_language(world):
    world.family_a.user.language = "en"
    world.family_a.user.save()
    staff = client_for(world.staff_1)
    url = reverse("admin:family_document_change", args=[world.document_a.pk])
    staff.post(url, {"_refuse": "1", "reason": "Too old."})
    call_command("send_mail", verbosity=0)
    assert mail.outbox[-1].subject == "Conservatoire 1: document refused (Justificatif de domicile)"


def many_documents(world, count: int) -> None:
    for number in range(count):
        extra = DocumentType.objects.create(
            establishment=world.establishment_1, name=f"Pièce {number}", holder="family"
        )
        send_document(world.family_a, extra)
        send_document(world.family_a, extra)


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("family:documents"),
        lambda w: reverse("family:document", args=[w.family_document_type.pk]),
        lambda w: reverse("students:documents", args=[w.family_a.students[0].pk]),
        lambda w: student_url(w),
        lambda w: reverse("students:courses", args=[w.family_a.students[0].pk]),
    ],
    ids=["family-list", "family-document", "student-list", "student-document", "student-tab"],
)
def test_document_pages_query_count_is_flat(world, url):
    """The same number of queries with one file as with twenty, and a small number."""
    client = client_for(world.family_a.user)

    def count() -> int:
        client.get(url(world))  # sessions and caches warmed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world)).status_code == 200
        return len(queries)

    few = count()
    for _round in range(2):
        send_document(world.family_a, world.family_document_type)
        send_document(
            world.family_a, world.student_document_type, student=world.family_a.students[0]
        )
    many_documents(world, 8)
    assert count() == few <= 12


def test_files_imported_but_never_sent_are_purged_after_two_days(
    world, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils.timezone import now

    client = client_for(world.family_a.user)
    import_file(client, family_url(world), "oublie.pdf")
    import_file(client, student_url(world), "recent.pdf")
    old = Document.objects.get(original_name="oublie.pdf")
    Document.objects.filter(pk=old.pk).update(uploaded_at=now() - timedelta(hours=49))
    path = Path(old.file.path)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_document_drafts", stdout=out)
    assert "1 imported file(s) never sent deleted." in out.getvalue()
    assert not path.exists()
    assert set(Document.objects.values_list("original_name", flat=True)) == {
        "scan.pdf",
        "recent.pdf",
    }


def test_a_stale_tab_never_sends_a_file_the_family_did_not_see(world):
    client = client_for(world.family_a.user)
    import_file(client, family_url(world), "premier.pdf")
    seen = Document.objects.get(status=Document.Status.DRAFT)
    import_file(client, family_url(world), "second.pdf")  # in another tab
    client.post(family_url(world), {"action": "send", "document": seen.pk})
    assert not Document.objects.filter(
        status=Document.Status.RECEIVED, original_name="second.pdf"
    ).exists()
    text = page(client.get(family_url(world))).text
    assert "Le fichier importé a changé entre-temps" in text
    assert "second.pdf (PDF," in text


def test_cancel_twice_is_answered_calmly(world):
    client = client_for(world.family_a.user)
    import_file(client, family_url(world))
    draft = Document.objects.get(status=Document.Status.DRAFT)
    for _attempt in range(2):
        response = client.post(family_url(world), {"action": "cancel", "document": draft.pk})
        assert response.status_code == 302
    assert "Aucun fichier importé" in page(client.get(family_url(world))).text


def test_services_refuse_a_draft_gone_meanwhile(world):
    from family.exceptions import FamilyError
    from family.services import document_discard, document_submit

    client = client_for(world.family_a.user)
    import_file(client, family_url(world))
    draft = Document.objects.get(status=Document.Status.DRAFT)
    document_discard(document=draft)
    for service in (document_discard, document_submit):
        kwargs = {"submitted_by": world.family_a.user} if service is document_submit else {}
        with pytest.raises(FamilyError):
            service(document=draft, **kwargs)


def test_accepting_with_a_reason_typed_asks_which_was_meant(world):
    staff = client_for(world.staff_1)
    url = reverse("admin:family_document_change", args=[world.document_a.pk])
    response = staff.post(url, {"_accept": "1", "reason": "Illisible"}, follow=True)
    assert "Vous avez saisi un motif de refus" in page(response).text
    world.document_a.refresh_from_db()
    assert world.document_a.status == Document.Status.RECEIVED


def test_bulk_acceptance_says_what_it_left(world):
    accepted = send_document(world.family_b, world.family_document_type)
    staff = client_for(world.staff_1)
    url = reverse("admin:family_document_changelist")
    staff.post(url, {"action": "accept_selected", "_selected_action": [accepted.pk]})
    response = staff.post(
        url,
        {"action": "accept_selected", "_selected_action": [accepted.pk, world.document_a.pk]},
        follow=True,
    )
    text = page(response).text
    assert "1 document(s) accepté(s). 1 document(s) laissé(s) tel(s) quel(s)" in text


def test_bulk_refusal_of_nothing_awaiting_says_so(world):
    staff = client_for(world.staff_1)
    url = reverse("admin:family_document_changelist")
    staff.post(url, {"action": "accept_selected", "_selected_action": [world.document_a.pk]})
    response = staff.post(
        url, {"action": "refuse_selected", "_selected_action": [world.document_a.pk]}, follow=True
    )
    assert "Aucun des documents sélectionnés n'attend de vérification" in page(response).text
    assert Message.objects.count() == 0


def test_a_type_with_files_keeps_its_holder_and_cannot_be_deleted(world):
    staff = client_for(world.staff_1)
    url = reverse("admin:family_documenttype_change", args=[world.family_document_type.pk])
    html = staff.get(url).content.decode()
    assert 'name="holder"' not in html  # shown, not editable
    delete = reverse("admin:family_documenttype_delete", args=[world.family_document_type.pk])
    assert staff.get(delete)["Location"] == url  # with a message saying why
    unused = DocumentType.objects.create(
        establishment=world.establishment_1, name="Photo d'identité", holder="student"
    )
    assert (
        'name="holder"'
        in staff.get(reverse("admin:family_documenttype_change", args=[unused.pk])).content.decode()
    )


def test_the_explanation_reads_in_english_when_there_is_one(world):
    world.family_document_type.description = "De moins de trois mois."
    world.family_document_type.description_en = "Less than three months old."
    world.family_document_type.save()
    client = client_for(world.family_a.user)
    assert "De moins de trois mois." in page(client.get(family_url(world))).text
    client.post(reverse("accounts:set_language"), {"language": "en"})
    assert "Less than three months old." in page(client.get(family_url(world))).text


def test_an_optional_document_does_not_call_the_file_required(world):
    optional = DocumentType.objects.create(
        establishment=world.establishment_1, name="Avis d'imposition", is_required=False
    )
    text = page(
        client_for(world.family_a.user).get(reverse("family:document", args=[optional.pk]))
    ).text
    assert "Ce document est facultatif." in text
    assert "Fichier à importer (obligatoire)" not in text


def test_a_deleted_document_takes_its_file_along(world, django_capture_on_commit_callbacks):
    path = Path(world.document_a.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.filter(family=world.family_a.family).delete()
    assert not path.exists()


def test_a_reason_typed_before_accepting_is_kept_for_the_refusal(world):
    staff = client_for(world.staff_1)
    url = reverse("admin:family_document_change", args=[world.document_a.pk])
    response = staff.post(
        url, {"_accept": "1", "reason": "Illisible, merci de renvoyer"}, follow=True
    )
    assert ">Illisible, merci de renvoyer</textarea>" in response.content.decode()
    again = staff.get(url).content.decode()  # shown once, not forever
    assert "Illisible, merci de renvoyer" not in again


def test_a_used_document_type_points_to_unticking_instead_of_deleting(world):
    staff = client_for(world.staff_1)
    delete = reverse("admin:family_documenttype_delete", args=[world.family_document_type.pk])
    response = staff.get(delete, follow=True)
    assert "il est conservé : décochez « demandé »" in page(response).text
    assert DocumentType.objects.filter(pk=world.family_document_type.pk).exists()
    unused = DocumentType.objects.create(establishment=world.establishment_1, name="Photo")
    delete = reverse("admin:family_documenttype_delete", args=[unused.pk])
    staff.post(delete, {"post": "yes"})
    assert not DocumentType.objects.filter(pk=unused.pk).exists()


def test_the_bulk_refusal_page_says_what_it_leaves(world):
    accepted = send_document(world.family_b, world.family_document_type)
    staff = client_for(world.staff_1)
    url = reverse("admin:family_document_changelist")
    staff.post(url, {"action": "accept_selected", "_selected_action": [accepted.pk]})
    asked = staff.post(
        url,
        {"action": "refuse_selected", "_selected_action": [accepted.pk, world.document_a.pk]},
    )
    assert (
        "1 des éléments sélectionnés n'attend pas de décision : il reste tel quel."
        in page(asked).text
    )

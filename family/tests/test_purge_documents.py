"""Documents past the retention period (DOCUMENT_RETENTION_DAYS) are deleted with their files by
`manage.py purge_documents`, per establishment; --dry-run deletes nothing."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils.timezone import now

from accounts.models import AuditEntry
from conftest import send_document
from family.models import Document, DocumentType
from family.services import document_accept, document_refuse


def sent(world, persona, document_type, *, days_ago: int, decision="accept", student=None):
    document = send_document(persona, document_type, student=student)
    if decision == "accept":
        document = document_accept(document=document, decided_by=world.staff_1)
    elif decision == "refuse":
        document = document_refuse(document=document, decided_by=world.staff_1, reason="Flou.")
    Document.objects.filter(pk=document.pk).update(uploaded_at=now() - timedelta(days=days_ago))
    return document


@pytest.fixture
def documents(world):
    """In establishment 1: an accepted proof of address of three years ago, a refused one of
    two and a half, this year's, and a student's of three years ago still awaiting the
    staff's check; in establishment 2, a student's accepted document of three years ago."""
    b, c = world.family_b, world.family_c
    other_type = DocumentType.objects.get(establishment=world.establishment_2, holder="student")
    return {
        "old": sent(world, world.family_a, world.family_document_type, days_ago=1100),
        "refused": sent(world, b, world.family_document_type, days_ago=900, decision="refuse"),
        "recent": sent(world, world.family_a, world.family_document_type, days_ago=100),
        "unchecked": sent(
            world,
            b,
            world.student_document_type,
            days_ago=1100,
            decision=None,
            student=b.students[0],
        ),
        "other_site": sent(world, c, other_type, days_ago=1100, student=c.students[0]),
    }


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_documents", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_says_what_would_go_and_deletes_nothing(world, documents):
    count = Document.objects.count()
    output = purge("--dry-run")
    assert "Conservatoire 1: 2 document(s) sent more than 730 days ago would be deleted" in output
    assert "École de musique de Saint-Jean: 1 document(s)" in output
    assert "Total: 3 document(s) would be deleted (dry run: nothing deleted)." in output
    assert Document.objects.count() == count
    assert all(Path(document.file.path).exists() for document in documents.values())


def test_documents_past_the_retention_go_with_their_files(
    world, documents, django_capture_on_commit_callbacks
):
    old_path = Path(documents["old"].file.path)
    with django_capture_on_commit_callbacks(execute=True):
        output = purge()
    assert "Conservatoire 1: 2 document(s) sent more than 730 days ago deleted." in output
    assert "École de musique de Saint-Jean: 1 document(s)" in output
    assert "Total: 3 document(s) deleted." in output
    assert not old_path.exists()
    left = set(Document.objects.values_list("pk", flat=True))
    # This year's stays; so does the one the staff have not checked yet, and world's own.
    assert {documents["recent"].pk, documents["unchecked"].pk, world.document_a.pk} <= left
    for gone in ("old", "refused", "other_site"):
        assert documents[gone].pk not in left, gone
    entry = AuditEntry.objects.get(
        action="family.document.purged", establishment=world.establishment_1
    )
    assert entry.details == {"count": 2, "retention_days": 730}


def test_the_retention_and_the_establishment_can_be_chosen(world, documents, settings):
    settings.DOCUMENT_RETENTION_DAYS = 50
    output = purge("--establishment", "sj")
    assert output.splitlines() == [
        "École de musique de Saint-Jean: 1 document(s) sent more than 50 days ago deleted.",
        "Total: 1 document(s) deleted.",
    ]
    assert Document.objects.filter(pk=documents["recent"].pk).exists()
    assert "Conservatoire 1: 3 document(s)" in purge("--days", "50", "--dry-run")
    with pytest.raises(CommandError):
        purge("--establishment", "nowhere")


def test_a_retention_of_zero_keeps_every_document(world, documents, settings):
    settings.DOCUMENT_RETENTION_DAYS = 0
    count = Document.objects.count()
    assert "none deleted" in purge()
    assert Document.objects.count() == count

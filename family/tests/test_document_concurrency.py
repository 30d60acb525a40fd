"""Two tabs of one family writing at the same instant, on PostgreSQL (row locks): whatever the
order, a file the family was told is sent stays sent, with its file."""

from pathlib import Path

import pytest
from django.db import connection

from conftest import require
from family.exceptions import FamilyError
from family.models import Document
from family.services import document_discard, document_import, document_submit
from family.tests.upload_files import pdf
from family.uploads import PDF, CheckedFile
from tests import concurrency

ROUNDS = 5


def checked(name: str) -> CheckedFile:
    content = pdf(name)
    return CheckedFile(content=content, mime=PDF, original_name=name, original_size=len(content))


def run_together(*actions):
    """The actions at once; a refusal (FamilyError) is an outcome, anything else fails."""
    outcomes = concurrency.run_together(actions)
    for outcome in outcomes:
        if isinstance(outcome, Exception) and not isinstance(outcome, FamilyError):
            raise outcome
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_send_and_a_new_import_at_once_never_lose_the_sent_file(world):
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    persona, document_type = world.family_a, world.family_document_type
    for round_ in range(ROUNDS):
        draft = document_import(
            family=persona.family,
            student=None,
            document_type=document_type,
            checked=checked(f"tab-one-{round_}"),
            uploaded_by=persona.user,
        )
        sent, _imported = run_together(
            lambda draft=draft: document_submit(document=draft, submitted_by=persona.user),
            lambda round_=round_: document_import(
                family=persona.family,
                student=None,
                document_type=document_type,
                checked=checked(f"tab-two-{round_}"),
                uploaded_by=persona.user,
            ),
        )
        if isinstance(sent, Document):
            # The family was told "sent": the row and its file are there, awaiting check.
            sent.refresh_from_db()
            assert sent.status == Document.Status.RECEIVED
            assert Path(sent.file.path).exists()
        else:
            assert isinstance(sent, FamilyError)  # the import replaced the draft first
        drafts = Document.objects.filter(family=persona.family, status=Document.Status.DRAFT)
        assert drafts.count() == 1
        document_discard(document=drafts.get())
    received = Document.objects.filter(family=persona.family, status=Document.Status.RECEIVED)
    assert received.count() <= 1


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_file_send_it_once(world):
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    persona = world.family_a
    for round_ in range(ROUNDS):
        draft = document_import(
            family=persona.family,
            student=None,
            document_type=world.family_document_type,
            checked=checked(f"double-clic-{round_}"),
            uploaded_by=persona.user,
        )
        send = lambda draft=draft: document_submit(document=draft, submitted_by=persona.user)  # noqa: E731
        outcomes = run_together(send, send)
        assert sorted(type(outcome).__name__ for outcome in outcomes) == [
            "Document",
            "FamilyError",
        ]

"""Media in an S3-compatible bucket (MEDIA_STORAGE=s3, django-storages), against moto's
in-process S3: the settings the environment gives, then a family's document imported, sent
and read back, the secretariat opening it, an invoice's duplicate rendered once and served
again, the health check, and every object private."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import storages
from django.urls import reverse
from moto import mock_aws

from conftest import client_for
from family.models import Document
from family.tests.upload_files import pdf

pytestmark = pytest.mark.django_db

BUCKET = "portail-medias"
S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "S3_BUCKET": BUCKET,
    "S3_REGION": "eu-west-3",
    "S3_ACCESS_KEY_ID": "test-access-key",
    "S3_SECRET_ACCESS_KEY": "test-secret-key",
}
PRINT_STORAGES = (
    "from django.conf import settings; import json; print(json.dumps(settings.STORAGES))"
)


def storages_from(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """The STORAGES the production settings make of an environment."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_STORAGES}"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "imuse_portal.settings",
            "DEBUG": "1",
            **environment,
        },
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )


def test_the_environment_chooses_the_bucket():
    result = storages_from(S3_ENV)
    assert result.returncode == 0, result.stderr
    configured = json.loads(result.stdout.strip().splitlines()[-1])
    for alias, prefix in (("default", ""), ("documents", "documents"), ("billing", "billing")):
        assert configured[alias]["BACKEND"] == "storages.backends.s3.S3Storage"
        options = configured[alias]["OPTIONS"]
        assert options["bucket_name"] == BUCKET and options["location"] == prefix
        assert options["default_acl"] == "private" and options["file_overwrite"] is False
    missing = storages_from({**S3_ENV, "S3_BUCKET": ""})
    assert missing.returncode != 0 and "MEDIA_STORAGE=s3 needs S3_BUCKET" in missing.stderr


@pytest.fixture
def bucket(settings, monkeypatch):
    configured = json.loads(storages_from(S3_ENV).stdout.strip().splitlines()[-1])
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-3")
        s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
        )
        settings.STORAGES = {
            **settings.STORAGES,
            **{k: configured[k] for k in ("default", "documents", "billing")},
        }
        # A file field holds the storage it was given when the models were loaded.
        monkeypatch.setattr(Document._meta.get_field("file"), "storage", storages["documents"])
        yield s3


def keys(s3) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_documents_duplicates_and_health_live_in_the_bucket(world, bucket):
    family = client_for(world.family_a.user)
    url = reverse("family:document", args=[world.family_document_type.pk])
    content = pdf("Justificatif de domicile, stocké dans le seau")
    imported = family.post(url, {"action": "import", "file": _upload(content)})
    assert imported.status_code == 302
    draft = Document.objects.filter(family=world.family_a.family, status="draft").get()
    assert family.post(url, {"action": "send", "document": draft.pk}).status_code == 302
    (document_key,) = [key for key in keys(bucket) if key.startswith("documents/")]

    download = family.get(reverse("family:document_file", args=[draft.pk]))
    assert b"".join(download.streaming_content) == content
    staff = client_for(world.staff_1).get(reverse("admin:family_document_file", args=[draft.pk]))
    assert b"".join(staff.streaming_content) == content

    invoice_pdf = reverse("billing:invoice_pdf", args=[world.invoice_a.pk])
    first = family.get(invoice_pdf)
    assert first.status_code == 200
    stored = [key for key in keys(bucket) if key.startswith("billing/")]
    assert len(stored) == 1
    again = family.get(invoice_pdf)
    assert _content(again) == _content(first)  # the stored copy, not a new rendering
    assert [key for key in keys(bucket) if key.startswith("billing/")] == stored

    assert client_for(None).get("/healthz").status_code == 200
    for key in (document_key, *stored):
        grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
        assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only
        assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers group


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("domicile.pdf", content, content_type="application/pdf")


def _content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content

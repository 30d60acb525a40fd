"""The demo's mails lead where `make run` serves the portal (`make run PORT=8123`), and a tester
reads them, links included, in the admin's mail log as well as on the console."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import Mail
from conftest import client_for, require

REPOSITORY = Path(django_settings.BASE_DIR)


@pytest.mark.django_db
def test_the_demos_mails_link_to_the_address_it_is_served_on(settings):
    settings.MAIL_LOG_BODIES = True  # as in development (DEBUG on)
    with override_settings(DEBUG=True):
        call_command("load_demo", url="http://127.0.0.1:8123", stdout=io.StringIO())
    mails = {mail.template: mail for mail in Mail.objects.all()}
    # Those that carry a link (the others, about a change asked or a document refused, none).
    for template in ("temporary_password", "identifier"):
        assert "http://127.0.0.1:8123/connexion/" in mails[template].body, mails[template].body
    assert not [mail for mail in mails.values() if ":8000" in mail.body]

    # The secretariat opens the password mail in the admin and follows its link.
    from accounts.models import User

    staff = User.objects.get(username="secretariat1")
    mail = mails["temporary_password"]
    page = client_for(staff).get(reverse("admin:accounts_mail_change", args=[mail.pk]))
    assert '<a href="http://127.0.0.1:8123/connexion/"' in page.content.decode()
    assert "abarre1" in page.content.decode()


@pytest.mark.django_db
def test_without_an_address_the_demo_follows_portal_url(settings):
    settings.MAIL_LOG_BODIES = True
    settings.PORTAL_URL = "http://localhost:8555"
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    for template in ("temporary_password", "identifier"):
        assert "http://localhost:8555/connexion/" in Mail.objects.get(template=template).body


def test_make_run_on_another_port_gives_that_address_to_the_demo_the_worker_and_the_server(
    tmp_path,
):
    """`make run PORT=8123`, each command of the recipe replaced by a stand-in that notes the
    PORTAL_URL it sees: the demo, the mail worker (mails sent outside a page, such as a freed
    seat offered) and the server all have the port served."""
    require(shutil.which("make") is not None, "make is not installed")
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()  # newer than the requirements: nothing to install
    calls = tmp_path / "calls"
    stand_in = tmp_path / "python"
    stand_in.write_text(
        "#!/bin/sh\n"
        f'echo "$PORTAL_URL|$*" >> "{calls}"\n'
        # The server keeps running a moment, so that the worker beside it is heard.
        'case "$*" in *runserver*) sleep 1;; esac\n'
    )
    stand_in.chmod(0o755)
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PORTAL_URL", "DEBUG", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    subprocess.run(
        ["make", "--no-print-directory", "run", "PORT=8123", f"VENV={venv}", f"PY={stand_in}"],
        cwd=REPOSITORY,
        env=environment,
        check=True,
        capture_output=True,
        timeout=60,
    )
    seen = dict(line.split("|", 1)[::-1] for line in calls.read_text().splitlines())
    assert seen["manage.py load_demo --url http://127.0.0.1:8123"] == "http://127.0.0.1:8123"
    assert seen["manage.py mail_worker"] == "http://127.0.0.1:8123"
    assert seen["manage.py runserver 127.0.0.1:8123"] == "http://127.0.0.1:8123"

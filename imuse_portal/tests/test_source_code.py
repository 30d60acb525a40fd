"""The licence and the source code: the GNU AGPL v3 (or later) ships in LICENSE, and every
page's footer (the families', the login, the admin's, the error pages) offers the source of
the version running, by default on the portal's own public *Code source* page."""

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from conftest import client_for, require
from imuse_portal import source
from imuse_portal.views import server_error
from tests.html import page

BASE = Path(django_settings.BASE_DIR)
PAGE = reverse("source_code")


def git_files(*options: str) -> set[str]:
    require(shutil.which("git") is not None and (BASE / ".git").exists(), "not a git checkout")
    listed = subprocess.run(
        ["git", "-C", str(BASE), "ls-files", "-z", *options], capture_output=True, check=True
    ).stdout.decode()
    return {name for name in listed.split("\0") if name}


def test_the_licence_is_the_gnu_agpl_version_3():
    text = (BASE / "LICENSE").read_text()
    assert text.startswith(" " * 20 + "GNU AFFERO GENERAL PUBLIC LICENSE\n")
    assert "Version 3, 19 November 2007" in text
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in text
    assert text.rstrip().endswith("<http://www.gnu.org/licenses/>.")
    assert len(text.splitlines()) == 661


def footer_links(response) -> dict[str, str]:
    """The links of the page's footer: text → address."""
    import re

    html = response.content.decode()
    footer = html[html.rindex("<footer") :]
    return {
        re.sub(r"<[^>]+>", "", text).strip(): href
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', footer, re.S)
    }


@pytest.mark.django_db
def test_every_kind_of_page_links_to_the_source_code(world, rf):
    pages = {
        "login": (None, reverse("accounts:login")),
        "help": (None, reverse("accessibility:help")),
        "home": (world.family_a.user, reverse("home")),
        "a student's courses": (
            world.family_a.user,
            reverse("students:courses", args=[world.family_a.students[0].pk]),
        ),
        "a missing page": (world.family_a.user, "/nulle-part/"),
        "the admin's login": (None, reverse("admin:login")),
        "the admin's home": (world.staff_1, reverse("admin:index")),
        "the mail log": (world.staff_1, reverse("admin:accounts_mail_changelist")),
    }
    for name, (user, url) in pages.items():
        response = client_for(user).get(url)
        assert response.status_code in {200, 404}, name
        links = footer_links(response)
        assert links.get("Code source", "").startswith(PAGE), (name, links)
    request = rf.get("/")
    assert footer_links(server_error(request)).get("Code source") == PAGE


@pytest.mark.django_db
def test_the_source_code_page_is_open_to_anyone_and_names_licence_and_version():
    response = Client().get(PAGE, {"next": reverse("accounts:login")})
    assert response.status_code == 200
    text = page(response).text
    assert page(response).h1 == ["Code source"]
    assert "GNU Affero General Public License" in text
    assert "version 3 ou (à votre choix) toute version ultérieure" in text
    version = source.running_version()
    assert f"Portail des familles iMuse, version {source.VERSION}" in text
    if version.commit:
        assert f"commit {version.commit}" in text
    assert "Télécharger le code source" in text
    html = response.content.decode()
    assert f'href="{reverse("source_archive")}"' in html
    assert f'href="{reverse("licence_text")}"' in html
    assert f'href="{reverse("accounts:login")}" class="btn btn-outline-secondary"' in html


@pytest.mark.django_db
def test_the_licence_text_is_served_as_plain_text():
    response = Client().get(reverse("licence_text"))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == (BASE / "LICENSE").read_bytes()


@pytest.mark.django_db
def test_the_archive_holds_the_files_the_portal_runs_from():
    response = Client().get(reverse("source_archive"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    name = source.archive_name()
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as archive:
        members = {member.name: member for member in archive.getmembers()}
        folder = name.removesuffix(".tar.gz")
        assert f"{folder}/LICENSE" in members and f"{folder}/manage.py" in members
        settings_file = archive.extractfile(members[f"{folder}/imuse_portal/settings.py"])
        assert settings_file.read() == (BASE / "imuse_portal/settings.py").read_bytes()
    names = {member.removeprefix(f"{folder}/") for member in members}
    assert not [n for n in names if n.endswith((".pyc", ".sqlite3")) or "__pycache__" in n]
    assert not [n for n in names if n.startswith((".venv", "media/", "staticfiles/"))]


def test_the_archive_is_what_git_tracks():
    """Every file git tracks is in the archive (a file or folder added at the top of the
    project joins source.SOURCE_PATHS); nothing git ignores is (the database, uploads, logs),
    new files not added yet aside."""
    archived = {str(path) for path in source.source_files()}
    tracked = git_files()
    assert tracked - archived == set()
    assert archived - tracked - git_files("--others", "--exclude-standard") == set()


def test_without_git_the_version_is_the_constant(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    assert source.running_version.__wrapped__() == source.Version(source.VERSION)


@pytest.mark.django_db
def test_a_published_address_replaces_the_page_in_every_footer(world, settings):
    settings.SOURCE_CODE_URL = "https://git.example.org/imuse-portal/-/tree/2026.12"
    for user, url in ((None, reverse("accounts:login")), (world.staff_1, "/admin/")):
        links = footer_links(client_for(user).get(url))
        assert links["Code source"] == settings.SOURCE_CODE_URL
    text = page(Client().get(PAGE)).text
    assert f"Il est aussi publié à l'adresse : {settings.SOURCE_CODE_URL}" in text


def test_files_an_installation_adds_beside_the_code_never_go_in(tmp_path, settings):
    """Without git (a copy of the release), only source kinds of files are taken: an
    environment file, a database and its journal, a key or a backup left in a source folder
    stay out."""
    settings.BASE_DIR = tmp_path
    (tmp_path / "imuse_portal").mkdir()
    (tmp_path / "manage.py").write_text("# the manager")
    (tmp_path / "imuse_portal" / "settings.py").write_text("# settings")
    planted = [
        "imuse_portal/.env",
        "imuse_portal/.env.production",
        ".env",
        "db.sqlite3-wal",
        "imuse_portal/db.sqlite3-journal",
        "imuse_portal/id_rsa",
        "imuse_portal/settings.py.bak",
        "imuse_portal/settings.py~",
        "imuse_portal/.coverage",
        "accounts/.secret/key.py",
    ]
    for name in planted:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("SECRET_KEY=…")
    assert [str(path) for path in source.source_files()] == [
        "imuse_portal/settings.py",
        "manage.py",
    ]

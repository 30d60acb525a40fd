"""Cheap guards of the project: migrations, translations, deployment checks, the CI database,
which app may import which."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.utils import get_random_secret_key
from django.db import connection

from conftest import CI, DEBIAN_PACKAGES, require_program

ROOT = Path(settings.BASE_DIR)
LOCALES = ("fr", "en")


def clean_env(**variables: str) -> dict[str, str]:
    """A process environment with none of the test settings' variables, plus ``variables``."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return {**keep, "DJANGO_SETTINGS_MODULE": "imuse_portal.settings", **variables}


def test_models_and_migrations_agree(db):
    try:
        call_command("makemigrations", check=True, dry_run=True, verbosity=0)
    except SystemExit as exit_:
        pytest.fail(f"model changes without a migration (makemigrations exited {exit_.code})")


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def translation_of(entry) -> str | tuple[str, ...]:
    """An entry's translation: its text, or the texts of its plural forms."""
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[form] for form in sorted(entry.msgstr_plural))
    return entry.msgstr


def entries(po) -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    return {
        (entry.msgctxt, entry.msgid): translation_of(entry) for entry in po if not entry.obsolete
    }


def test_french_translation_is_complete():
    po = catalog("fr")
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []


def is_translated(value) -> bool:
    return all(value) if isinstance(value, tuple) else bool(value)


@pytest.mark.parametrize("language", LOCALES)
def test_committed_mo_files_match_the_po_files(language):
    mo = polib.mofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"))
    compiled = {key: value for key, value in entries(mo).items() if key[1]}
    expected = {
        key: value for key, value in entries(catalog(language)).items() if is_translated(value)
    }
    assert compiled == expected, "run `make compilemessages` and commit the .mo files"


def test_catalogs_hold_every_string_of_the_code(tmp_path):
    """makemessages on a copy of the sources finds no string the committed catalogs lack."""
    require_program("xgettext")
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "staticfiles", "media", "*.sqlite3*", "node_modules"
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    env = clean_env(DEBUG="1")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-location",
            "--ignore=tests",
            "--ignore=staticfiles",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    new = sorted(
        set(entries(fresh)) - set(entries(catalog("fr"))), key=lambda k: (k[0] or "", k[1])
    )
    assert new == [], "run `make messages`, translate, then `make compilemessages`"


def test_deployment_check_is_clean_with_production_settings(tmp_path):
    env = clean_env(
        DEBUG="0",
        SECRET_KEY=get_random_secret_key() + get_random_secret_key(),
        ALLOWED_HOSTS="portail.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        EMAIL_HOST="smtp.example.org",
        STAFF_REQUIRE_2FA="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Only axes.W006 is silenced, on purpose (settings.py says why).
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_deployment_check_warns_when_no_mail_server_is_set(tmp_path):
    env = clean_env(
        DEBUG="0",
        SECRET_KEY=get_random_secret_key() + get_random_secret_key(),
        ALLOWED_HOSTS="portail.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "accounts.W001" in result.stdout + result.stderr
    assert "accounts.W002" in result.stdout + result.stderr  # nor the second factor


def test_deployment_check_warns_when_the_test_payment_provider_is_on(tmp_path):
    env = clean_env(
        DEBUG="0",
        SECRET_KEY=get_random_secret_key() + get_random_secret_key(),
        ALLOWED_HOSTS="portail.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        EMAIL_HOST="smtp.example.org",
        PAYMENT_PROVIDER="test",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "billing.W001" in result.stdout + result.stderr


def test_settings_refuse_to_start_without_secret_key_in_production(tmp_path):
    env = clean_env(DEBUG="0", SECRET_KEY="")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_ci_runs_on_postgresql(db):
    """CI exports DATABASE_URL to a real PostgreSQL: locking tests must not run on SQLite there."""
    if not CI:
        pytest.skip("outside CI the embedded SQLite database is allowed")
    assert connection.vendor == "postgresql"


def test_manage_py_is_in_development_mode_only_without_any_environment(tmp_path):
    """A bare checkout runs commands on its SQLite file; a configured one stays strict."""
    bare = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={k: v for k, v in clean_env().items() if k != "DJANGO_SETTINGS_MODULE"},
        capture_output=True,
        text=True,
    )
    assert bare.returncode == 0, bare.stderr
    configured = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}"),
        capture_output=True,
        text=True,
    )
    assert "SECRET_KEY must be set when DEBUG is off" in configured.stderr


# No app imports reenrolment but imuse_portal, which composes them (STYLE.md): the others learn
# whether a campaign is open from its context processor, named in the settings.
APPS_BELOW_REENROLMENT = ("accounts", "family", "students", "billing", "accessibility")


def reenrolment_imports(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """The lines of a module that import the reenrolment app, statically or by name
    (``import_module("reenrolment…")``, ``apps.get_model("reenrolment", …)``)."""

    def names_it(value) -> bool:
        return isinstance(value, str) and (
            value == "reenrolment" or value.startswith("reenrolment.")
        )

    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if names_it(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and names_it(node.module):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            name = getattr(function, "attr", None) or getattr(function, "id", None)
            first = node.args[0]
            if name in {"import_module", "__import__", "get_model", "get_app_config"} and (
                isinstance(first, ast.Constant) and names_it(first.value)
            ):
                found.append((node.lineno, f"{name}({first.value!r})"))
    return found


def test_the_import_guard_finds_every_way_to_import_reenrolment():
    source = """
import reenrolment
import os, reenrolment.models as models
from reenrolment.selectors import open_campaign
from importlib import import_module
selectors = import_module("reenrolment.selectors")
Campaign = apps.get_model("reenrolment", "Campaign")
from . import reenrolment_like
from reenrolmentx import nothing
STAFF_APPS = ("family", "reenrolment")
"""
    assert [line for line, _name in reenrolment_imports(source)] == [2, 3, 4, 6, 7]


def test_no_app_but_imuse_portal_imports_reenrolment():
    """The apps' own code (their tests may compose apps, as imuse_portal does)."""
    found = []
    for app in APPS_BELOW_REENROLMENT:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "tests" in relative.parts:
                continue
            for line, name in reenrolment_imports(path.read_text(), str(relative)):
                found.append(f"{relative}:{line}: {name}")
    assert found == [], "only imuse_portal composes reenrolment with the other apps"


# How the code names an external program: the tests' require_program, shutil.which, a command
# list opening with a literal name, or a program's absolute path.
PROGRAM_MENTIONS = (
    re.compile(r"""require_program\(\s*"([\w.-]+)"\s*\)"""),
    re.compile(r"""shutil\.which\(\s*"([\w.-]+)"\s*\)"""),
    re.compile(r"""(?:subprocess\.\w+|Popen)\(\s*\[\s*"([\w.-]+)"\s*,"""),
    re.compile(r""""/usr/bin/([\w.-]+)\""""),
)


def programs_named_in(text: str) -> set[str]:
    return {name for pattern in PROGRAM_MENTIONS for name in pattern.findall(text)}


def test_the_guard_reads_each_way_of_naming_a_program():
    text = """
        require_program("pdfinfo")
        shutil.which("wrk")
        subprocess.run(
            ["pg_dump", "--format=custom"],
        )
        CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    """
    assert programs_named_in(text) == {"pdfinfo", "wrk", "pg_dump", "chromium"}


def test_ci_installs_every_program_the_tests_and_the_benchmark_run():
    """A fresh machine has none of them: .ci/run must install each (its Debian package), or a
    green run on a machine where someone installed it by hand hides the gap."""
    sources = [
        path
        for path in ROOT.rglob("*.py")
        if not {".venv", "node_modules", "staticfiles"} & set(path.relative_to(ROOT).parts)
    ]
    named = set().union(*(programs_named_in(path.read_text()) for path in sources))
    named -= {"python", "python3", sys.executable}
    assert {"wrk", "chromium", "pdftotext", "pg_dump", "xgettext"} <= named, named
    unknown = sorted(named - DEBIAN_PACKAGES.keys())
    assert not unknown, f"say in conftest.DEBIAN_PACKAGES which Debian package brings {unknown}"
    ci = (ROOT / ".ci" / "run").read_text()
    installed = set(re.findall(r"packages\+=\(([\w.+-]+)\)", ci))
    missing = sorted({DEBIAN_PACKAGES[name] for name in named} - installed)
    assert not missing, f".ci/run does not install {missing}"


def test_migrate_alone_makes_the_cache_table_the_login_page_needs(tmp_path):
    """Django's usual deployment step, migrate, is enough: no separate createcachetable."""
    environment = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        DEBUG="1",  # static files from their folders: no collectstatic needed
        ALLOWED_HOSTS="testserver",
    )
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["shell", "-v", "0", "-c", LOGIN_PAGE_STATUS],
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200"], result.stdout


# The login page shown, then a wrong password posted (the rate limit writes to the cache).
LOGIN_PAGE_STATUS = """
from django.test import Client
from accounts.models import Establishment
site = Establishment.objects.create(code="essai", name="Essai")
client = Client()
print(client.get("/connexion/").status_code)
answer = client.post("/connexion/", {"establishment": site.pk, "identifier": "x", "password": "y"})
print(answer.status_code)
"""

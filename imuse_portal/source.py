"""The portal's source code, as the GNU AGPL (section 13) asks of software used over a network:
every page links to where the running version's source can be had (``SOURCE_CODE_URL``, or
the portal's own *Code source* page, which offers it as an archive built from the files the
portal runs from).

The version is ``VERSION`` (raised at each release), with the commit when the portal runs from
a git checkout (read once, at start; production may have no ``.git``), and whether its tracked
files were changed since.
"""

from __future__ import annotations

import functools
import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse

VERSION = "2026.12"

# What the archive holds, from the project's folder: its code, templates, static files,
# translations, tests and documentation; never what an installation adds beside them (the
# database, uploaded files, collected static files, the virtual environment, an environment
# file). tests/test_source_code.py checks that this is what git tracks.
SOURCE_PATHS = (
    ".ci",
    ".gitignore",
    "LICENSE",
    "Makefile",
    "README.md",
    "accessibility",
    "accounts",
    "billing",
    "conftest.py",
    "docs",
    "family",
    "imuse_portal",
    "locale",
    "manage.py",
    "pytest.ini",
    "reenrolment",
    "requirements-dev.txt",
    "requirements.txt",
    "ruff.toml",
    "static",
    "students",
    "templates",
    "tests",
)
# Left out wherever they are: caches, compiled files, and what might hold a secret.
SKIPPED_FOLDERS = {"__pycache__", ".pytest_cache", ".ruff_cache", "node_modules"}
SKIPPED_SUFFIXES = {".pyc", ".pyo", ".sqlite3", ".env", ".pem", ".key", ".swp", ".log"}


@dataclass(frozen=True)
class Version:
    number: str
    commit: str = ""  # the git commit, when the portal runs from a checkout
    modified: bool = False  # tracked files changed since that commit

    def __str__(self) -> str:
        return f"{self.number}+{self.commit}" if self.commit else self.number


def _git(*arguments: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), *arguments],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


@functools.cache
def running_version() -> Version:
    """The version running, read once per process."""
    if not (Path(settings.BASE_DIR) / ".git").exists():
        return Version(VERSION)
    commit = (_git("rev-parse", "--short=12", "HEAD") or "").strip()
    if not commit:
        return Version(VERSION)
    changes = _git("status", "--porcelain", "--untracked-files=no")
    return Version(VERSION, commit=commit, modified=bool(changes and changes.strip()))


def source_code_url() -> str:
    """Where the footer's *Code source* link leads."""
    return settings.SOURCE_CODE_URL or reverse("source_code")


def source_files() -> list[Path]:
    """The files of the archive, relative to the project's folder, in order."""
    base = Path(settings.BASE_DIR)
    found = []
    for name in SOURCE_PATHS:
        path = base / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        for candidate in candidates:
            relative = candidate.relative_to(base)
            if (
                candidate.is_file()
                and not candidate.is_symlink()
                and not SKIPPED_FOLDERS & set(relative.parts)
                and candidate.suffix not in SKIPPED_SUFFIXES
            ):
                found.append(relative)
    return found


def archive_name() -> str:
    return f"imuse-portal-{running_version()}.tar.gz"


@functools.cache
def source_archive() -> bytes:
    """The running version's source as a .tar.gz, built once per process."""
    base = Path(settings.BASE_DIR)
    folder = archive_name().removesuffix(".tar.gz")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for relative in source_files():
            info = archive.gettarinfo(base / relative, arcname=f"{folder}/{relative}")
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with (base / relative).open("rb") as content:
                archive.addfile(info, content)
    return buffer.getvalue()

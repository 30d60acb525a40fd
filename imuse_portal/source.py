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
import logging
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse

VERSION = "2026.12"

logger = logging.getLogger(__name__)

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
# Only files of these kinds, or of these names, go in (an allow-list: a .env, a database, a
# key or a backup left in a folder never does), and never from a dot folder but .ci.
SOURCE_SUFFIXES = {
    ".py", ".html", ".txt", ".md", ".css", ".js", ".map", ".po", ".mo", ".toml", ".ini",
    ".ttf", ".svg", ".png", ".jpg", ".jpeg", ".pdf", ".json", ".xml", ".lua", ".in",
}  # fmt: skip
SOURCE_NAMES = {"LICENSE", "Makefile", "run", ".gitignore"}
SKIPPED_FOLDERS = {"__pycache__", "node_modules"}


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


def is_source(relative: Path) -> bool:
    """Whether a file (relative to the project's folder) belongs in the archive."""
    parts = relative.parts
    if not parts or parts[0] not in SOURCE_PATHS or SKIPPED_FOLDERS & set(parts):
        return False
    if any(part.startswith(".") for part in parts if part not in {".ci", ".gitignore"}):
        return False
    return relative.suffix.lower() in SOURCE_SUFFIXES or relative.name in SOURCE_NAMES


def source_files() -> list[Path]:
    """The files of the archive, relative to the project's folder, in order: in a checkout,
    those git tracks (what the project publishes); else those of the source folders."""
    base = Path(settings.BASE_DIR)
    tracked = _git("ls-files", "-z") if (base / ".git").exists() else None
    if tracked is not None:
        candidates = [Path(name) for name in tracked.split("\0") if name]
    else:
        candidates = []
        for name in SOURCE_PATHS:
            path = base / name
            found = [path] if path.is_file() else sorted(path.rglob("*"))
            candidates += [candidate.relative_to(base) for candidate in found]
    return sorted(
        relative
        for relative in candidates
        if is_source(relative)
        and (base / relative).is_file()
        and not (base / relative).is_symlink()
    )


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
            try:
                info = archive.gettarinfo(base / relative, arcname=f"{folder}/{relative}")
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with (base / relative).open("rb") as content:
                    archive.addfile(info, content)
            except OSError:
                # Unreadable by the portal's user: left out, the page still answers.
                logger.warning("source archive: %s could not be read", relative)
    return buffer.getvalue()

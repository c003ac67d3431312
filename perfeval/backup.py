"""Backup and restore of a whole site: the database as Django fixtures, and the stored files.

A backup is a directory: ``data.json`` (``dumpdata`` with natural keys, so it loads into any
freshly migrated database, SQLite or PostgreSQL), ``files/`` (every file a ``FileField``
names, read through the storage, so local disk and S3 alike) and ``manifest.json`` (the
SHA-256 and size of ``data.json`` and the SHA-256 of each file, checked before a restore
touches anything; each file again after it is written back).
"""

import contextlib
import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

# 2: the manifest covers data.json too. A format-1 manifest does not, so a dump changed
# since the backup would load unnoticed: such a backup is refused (backup_read).
FORMAT = 2
DATA = "data.json"
FILES = "files"
MANIFEST = "manifest.json"

# What migrate and sign-ins make again: content types and permissions are recreated by
# migrate (and referred to by natural key), sessions only sign everyone out, and queued
# task results belong to the running site.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "django_tasks_db"]


class BackupError(Exception):
    """A backup that cannot be made or restored as it is."""


@dataclass(frozen=True)
class BackupResult:
    data_bytes: int
    files: int


def sha256_of(stream) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def stored_file_names() -> list[str]:
    """The names of every file a FileField of a model points at."""
    names: set[str] = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                values = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                names.update(name for name in values.iterator() if name)
    return sorted(names)


def _excluded() -> list[str]:
    installed = {config.label for config in apps.get_app_configs()}
    return [label for label in EXCLUDED if label.split(".")[0] in installed]


def _local_path(root: Path, name: str) -> Path:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise BackupError(f"Unsafe stored file name: {name!r}")
    return root.joinpath(*relative.parts)


@contextlib.contextmanager
def database_snapshot() -> Iterator[None]:
    """One read-only view of the whole database for the block, while the site goes on writing.

    PostgreSQL: a REPEATABLE READ READ ONLY transaction. SQLite: a deferred transaction, which
    in WAL mode reads one snapshot and takes no lock that writers wait for. The site's own
    SQLite transactions begin IMMEDIATE (perfeval/settings/base.py), taking the write lock at
    once; the dump would hold it from start to end, and every save meanwhile would wait and
    then fail with "database is locked".
    """
    if connection.vendor != "sqlite":
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    connection.ensure_connection()  # connecting sets transaction_mode from the settings
    site_mode = connection.transaction_mode  # type: ignore[attr-defined]  # SQLite's, since Django 5.1; not in the stubs
    connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]  # SQLite's, since Django 5.1; not in the stubs
    try:
        with transaction.atomic():
            yield
    finally:
        connection.transaction_mode = site_mode  # type: ignore[attr-defined]  # SQLite's, since Django 5.1; not in the stubs


def site_backup(*, directory: Path) -> BackupResult:
    """Write the database and the stored files to ``directory`` (which must not exist)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} exists and is not empty.")
    (directory / FILES).mkdir(parents=True, exist_ok=True)
    with database_snapshot():
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=_excluded(),
            output=str(directory / DATA),
            verbosity=0,
        )
        names = stored_file_names()
    files = {}
    for name in names:
        if not default_storage.exists(name):
            raise BackupError(f"Stored file missing: {name}")
        target = _local_path(directory / FILES, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
        with open(target, "rb") as copied:
            files[name] = sha256_of(copied)
    with open(directory / DATA, "rb") as dump:
        data_bytes = (directory / DATA).stat().st_size
        data = {"sha256": sha256_of(dump), "bytes": data_bytes}
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "django": django.get_version(),
        "database": connection.vendor,
        "data": data,
        "files": files,
    }
    (directory / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return BackupResult(data_bytes=data_bytes, files=len(files))


def backup_read(*, directory: Path) -> dict:
    """The manifest of a backup, after checking the data dump and every file against it."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{directory} holds no {MANIFEST}: not a backup.") from None
    if manifest.get("format") == 1:
        raise BackupError(
            f"{directory} is a format-1 backup: its manifest holds no SHA-256 of {DATA}, so a "
            f"dump changed since the backup would load unnoticed. Restore it with the "
            f"perfeval release that made it (a restore needs that code version anyway), then "
            f"run backup_site to make a format-{FORMAT} backup."
        )
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    _data_check(path=directory / DATA, expected=manifest.get("data"))
    for name, sha256 in manifest["files"].items():
        path = _local_path(directory / FILES, name)
        if not path.is_file():
            raise BackupError(f"File missing from the backup: {name}")
        with open(path, "rb") as f:
            if sha256_of(f) != sha256:
                raise BackupError(f"File changed since the backup: {name}")
    return manifest


def _data_check(*, path: Path, expected: dict | None):
    if not expected or not {"sha256", "bytes"} <= expected.keys():
        raise BackupError(f"{MANIFEST} gives no SHA-256 and size of {DATA}.")
    if not path.is_file():
        raise BackupError(f"{path.parent} holds no {DATA}.")
    with open(path, "rb") as dump:
        if path.stat().st_size != expected["bytes"] or sha256_of(dump) != expected["sha256"]:
            raise BackupError(
                f"{DATA} changed since the backup: its size or SHA-256 differs from the one "
                f"in {MANIFEST}. Nothing was restored."
            )


def site_restore(*, directory: Path) -> BackupResult:
    """Replace the whole database and the stored files it names by the backup's.

    The database must be migrated to the backup's schema. Nothing is touched unless the data
    dump and every file match the manifest (backup_read). Everything runs in one transaction:
    if any object or file cannot be restored, the database is left unchanged.
    """
    directory = Path(directory)
    manifest = backup_read(directory=directory)
    with transaction.atomic():
        # flush empties every table, then recreates content types and permissions.
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(directory / DATA), verbosity=0)
        for name, sha256 in manifest["files"].items():
            _file_restore(name=name, sha256=sha256, path=_local_path(directory / FILES, name))
    return BackupResult(data_bytes=(directory / DATA).stat().st_size, files=len(manifest["files"]))


def _file_restore(*, name: str, sha256: str, path: Path):
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as present:
            if sha256_of(present) == sha256:
                return
        default_storage.delete(name)
    with open(path, "rb") as f:
        saved = default_storage.save(name, File(f, name=PurePosixPath(name).name))
    if saved != name:
        raise BackupError(f"Storage saved {name} as {saved}.")
    with default_storage.open(name, "rb") as restored:
        if sha256_of(restored) != sha256:
            raise BackupError(f"Restored file differs from the backup: {name}")

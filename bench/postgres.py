"""PostgreSQL for the bench areas that measure it: the local server of scripts/postgres-start
(installed and started when missing), one throwaway database per use, and databases that take
long to build kept between runs under a key, like common.cached_database's SQLite files.

A copy is ``CREATE DATABASE … TEMPLATE kept``: PostgreSQL copies the files, no dump and load.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bench import common

PREFIX = "perfeval_bench_"


@contextlib.contextmanager
def _admin() -> Iterator:
    """A connection to the server's ``postgres`` database, in autocommit (CREATE DATABASE)."""
    import psycopg

    with psycopg.connect(url("postgres"), autocommit=True) as connection:
        yield connection


def server_url() -> str:
    """The server's URL (its ``perfeval`` database), starting the server when it is down."""
    done = subprocess.run(
        [str(common.ROOT / "scripts" / "postgres-start")],
        cwd=common.ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return done.stdout.strip()


_server: str | None = None


def url(name: str) -> str:
    """The URL of database ``name`` on the local server."""
    global _server
    if _server is None:
        _server = server_url()
    return _server.rsplit("/", 1)[0] + f"/{name}"


def _drop(connection, name: str) -> None:
    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def exists(name: str) -> bool:
    with _admin() as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


@contextlib.contextmanager
def database(area: str, *, template: str | None = None) -> Iterator[str]:
    """A new database for ``area`` (a copy of ``template`` when given); dropped afterwards."""
    name = f"{PREFIX}{area}"
    with _admin() as connection:
        _drop(connection, name)
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield url(name)
    finally:
        from django.conf import settings

        if settings.configured:  # this process's own connection, if it opened one
            from django.db import connections

            connections.close_all()
        with _admin() as connection:
            _drop(connection, name)


def cached_database(name: str, sources: Iterable[Path], build: Callable[[str], None]) -> str:
    """The name of a kept database ``perfeval_bench_<name>_<key>``, built by ``build(url)``
    (on an empty database) unless already there; copy it with ``database(template=…)``."""
    with common.build_lock(f"postgres-{name}"):
        return _cached_database(name, sources, build)


def _cached_database(name: str, sources: Iterable[Path], build: Callable[[str], None]) -> str:
    kept = f"{PREFIX}{name}_{common.source_key(sources)}"
    if exists(kept):
        common.progress(f"cached PostgreSQL database {kept}")
        return kept
    building = f"{kept}_building"
    with _admin() as connection:
        # Older builds of this name only: <name>_<key>, <name>_<key>_building.
        older = re.compile(rf"{re.escape(PREFIX + name)}_[0-9a-f]{{12}}(_building)?")
        for (old,) in connection.execute("SELECT datname FROM pg_database").fetchall():
            if older.fullmatch(old):
                _drop(connection, old)
        connection.execute(f'CREATE DATABASE "{building}"')
    common.progress(f"building PostgreSQL database {kept} (once; later runs copy it)")
    started = time.perf_counter()
    build(url(building))
    with _admin() as connection:
        connection.execute(f'ALTER DATABASE "{building}" RENAME TO "{kept}"')
    common.progress(f"built {kept} in {time.perf_counter() - started:.0f} s")
    return kept


def demo_database() -> str:
    """The kept PostgreSQL database with the demo, as common.demo_database's SQLite file."""

    def build(database_url: str) -> None:
        env = common.bench_env(database=database_url, media=common.CACHE_DIR / "unused-media")
        common.manage("migrate", "--noinput", "--verbosity", "0", env=env)
        common.manage("load_demo", env=env)

    return cached_database("demo", common.demo_sources(), build)

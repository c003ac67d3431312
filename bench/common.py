"""What every benchmark shares: production settings over throwaway databases, timing, output.

Each benchmark runs in its own process over its own copy of a database, with the settings
`make serve` uses (``perfeval.settings.production``, plain http on loopback) plus the
constant page of bench/urls.py. Databases that take long to build are kept in ``var/bench/``
under a key made from the code that shapes their content, so a rerun only copies them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "var" / "bench"
DEMO_DEPARTMENT = "浏阳市人大常委会机关"
DEMO_YEAR = 2022
# Bump to rebuild every cached database whatever the key says.
CACHE_VERSION = "1"

_SECRET_KEY = secrets.token_urlsafe(50)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def bench_env(*, database: Path | str, media: Path) -> dict[str, str]:
    """The environment of a bench process: `make serve`'s, over ``database`` (an SQLite file,
    or a database URL such as bench/postgres.py's) and ``media``."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": _SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PERFEVAL_INSECURE_LOCAL_HTTP": "1",
        # Collected static files are kept between runs; the database and media are not.
        "PERFEVAL_VAR_DIR": str(CACHE_DIR),
        "PERFEVAL_MEDIA_ROOT": str(media),
        # Kept pages (perfeval/pagecache.py) next to the media: each run and area its own.
        "PERFEVAL_CACHE_DIR": str(media.parent / "cache"),
        "DATABASE_URL": database if isinstance(database, str) else f"sqlite:///{database}",
        "PERFEVAL_TASKS": "inline",
        "PYTHONPATH": str(ROOT),
    }


def django_setup(*, database: Path | str, media: Path) -> None:
    """Configure Django in this process over ``database``; once per process."""
    os.environ.update(bench_env(database=database, media=media))
    import django

    django.setup()


def manage(*args: str, env: dict[str, str]) -> None:
    """Run ``manage.py`` in a fresh process, its output on stderr."""
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=sys.stderr
    )


def static_collect(env: dict[str, str]) -> None:
    """Hashed static files for the production storage (pages name them)."""
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)


@contextlib.contextmanager
def workdir(area: str) -> Iterator[Path]:
    """A temporary directory for one benchmark's database and files, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"perfeval-bench-{area}-") as path:
        yield Path(path)


def source_key(paths: Iterable[Path]) -> str:
    """A short hash of the Django version and the given files' contents."""
    import django

    digest = hashlib.sha256(f"{CACHE_VERSION} {django.__version__}".encode())
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _schema_files() -> list[Path]:
    return [*ROOT.glob("*/migrations/*.py")]


def demo_sources() -> list[Path]:
    """The code whose change makes a cached demo database stale."""
    return [
        *_schema_files(),
        *ROOT.glob("reports/demo/*.py"),
        ROOT / "reports" / "services.py",
        *ROOT.glob("scoring/frameworks/*.json"),
    ]


@contextlib.contextmanager
def build_lock(name: str) -> Iterator[None]:
    """Held while a kept database ``name`` is checked and built: two bench processes at once
    (two areas by hand) wait for one build rather than building over each other."""
    import fcntl

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def cached_database(name: str, sources: Iterable[Path], build: Callable[[Path], None]) -> Path:
    """``var/bench/<name>-<key>.sqlite3``, built by ``build(path)`` unless already there."""
    path = CACHE_DIR / f"{name}-{source_key(sources)}.sqlite3"
    with build_lock(name):
        if path.exists():
            progress(f"cached database {path.relative_to(ROOT)}")
            return path
        for stale in CACHE_DIR.glob(f"{name}-*.sqlite3"):
            stale.unlink()
        progress(f"building {path.relative_to(ROOT)} (once; later runs copy it)")
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        started = time.perf_counter()
        build(building)
        building.rename(path)
        progress(f"built {path.name} in {time.perf_counter() - started:.0f} s")
        return path


def demo_database() -> Path:
    """A migrated database with the demo report (a draft) and the demo users."""

    def build(path: Path) -> None:
        env = bench_env(database=path, media=path.parent / "unused-media")
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        manage("load_demo", env=env)

    return cached_database("demo", demo_sources(), build)


def demo_copy(demo, *, year: int, text: Callable[[str], str] = lambda value: value):
    """The demo report copied to ``year`` of its department: figures, scores and text (each
    narrative field through ``text``), as a draft."""
    from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
    from budgets.writers import lines_create
    from reports.guards import REPORT_OWNED
    from reports.models import NARRATIVE_FIELDS, Report
    from scoring.models import GroupResult, IndicatorResult
    from scoring.writers import results_create

    report = Report.objects.create(
        department=demo.department,
        year=year,
        framework=demo.framework,
        report_date=demo.report_date,
        **{field: text(getattr(demo, field)) for field in NARRATIVE_FIELDS},
    )
    copies = {model: list(model.objects.filter(report=demo)) for model in REPORT_OWNED}
    for row in (row for rows in copies.values() for row in rows):
        row.pk, row.report = None, report
    lines_create(
        [*copies[IncomeLine], *copies[ExpenditureLine], *copies[ThreePublicLine], *copies[Project]]
    )
    results_create(copies[IndicatorResult], copies[GroupResult])
    return report


def database_copy(source: Path, directory: Path) -> Path:
    """A throwaway copy of a cached database in ``directory``."""
    target = directory / "db.sqlite3"
    shutil.copyfile(source, target)
    return target


def timings(
    measure: Callable[[], object], *, repeat: int, before: Callable[[], object] | None = None
) -> list[float]:
    """Seconds of each of ``repeat`` calls, each started on a collected heap (and after
    ``before()``, not timed).

    Without the ``gc.collect()`` (not timed), a call pays for collecting the garbage that
    the calls before it left: the demo's PDF, timed right after the ten times longer report,
    read 0.66–0.72 s instead of 0.49–0.52 s, and its ratio to WeasyPrint alone swung between
    0.95 and 1.49 with where the collections fell. Collections during the call still count.
    """
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        gc.collect()
        started = time.perf_counter()
        measure()
        times.append(time.perf_counter() - started)
    return times


def caches_clear() -> None:
    """Forget every kept page and document (perfeval/pagecache.py, reports/documents.py): a
    page timed after it is made, not looked up."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


def page_get(client, url: str):
    """``client.get(url)``, which must answer 200."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return response


def made_page_timings(
    client, url: str, *, repeat: int, before: Callable[[], object] | None = None
) -> list[float]:
    """Seconds of ``repeat`` requests of a page as it is made, not looked up: one warm-up
    (templates, the first connection), then every kept page forgotten before each (not
    timed), or ``before()`` called instead (a change that makes what shows it stale)."""
    page_get(client, url)
    return timings(lambda: page_get(client, url), repeat=repeat, before=before or caches_clear)


def report_saved_before(report_ids: Iterable[int]) -> Callable[[], None]:
    """A ``before`` for ``made_page_timings``: the totals of one report refreshed, as a
    clerk's save does, the next of ``report_ids`` each time (the dashboard is kept in parts:
    a save makes its department's part stale; dashboard/parts.py)."""
    from reports.totals import totals_refresh

    ids = itertools.cycle(list(report_ids))
    return lambda: totals_refresh([next(ids)])


def median(values: Iterable[float]) -> float:
    return statistics.median(values)


def rounded(value: float, digits: int = 4) -> float:
    """A figure to ``digits`` significant digits, as the JSON reports it."""
    return float(f"{value:.{digits}g}")


@contextlib.contextmanager
def figures_on_stdout() -> Iterator[dict]:
    """Collect figures into a dict printed as one JSON object on stdout at the end.

    Meanwhile everything written to stdout, by Python, logging or child processes, goes to
    stderr, so stdout carries the JSON alone.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    figures: dict = {}
    try:
        yield figures
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
    print(json.dumps(figures, ensure_ascii=False, indent=2), flush=True)


def lines_copy(source, target) -> None:
    """Copy a report's money lines onto another report, through the lines' writer."""
    from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
    from budgets.writers import lines_create

    lines = [
        line
        for model in (IncomeLine, ExpenditureLine, ThreePublicLine, Project)
        for line in model.objects.filter(report=source)
    ]
    for line in lines:
        line.pk, line.report = None, target
    lines_create(lines)

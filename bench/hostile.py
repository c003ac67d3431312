"""Hostile uploads: the worst time and peak memory of importing tests/excel/hostile.py's files.

``python -m bench.hostile`` prints ``xlsx_hostile_max_s`` and ``xlsx_hostile_max_rss_mb`` as
JSON, with the baseline (the demo's own export) measured the same way in the same run. Each
file goes through ``selfeval_import(dry_run=True)`` on the demo draft in a fresh process
(``python -m bench.hostile --one FILE``), which reports the import's wall time and its own peak
RSS, so that one file's memory is not hidden by another's.

The peak is the process's own high-water mark (VmHWM in /proc/self/status): getrusage's
ru_maxrss also counts the parent's memory at the fork before ``exec``, so every child would
report the parent's size.
"""

from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench import common

ROUNDS = 3
BASELINE = "baseline_demo_export"


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started (``exec``), in MB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: in KB


def one(path: Path) -> dict:
    """In a fresh process: import the file at ``path`` into the demo draft, rolled back."""
    import django

    django.setup()
    from reports.selectors import report_get
    from sheets.importer import SelfevalImportRefused, selfeval_import

    demo = report_get(department_name=common.DEMO_DEPARTMENT, year=common.DEMO_YEAR)
    data = path.read_bytes()
    rss_before = peak_rss_mb()
    refused = None
    gc.collect()  # a collected heap, as common.timings() starts each call on
    started = time.perf_counter()
    try:
        selfeval_import(report=demo, data=data, filename=path.name, dry_run=True)
    except SelfevalImportRefused as refusal:
        refused = "；".join(p.message for p in refusal.errors)
    seconds = time.perf_counter() - started
    return {
        "s": seconds,
        "rss_mb": peak_rss_mb(),
        "rss_before_mb": rss_before,
        "refused": refused,
    }


def run_one(path: Path, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.hostile", "--one", str(path)],
        cwd=common.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def files_write(work: Path) -> dict[str, tuple[Path, str | None]]:
    """The baseline and every hostile file in ``work``: name → (path, expected refusal)."""
    from reports.selectors import report_get
    from sheets.export import selfeval_xlsx
    from tests.excel import hostile

    demo = report_get(department_name=common.DEMO_DEPARTMENT, year=common.DEMO_YEAR)
    export = selfeval_xlsx(report=demo)
    files = {BASELINE: (export, None)}
    for name, (make, says) in hostile.HOSTILE.items():
        # The harmless ones change the real export, which must still import.
        files[name] = (make(export) if says is None else make(), says)
    paths = {}
    for name, (data, says) in files.items():
        path = work / f"{name}.xlsx"
        path.write_bytes(data)
        paths[name] = (path, says)
    return paths


def measure(figures: dict, work: Path) -> None:
    database = common.database_copy(common.demo_database(), work)
    common.django_setup(database=database, media=work / "media")
    env = common.bench_env(database=database, media=work / "media")
    files = files_write(work)
    from django.db import connection

    connection.close()  # the children write (and roll back) in the same SQLite file

    common.progress(f"hostile: {len(files)} files × {ROUNDS} rounds, a process each")
    runs: dict[str, list[dict]] = {name: [] for name in files}
    for _ in range(ROUNDS):
        for name, (path, _says) in files.items():  # the baseline first in every round
            runs[name].append(run_one(path, env))
    per_file = {}
    for name, (path, says) in files.items():
        refused = runs[name][0]["refused"]
        if says is None and refused is not None:
            raise RuntimeError(f"{name} should import, was refused: {refused}")
        if says is not None and (refused is None or says not in refused):
            raise RuntimeError(f"{name} should be refused with “{says}”, got: {refused}")
        per_file[name] = {
            "s": common.rounded(common.median(r["s"] for r in runs[name]), 3),
            "rss_mb": round(max(r["rss_mb"] for r in runs[name])),
            # What the import added to the process's peak (Django and the app: the rest).
            "import_rss_mb": round(max(r["rss_mb"] - r["rss_before_mb"] for r in runs[name])),
            "kb": round(path.stat().st_size / 1024),
        }
    hostile = {name: v for name, v in per_file.items() if name != BASELINE}
    slowest = max(hostile, key=lambda name: hostile[name]["s"])
    largest = max(hostile, key=lambda name: hostile[name]["rss_mb"])
    figures.update(
        xlsx_hostile_max_s=hostile[slowest]["s"],
        xlsx_hostile_max_s_file=slowest,
        xlsx_hostile_max_rss_mb=hostile[largest]["rss_mb"],
        xlsx_hostile_max_rss_file=largest,
        xlsx_hostile_baseline_s=per_file[BASELINE]["s"],
        xlsx_hostile_baseline_rss_mb=per_file[BASELINE]["rss_mb"],
        xlsx_hostile_files=per_file,
    )


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(Path(sys.argv[2]))))
        return
    with common.figures_on_stdout() as figures, common.workdir("hostile") as work:
        measure(figures, work)


if __name__ == "__main__":
    main()

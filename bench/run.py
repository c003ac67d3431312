"""``make bench``: every benchmark in its own process, one JSON object on stdout with the goals.

``python -m bench.run [pdf web xlsx province hostile concurrency review clerks national]`` runs
the named areas only.
Progress goes to stderr; the exit status is 1 when an area failed (its figures are then missing).
"""

from __future__ import annotations

import json
import operator
import os
import platform
import sqlite3
import subprocess
import sys
import time

from bench import common

AREAS = (
    "pdf",
    "web",
    "xlsx",
    "province",
    "hostile",
    "concurrency",
    "review",
    "clerks",
    "national",
)

# Issue 9's, 16's, 19's and 20's goals: (figure, comparison, limit), measured on the machine the run
# is on.
GOALS = (
    ("pdf_vs_bare_weasyprint", "<=", 1.2),
    ("pdf_warm_s", "<=", 0.6),
    ("pdf_10x_ratio", "<=", 10),
    ("rps_pdf_download_ratio", ">=", 0.5),
    ("rps_report_view_ratio", ">=", 0.2),
    ("rps_auditor_list_ratio", ">=", 0.2),
    ("province_auditor_list_s", "<=", 0.3),
    ("province_dashboard_s", "<=", 0.3),
    ("xlsx_import_1000_rows_s", "<=", 1),
    ("writes_blocked_max_s", "<=", 1),
    ("xlsx_hostile_max_s", "<=", 5),
    ("xlsx_hostile_max_rss_mb", "<=", 300),
    ("approve_response_s", "<=", 0.3),
    ("preview_repeat_s", "<=", 0.1),
    ("rps_public_report_ratio", ">=", 0.5),
    # Issue 20: the signed-in pages against the signed-in constant page.
    ("rps_report_view_ratio_signed_in", ">=", 0.6),
    ("rps_auditor_list_ratio_signed_in", ">=", 0.5),
    ("rps_pdf_download_ratio_signed_in", ">=", 0.7),
    ("clerk_save_p95_ms_sqlite", "<=", 300),
    ("clerk_save_p95_ms_postgres", "<=", 300),
    ("clerk_failed_sqlite", "<=", 0),
    ("clerk_failed_postgres", "<=", 0),
    # On PostgreSQL, with BENCH_NATIONAL_REPORTS reports (12,000 by default; the goal is for
    # the national run's 120,000, whose figures bench/README.md gives).
    ("national_list_s", "<=", 0.5),
    ("national_dashboard_s", "<=", 0.5),
)
COMPARE = {"<=": operator.le, ">=": operator.ge}


def area_run(area: str) -> dict | None:
    """One area's figures, from ``python -m bench.<area>`` (None when it failed)."""
    common.progress(f"— {area} —")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{area}"],
        cwd=common.ROOT,
        env={**os.environ, "PYTHONPATH": str(common.ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    common.progress(f"{area}: {time.perf_counter() - started:.0f} s")
    if done.returncode:
        common.progress(f"{area} FAILED (exit status {done.returncode})")
        return None
    return json.loads(done.stdout)


def goals(figures: dict) -> dict:
    results = {}
    for name, op, limit in GOALS:
        if name not in figures:
            continue
        value = figures[name]
        results[name] = {"value": value, "goal": f"{op} {limit}", "met": COMPARE[op](value, limit)}
    return results


def machine() -> dict:
    import django
    import weasyprint

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=common.ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "django": django.__version__,
        "weasyprint": weasyprint.__version__,
        "commit": git("rev-parse", "--short", "HEAD")
        + (" (modified)" if git("status", "-s") else ""),
    }


def main() -> None:
    areas = sys.argv[1:] or list(AREAS)
    unknown = set(areas) - set(AREAS)
    if unknown:
        sys.exit(f"unknown area(s) {', '.join(sorted(unknown))}: choose from {', '.join(AREAS)}")
    about = machine()
    started = time.perf_counter()
    figures: dict = {}
    failed = []
    for area in areas:
        result = area_run(area)
        if result is None:
            failed.append(area)
        else:
            figures.update(result)
    output = {
        **figures,
        "goals": goals(figures),
        "machine": about,
        "bench_seconds": round(time.perf_counter() - started),
    }
    if failed:
        output["failed"] = failed
    print(json.dumps(output, ensure_ascii=False, indent=2))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

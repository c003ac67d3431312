"""A country's year on PostgreSQL: the approved list, the dashboard and a department's history
over the demo plus N generated reports (issue 20).

``python -m bench.national [--reports N]`` prints ``national_*`` figures as JSON; N is
``BENCH_NATIONAL_REPORTS`` or 12,000 by default (120 counties × 100 departments), and
``--reports 120000`` is the national run (1,200 counties × 100). The database is built once
(``generate_province`` over a copy of the kept demo database) and kept on the local server
(bench/postgres.py); ``national_build_s`` is the time that build took, measured when it was
built and kept with the database (as its ``COMMENT``), so a run that copies it reports it too.

Each page is requested through Django's test client in this process, after one warm-up, as
the demo auditor (the approved list: the auditor sees every approved report) and the demo
administrator (the dashboard, a region's dashboard, a department's history). Before each
timed request (not timed), every cache is cleared for the list and the history: they are the
pages as made. The dashboard is kept in parts (dashboard/parts.py), and a country's reports
change all season: before each of its timed requests one report's totals are refreshed, as a
clerk's save does, in a county of another part each time (``national_dashboard_s``, and
``national_dashboard_region_s`` with a report of that region), which makes its part stale;
``national_dashboard_cold_s`` is the dashboard with every cache cleared (after a restart,
or a flush). The slowest query of each page as made is shown with its
``EXPLAIN (ANALYZE, BUFFERS)`` on stderr and in ``national_explain``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time

from bench import common, postgres

REPEAT = 7
DEPARTMENTS, SEED = 100, 1
DEFAULT_REPORTS = 12_000
NATIONAL_REPORTS = 120_000
# At most this many reports come from the generator; the counties beyond are copies of the
# generated ones (bench.national_replicate), made in SQL.
GENERATED_AT_MOST = int(os.environ.get("BENCH_NATIONAL_GENERATED", 12_000))
# The generated department whose history is timed (exists at every size).
HISTORY_DEPARTMENT = "SIM-001-001"


def reports_wanted(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national")
    parser.add_argument(
        "--reports",
        type=int,
        default=int(os.environ.get("BENCH_NATIONAL_REPORTS", DEFAULT_REPORTS)),
        help=f"generated reports, a multiple of {DEPARTMENTS} (default {DEFAULT_REPORTS}, "
        f"or BENCH_NATIONAL_REPORTS; the national run is {NATIONAL_REPORTS})",
    )
    reports = parser.parse_args(argv).reports
    if reports < DEPARTMENTS or reports % DEPARTMENTS:
        parser.error(f"--reports must be a positive multiple of {DEPARTMENTS}")
    return reports


def _comment(name: str) -> dict:
    """What the kept database's COMMENT records of its build."""
    with postgres._admin() as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        return {}


def sources() -> list:
    """The code whose change makes a kept national database stale."""
    return [
        *common.demo_sources(),
        common.ROOT / "bench" / "national_replicate.py",
        common.ROOT / "reports" / "demo" / "province.py",
        common.ROOT / "reports" / "management" / "commands" / "generate_province.py",
        common.ROOT / "reports" / "workflow.py",
        common.ROOT / "reports" / "selectors.py",
    ]


def national_database(reports: int) -> tuple[str, dict]:
    """The kept database with the demo plus ``reports`` generated reports of the demo's year,
    and what its build recorded (``build_s``, ``generate_s``, ``generated_reports``)."""
    counties = reports // DEPARTMENTS
    demo = postgres.demo_database()

    def build(database_url: str) -> None:
        name = database_url.rsplit("/", 1)[1]
        started = time.perf_counter()
        with postgres._admin() as connection:
            connection.execute(f'DROP DATABASE "{name}"')
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{demo}"')
        env = common.bench_env(database=database_url, media=common.CACHE_DIR / "unused-media")
        generated = min(counties, max(GENERATED_AT_MOST // DEPARTMENTS, 1))
        common.manage(
            "generate_province",
            f"--year={common.DEMO_YEAR}",
            f"--counties={generated}",
            f"--departments={DEPARTMENTS}",
            f"--seed={SEED}",
            env=env,
        )
        generate_s = time.perf_counter() - started
        if counties > generated:
            subprocess.run(
                [sys.executable, "-m", "bench.national_replicate", str(generated), str(counties)],
                cwd=common.ROOT,
                env=env,
                check=True,
                stdout=sys.stderr,
            )
        import psycopg

        # Fresh statistics and visibility map, as a database that has lived a while has.
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
        seconds = time.perf_counter() - started
        record = json.dumps(
            {
                "build_s": round(seconds, 1),
                "generate_s": round(generate_s, 1),
                "generated_reports": generated * DEPARTMENTS,
                "reports": reports,
            }
        )
        with postgres._admin() as connection:
            connection.execute(f"COMMENT ON DATABASE \"{name}\" IS '{record}'")

    generated = min(counties, max(GENERATED_AT_MOST // DEPARTMENTS, 1)) * DEPARTMENTS
    # "…r…g": no kept name is another's prefix (cached_database drops its LIKE matches).
    kept = postgres.cached_database(f"national{reports}r{generated}g", sources(), build)
    return kept, _comment(kept)


SCAN = re.compile(r"((?:Parallel )?(?:Seq|Index|Index Only|Bitmap Heap|Bitmap Index) Scan.*?)\s+\(")


def slowest_explained(client, url: str) -> dict:
    """The page's slowest query (caches cleared first) with its EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    common.caches_clear()
    with CaptureQueriesContext(connection) as captured:
        common.page_get(client, url)
    slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
        plan = [line for (line,) in cursor.fetchall()]
    return {
        "queries": len(captured.captured_queries),
        "slowest_s": float(slowest["time"]),
        "sql": slowest["sql"],
        "scans": [match.group(1).strip() for line in plan if (match := SCAN.search(line))],
        "plan": plan,
    }


def measure(figures: dict, reports_generated: int) -> None:
    kept, built = national_database(reports_generated)
    with (
        postgres.database("national", template=kept) as database_url,
        common.workdir("national") as work,
    ):
        media = work / "media"
        common.django_setup(database=database_url, media=media)
        common.static_collect(common.bench_env(database=database_url, media=media))

        from django.test import Client

        from departments.models import Department, User
        from reports.models import Report

        department = Department.objects.get(code=HISTORY_DEPARTMENT)
        region = department.region
        year = common.DEMO_YEAR
        reports = Report.objects.filter(year=year).order_by("department_id")
        # One report a county in every 7th county, across the country: a save in another
        # part each time.
        countrywide = reports.values_list("pk", flat=True)[:: DEPARTMENTS * 7]
        in_region = reports.filter(department__region=region).values_list("pk", flat=True)
        pages = {
            "national_list_s": ("auditor", "/approved/", None),
            "national_dashboard_s": (
                "admin",
                f"/dashboard/{year}/",
                common.report_saved_before(countrywide),
            ),
            "national_dashboard_cold_s": ("admin", f"/dashboard/{year}/", None),
            "national_dashboard_region_s": (
                "admin",
                f"/dashboard/{year}/?{_query(region=region)}",
                common.report_saved_before(in_region),
            ),
            "national_history_s": ("admin", f"/departments/{department.pk}/history/", None),
        }
        figures["national_reports"] = Report.objects.filter(year=year).count()
        figures["national_build_s"] = built.get("build_s")
        figures["national_generate_s"] = built.get("generate_s")
        figures["national_generated_reports"] = built.get("generated_reports")
        explained = {}
        for name, (username, url, before) in pages.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            after = "caches cleared" if before is None else "a report saved before each"
            common.progress(f"national: GET {url} as {username}, {REPEAT} times, {after}")
            common.caches_clear()
            times = common.made_page_timings(client, url, repeat=REPEAT, before=before)
            figures[name] = common.rounded(common.median(times))
            explained[name] = slowest_explained(client, url)
            _explain_print(name, url, explained[name])
        figures["national_explain"] = explained


def _query(**params: str) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def _explain_print(name: str, url: str, entry: dict) -> None:
    out = sys.stderr
    print(
        f"[bench] {name}: GET {url}: {entry['queries']} queries, slowest "
        f"{entry['slowest_s'] * 1000:.1f} ms:\n{entry['sql']}",
        file=out,
    )
    print("\n".join(f"    {line}" for line in entry["plan"]), file=out, flush=True)


def main(argv: list[str] | None = None) -> None:
    reports = reports_wanted(argv)
    with common.figures_on_stdout() as figures:
        measure(figures, reports)


if __name__ == "__main__":
    main()

"""A province's year: the auditor's list and the dashboard over 12,000 generated reports.

``python -m bench.province`` prints ``province_auditor_list_s`` and ``province_dashboard_s``
as JSON. The generated database (1–3 minutes on SQLite) is kept in ``var/bench/`` under a
key of the schema and the generator's code, so later runs only copy it.

Each page is timed as made: every cache cleared before each request (not timed), but for the
dashboard, which is kept in parts (dashboard/parts.py): before each of its requests one
report's totals are refreshed, as a clerk's save does, in another part each time;
``province_dashboard_cold_s`` is the dashboard with every cache cleared.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench import common

REPEAT = 7
COUNTIES, DEPARTMENTS, SEED = 120, 100, 1
PAGES = {
    "province_auditor_list_s": ("auditor", "/approved/", False),
    "province_dashboard_s": ("admin", f"/dashboard/{common.DEMO_YEAR}/", True),
    "province_dashboard_cold_s": ("admin", f"/dashboard/{common.DEMO_YEAR}/", False),
}


def province_database():
    """The demo plus COUNTIES × DEPARTMENTS generated reports of the demo's year."""
    demo = common.demo_database()

    def build(path) -> None:
        shutil.copyfile(demo, path)
        env = common.bench_env(database=path, media=path.parent / "unused-media")
        common.manage(
            "generate_province",
            f"--year={common.DEMO_YEAR}",
            f"--counties={COUNTIES}",
            f"--departments={DEPARTMENTS}",
            f"--seed={SEED}",
            env=env,
        )

    sources = [
        *common.demo_sources(),
        common.ROOT / "reports" / "demo" / "province.py",
        common.ROOT / "reports" / "workflow.py",
        common.ROOT / "reports" / "selectors.py",
    ]
    return common.cached_database(f"province-{COUNTIES}x{DEPARTMENTS}", sources, build)


def measure(figures: dict, work: Path) -> None:
    database = common.database_copy(province_database(), work)
    common.django_setup(database=database, media=work / "media")
    common.static_collect(common.bench_env(database=database, media=work / "media"))

    from django.test import Client

    from departments.models import User
    from reports.models import Report

    year = Report.objects.filter(year=common.DEMO_YEAR).order_by("department_id")
    reports = year.count()
    for name, (username, url, after_a_save) in PAGES.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        common.progress(f"province: GET {url} as {username}, {REPEAT} times")
        before = None
        if after_a_save:  # one report a county in every 7th county
            before = common.report_saved_before(
                year.values_list("pk", flat=True)[:: DEPARTMENTS * 7]
            )
        times = common.made_page_timings(client, url, repeat=REPEAT, before=before)
        figures[name] = common.rounded(common.median(times))
    figures["province_reports"] = reports


def main() -> None:
    with common.figures_on_stdout() as figures, common.workdir("province") as work:
        measure(figures, work)


if __name__ == "__main__":
    main()

"""Excel: importing a 自评表 of 1000 indicator rows, and exporting the demo's.

``python -m bench.xlsx`` prints ``xlsx_import_1000_rows_s`` and ``xlsx_export_s`` as JSON.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bench import common

REPEAT = 5
SECTIONS, GROUPS, LEAVES = 4, 10, 25  # 1000 level-3 indicators
BIG_DEPARTMENT = "基准测试部门（千行自评表）"


def big_framework_data() -> dict:
    """A framework of SECTIONS × GROUPS × LEAVES level-3 indicators whose weights add up."""
    section_weight = Decimal(100) / SECTIONS
    group_weight = section_weight / GROUPS
    leaf_weight = group_weight / LEAVES
    return {
        "name": "基准测试指标体系（1000 个三级指标）",
        "version": "bench-1000",
        "indicators": [
            {
                "name": f"一级指标{s}",
                "weight": str(section_weight),
                "children": [
                    {
                        "name": f"二级指标{s}-{g}",
                        "weight": str(group_weight),
                        "children": [
                            {"name": f"三级指标{s}-{g}-{n}", "weight": str(leaf_weight)}
                            for n in range(1, LEAVES + 1)
                        ],
                    }
                    for g in range(1, GROUPS + 1)
                ],
            }
            for s in range(1, SECTIONS + 1)
        ],
    }


def big_report_create(*, demo):
    """A draft with the demo's money and 1000 scored rows, a few of them below their weight."""
    from departments.models import Department
    from reports.models import NARRATIVE_FIELDS, Report
    from scoring.models import Indicator, IndicatorResult
    from scoring.services import framework_load
    from scoring.writers import results_create

    framework = framework_load(data=big_framework_data())
    department = Department.objects.create(
        name=BIG_DEPARTMENT,
        code="BENCH-1000",
        short_name=BIG_DEPARTMENT,
        reporting_unit=BIG_DEPARTMENT,
        region=demo.department.region,
    )
    report = Report.objects.create(
        department=department,
        year=demo.year,
        framework=framework,
        report_date=demo.report_date,
        **{field: getattr(demo, field) for field in NARRATIVE_FIELDS},
    )
    common.lines_copy(demo, report)
    leaves = Indicator.objects.filter(framework=framework, level=Indicator.Level.THIRD)
    results_create(
        IndicatorResult(
            report=report,
            indicator=leaf,
            target="≥95%",
            actual="93%" if n % 10 == 0 else "98%",
            score=leaf.weight / 2 if n % 10 == 0 else leaf.weight,
            deviation="未完全达到年度指标值，原因已分析并整改。" if n % 10 == 0 else "",
        )
        for n, leaf in enumerate(leaves.order_by("pk"))
    )
    return report


def results_clear(report) -> None:
    """Empty the report's 自评表, so that the import writes every row again."""
    from scoring.writers import results_write

    results_write(report=report, prune=True)


def measure(figures: dict, work: Path) -> None:
    database = common.database_copy(common.demo_database(), work)
    common.django_setup(database=database, media=work / "media")

    from reports.selectors import report_get
    from scoring.models import IndicatorResult
    from sheets.export import selfeval_xlsx
    from sheets.importer import selfeval_import

    demo = report_get(department_name=common.DEMO_DEPARTMENT, year=common.DEMO_YEAR)
    big = big_report_create(demo=demo)
    sheet = selfeval_xlsx(report=big)
    rows = IndicatorResult.objects.filter(report=big).count()

    common.progress(f"XLSX: importing {rows} rows, {REPEAT} times")
    import_times = []
    for _ in range(REPEAT + 1):  # the first is a warm-up
        results_clear(big)
        import_times += common.timings(
            lambda: selfeval_import(report=big, data=sheet, filename="bench.xlsx"), repeat=1
        )
        written = IndicatorResult.objects.filter(report=big, score__isnull=False).count()
        if written != rows:
            raise RuntimeError(f"the import wrote {written} of {rows} rows")

    common.progress(f"XLSX: exporting the demo, {REPEAT} times")
    selfeval_xlsx(report=demo)
    export_times = common.timings(lambda: selfeval_xlsx(report=demo), repeat=REPEAT)

    figures.update(
        xlsx_import_1000_rows_s=common.rounded(common.median(import_times[1:])),
        xlsx_import_rows=rows,
        xlsx_import_sheet_kb=round(len(sheet) / 1024),
        xlsx_export_s=common.rounded(common.median(export_times)),
    )


def main() -> None:
    with common.figures_on_stdout() as figures, common.workdir("xlsx") as work:
        measure(figures, work)


if __name__ == "__main__":
    main()

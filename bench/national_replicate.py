"""Copies of a generated province's counties, made in SQL: the national database's counties
beyond those ``generate_province`` made (bench/national.py).

``python -m bench.national_replicate GENERATED COUNTIES`` (with ``DATABASE_URL``) copies the
GENERATED counties of the demo's year again and again until there are COUNTIES: each copy's
departments get the codes, names and regions the generator gives those counties
(``SIM-121-001``, “安山2县…”), and every generated row of their reports is copied with them
(report, totals, lines, results, the workflow's log, approved versions), the department's
name in the reports' text and summaries replaced. The figures repeat every GENERATED
counties; what the pages read, and how much of it, is that of a generated country.
"""

from __future__ import annotations

import sys
import time

YEAR = 2022
# Every table the generator writes for a report, its id column (None: the report's id is
# its key) and the columns that point to other copied rows.
REPORT_ROWS = (
    ("reports_reporttotals", None),
    ("budgets_incomeline", "id"),
    ("budgets_expenditureline", "id"),
    ("budgets_threepublicline", "id"),
    ("budgets_project", "id"),
    ("scoring_indicatorresult", "id"),
    ("scoring_groupresult", "id"),
    ("reports_reporttransition", "id"),
    ("reports_approvedversion", "id"),
)


def _columns(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return cursor.fetchall()


def _span(cursor, table: str, column: str = "id") -> int:
    cursor.execute(f'SELECT COALESCE(MAX("{column}"), 0) FROM {table}')
    return int(cursor.fetchone()[0])


def replicate(generated: int, counties: int) -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from reports.demo.province import CODE_PREFIX, county_name, department_code, department_kind

    started = time.perf_counter()
    copies = -(-counties // generated)
    with transaction.atomic(), connection.cursor() as cursor:
        spans = {
            table: _span(cursor, table)
            for table in ("departments_department", "reports_report")
            + tuple(table for table, key in REPORT_ROWS if key)
        }
        cursor.execute(
            "SELECT id, code FROM departments_department WHERE code LIKE %s",
            [f"{CODE_PREFIX}%"],
        )
        departments = cursor.fetchall()
        rows = []
        for pk, code in departments:
            county, number = (int(part) - 1 for part in code[len(CODE_PREFIX) :].split("-"))
            for copy in range(1, copies):
                target = county + copy * generated
                if target >= counties:
                    continue
                region = county_name(target)
                name = f"{region}{department_kind(number)}"
                rows.append((pk, copy, department_code(target, number), name, region))
        cursor.execute(
            "CREATE TEMP TABLE department_copy (old_id bigint, copy int, code text, name text,"
            " region text) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY department_copy FROM STDIN") as out:
            for row in rows:
                out.write_row(row)
        span = spans["departments_department"]
        cursor.execute(
            f"INSERT INTO departments_department (id, code, name, short_name, reporting_unit,"
            f" region) SELECT m.old_id + m.copy * {span}, m.code, m.name, m.name, m.name,"
            f" m.region FROM department_copy m"
        )
        # The generated reports with the copies to make of each.
        report_span = spans["reports_report"]
        cursor.execute(
            "CREATE TEMP TABLE report_copy ON COMMIT DROP AS"
            f" SELECT r.id AS old_id, r.id + m.copy * {report_span} AS new_id, m.copy,"
            f" m.old_id + m.copy * {span} AS department_id, d.name AS old_name, m.name"
            " FROM reports_report r JOIN department_copy m ON m.old_id = r.department_id"
            " JOIN departments_department d ON d.id = r.department_id WHERE r.year = %s",
            [YEAR],
        )
        cursor.execute("CREATE INDEX ON report_copy (old_id)")
        cursor.execute("ANALYZE report_copy")
        columns = _columns(cursor, "reports_report")
        select = []
        for column, kind in columns:
            if column == "id":
                select.append("m.new_id")
            elif column == "department_id":
                select.append("m.department_id")
            elif kind == "text":
                select.append(f'replace(r."{column}", m.old_name, m.name)')
            else:
                select.append(f'r."{column}"')
        names = ", ".join(f'"{column}"' for column, _ in columns)
        cursor.execute(
            f"INSERT INTO reports_report ({names}) SELECT {', '.join(select)}"
            " FROM reports_report r JOIN report_copy m ON m.old_id = r.id"
        )
        for table, key in REPORT_ROWS:
            columns = _columns(cursor, table)
            select = []
            for column, kind in columns:
                if column == key:
                    select.append(f'r."{column}" + m.copy * {spans[table]}')
                elif column == "report_id":
                    select.append("m.new_id")
                elif column == "transition_id":
                    select.append(f"r.transition_id + m.copy * {spans['reports_reporttransition']}")
                elif kind == "jsonb" and column == "summary":
                    select.append(f'replace(r."{column}"::text, m.old_name, m.name)::jsonb')
                else:
                    select.append(f'r."{column}"')
            names = ", ".join(f'"{column}"' for column, _ in columns)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {', '.join(select)}"
                f" FROM {table} r JOIN report_copy m ON m.old_id = r.report_id"
            )
        for table, key in (("departments_department", "id"), ("reports_report", "id")) + tuple(
            (table, key) for table, key in REPORT_ROWS if key
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'),"
                f" (SELECT MAX({key}) FROM {table}))"
            )
    print(
        f"national_replicate: {len(rows)} departments copied from {generated} counties to"
        f" {counties} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    replicate(int(sys.argv[1]), int(sys.argv[2]))

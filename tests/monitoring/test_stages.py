"""Each checkpoint is a stage with its own deadline: due on the department's home, overdue
once its date has passed, done once the 监控表 is submitted."""

import datetime

from deadlines.selectors import department_due, due_for_department
from monitoring.services import checkpoint_report_create, checkpoints_default

MAY_15 = datetime.date(2022, 5, 15)


def test_a_checkpoint_past_its_date_is_overdue_until_its_sheet_is_submitted(demo):
    checkpoints_default(2022)
    department = demo.report.department
    due = department_due(department_id=department.pk, today=MAY_15)
    april = next(row for row in due if row.label == "2022 年1—4月运行监控")
    assert april.due == datetime.date(2022, 5, 10)
    assert april.state == "已逾期 5 天"
    assert due[0] == april  # the overdue come first

    sheet = checkpoint_report_create(department=department, checkpoint=april_checkpoint(april))
    # Set-up: as the workflow leaves it once submitted (its checks are tested elsewhere).
    type(sheet).objects.filter(pk=sheet.pk).update(status="submitted")
    rows = due_for_department(department_id=department.pk, year=2022, today=MAY_15)
    assert next(row for row in rows if row.stage_key == april.stage_key).state == "已完成"


def april_checkpoint(row):
    from monitoring.models import Checkpoint

    return Checkpoint.objects.get(pk=int(row.stage_key.removeprefix("checkpoint-")))

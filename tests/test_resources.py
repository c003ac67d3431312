"""The admin's CSV/XLSX import and export (django-import-export resources)."""

from decimal import Decimal as D

import pytest
import tablib
from openpyxl import load_workbook

from budgets.models import ExpenditureLine, IncomeLine
from budgets.resources import ExpenditureLineResource, IncomeLineResource
from departments.models import Department, OrgUnit
from departments.resources import DepartmentResource, OrgUnitResource
from reports.workflow import transition_apply
from scoring.models import Indicator
from scoring.resources import IndicatorResource
from scoring.services import framework_copy

DEMO_CODE = "430181-001"
INCOME_HEADER = "id,部门编码,年度,收入来源,说明,全年预算数（万元）,全年执行数（万元）"


def csv_dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(text.strip() + "\n", format="csv")


def run_import(resource, dataset):
    return resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)


def row_messages(result) -> list[str]:
    messages = [str(e.error) for row in result.rows for e in row.errors]
    for invalid in result.invalid_rows:
        for field_errors in invalid.error_dict.values():
            messages.extend(str(m) for m in field_errors)
    messages.extend(str(e.error) for e in result.base_errors)
    return messages


# Departments and org units


def test_departments_export_with_chinese_headers_and_import_again_updates_in_place(demo):
    exported = DepartmentResource().export()
    assert exported.headers == ["部门编码", "部门名称", "简称", "报告单位", "所属地区"]
    assert exported.dict[0]["部门编码"] == DEMO_CODE
    exported = csv_dataset(exported.export("csv").replace("浏阳市人大常委会办公室", "新的报告单位"))
    result = run_import(DepartmentResource(), exported)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Department.objects.count() == 1
    assert Department.objects.get().reporting_unit == "新的报告单位"


def test_org_units_take_their_kind_by_label_and_a_bad_label_saves_nothing(demo):
    before = OrgUnit.objects.count()
    good = f"部门编码,机构类别,机构名称,排序\n{DEMO_CODE},专门委员会,新设委员会,99"
    result = run_import(OrgUnitResource(), csv_dataset(good))
    assert not result.has_validation_errors()
    assert OrgUnit.objects.get(name="新设委员会").kind == OrgUnit.Kind.SPECIAL_COMMITTEE
    bad = (
        f"部门编码,机构类别,机构名称,排序\n{DEMO_CODE},专门委员会,又一委员会,100\n"
        f"{DEMO_CODE},委员会,错的类别,101"
    )
    result = run_import(OrgUnitResource(), csv_dataset(bad))
    assert result.has_validation_errors()
    assert any("“委员会”不是有效的机构类别" in m for m in row_messages(result))
    assert OrgUnit.objects.count() == before + 1


# Report lines


def test_expenditure_lines_export_with_labels_and_amounts(demo_report):
    data = ExpenditureLineResource().export().dict
    personnel = next(row for row in data if row["支出性质"] == "人员经费")
    assert personnel["部门编码"] == DEMO_CODE
    assert personnel["年度"] == 2022
    assert personnel["资金来源"] == "财政拨款"
    assert D(str(personnel["全年执行数（万元）"])) == D("1846.37")


def test_a_line_is_added_to_the_report_named_by_code_and_year(demo_report):
    text = f"{INCOME_HEADER}\n,{DEMO_CODE},2022,事业收入,导入,1.50,1.25"
    result = run_import(IncomeLineResource(), csv_dataset(text))
    assert not result.has_validation_errors(), row_messages(result)
    line = IncomeLine.objects.get(description="导入")
    assert (line.report, line.source, line.actual) == (demo_report, "operations", D("1.25"))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("430181-999,2022,事业收入,x,1,1", "找不到部门编码 430181-999 的 2022 年自评报告"),
        (f"{DEMO_CODE},2021,事业收入,x,1,1", "找不到部门编码 430181-001 的 2021 年自评报告"),
        (f"{DEMO_CODE},2022,捐赠收入,x,1,1", "“捐赠收入”不是有效的收入来源"),
        (f"{DEMO_CODE},2022,事业收入,x,-1,1", "金额不能为负数"),
        (f"{DEMO_CODE},2022,事业收入,x,一万,1", "“一万”不是数字"),
        (f'{DEMO_CODE},2022,事业收入,x,1,"7,1,0.12"', "“7,1,0.12”千位分隔符的位置不对"),
    ],
)
def test_a_bad_line_names_what_to_fix_and_nothing_is_saved(demo_report, row, message):
    before = IncomeLine.objects.count()
    good = f",{DEMO_CODE},2022,事业收入,好的一行,1,1"
    text = f"{INCOME_HEADER}\n{good}\n,{row}"
    result = run_import(IncomeLineResource(), csv_dataset(text))
    assert result.has_validation_errors() or result.has_errors()
    messages = " ".join(row_messages(result))
    assert message in messages
    assert IncomeLine.objects.count() == before


def test_lines_of_a_submitted_report_are_refused(demo_report, users):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    text = f"{INCOME_HEADER}\n,{DEMO_CODE},2022,事业收入,x,1,1"
    result = run_import(IncomeLineResource(), csv_dataset(text))
    assert "状态为“待审核”，不能导入" in " ".join(row_messages(result))
    assert not IncomeLine.objects.filter(description="x").exists()


def test_text_that_looks_like_a_formula_is_exported_as_text_and_read_back(demo_report):
    line = ExpenditureLine.objects.filter(report=demo_report).first()
    ExpenditureLine.objects.filter(pk=line.pk).update(description='=HYPERLINK("http://x","y")')
    exported = ExpenditureLineResource().export()
    row = next(r for r in exported.dict if str(r["id"]) == str(line.pk))
    assert row["说明"] == '\'=HYPERLINK("http://x","y")'
    sheet = load_workbook(__import__("io").BytesIO(exported.export("xlsx"))).active
    cells = [c for r in sheet.iter_rows() for c in r if c.value and "HYPERLINK" in str(c.value)]
    assert [c.data_type for c in cells] == ["s"]
    ExpenditureLine.objects.filter(pk=line.pk).update(description="")
    result = run_import(ExpenditureLineResource(), csv_dataset(exported.export("csv")))
    assert not result.has_validation_errors(), row_messages(result)
    line.refresh_from_db()
    assert line.description == '=HYPERLINK("http://x","y")'


# Framework nodes


def test_framework_nodes_export_as_paths_and_a_copy_imports_a_weight_change(demo):
    standard = Indicator.objects.filter(level=1).first().framework
    copy = framework_copy(framework=standard, version="2023")
    data = IndicatorResource().export(queryset=Indicator.objects.filter(framework=copy))
    rows = data.dict
    accuracy = next(r for r in rows if r["指标名称"] == "准确性")
    assert accuracy["上级指标"] == "投入管理/预算编审管理"
    assert accuracy["层级"] == 3
    assert accuracy["版本"] == "2023"
    # Move one point from 准确性 to 预算编制及时性: sums still hold.
    text = data.export("csv")
    for row in rows:
        if row["指标名称"] in ("准确性", "预算编制及时性"):
            assert row["权重"] in (2, 1, D(2), D(1), "2.00", "1.00", "2", "1")
    swapped = text.replace(",准确性,3,2.00,", ",准确性,3,1.50,").replace(
        ",预算编制及时性,3,1.00,", ",预算编制及时性,3,1.50,"
    )
    assert swapped != text
    result = run_import(IndicatorResource(), csv_dataset(swapped))
    assert not result.has_validation_errors() and not result.has_errors(), row_messages(result)
    node = Indicator.objects.get(framework=copy, name="准确性")
    assert node.weight == D("1.50")
    assert (
        Indicator.objects.filter(framework=copy).count()
        == Indicator.objects.filter(framework=standard).count()
    )


def test_a_framework_import_that_breaks_the_weights_rolls_back(demo):
    standard = Indicator.objects.filter(level=1).first().framework
    copy = framework_copy(framework=standard, version="2023")
    text = (
        IndicatorResource().export(queryset=Indicator.objects.filter(framework=copy)).export("csv")
    )
    broken = text.replace(",准确性,3,2.00,", ",准确性,3,5.00,")
    assert broken != text
    result = run_import(IndicatorResource(), csv_dataset(broken))
    assert result.has_errors()
    assert "预算编审管理" in " ".join(row_messages(result))
    assert Indicator.objects.get(framework=copy, name="准确性").weight == D("2.00")


# The admin pages


def test_admin_lists_offer_import_and_export_to_those_allowed(client_for):
    admin = client_for("admin")
    for url in (
        "/admin/departments/department/import/",
        "/admin/budgets/incomeline/import/",
        "/admin/scoring/indicator/import/",
        "/admin/budgets/expenditureline/export/",
    ):
        assert admin.get(url).status_code == 200, url
    reviewer = client_for("reviewer")
    assert reviewer.get("/admin/departments/department/import/").status_code == 403

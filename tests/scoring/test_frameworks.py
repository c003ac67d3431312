"""Frameworks as data: shipped as default, copied into versions, fixed under a report."""

import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from departments.models import Department
from reports.selectors import report_summary
from reports.services import report_create
from scoring.models import Framework, GradeBand, Indicator
from scoring.services import framework_copy, framework_load, standard_framework_data

STANDARD = "部门整体支出绩效自评指标体系（湖南）"


@pytest.mark.django_db
def test_the_standard_framework_ships_with_the_database_as_the_default():
    framework = Framework.objects.get(is_default=True)
    assert (framework.name, framework.version) == (STANDARD, "2022")
    top = Indicator.objects.filter(framework=framework, level=1).order_by("order")
    assert [(n.name, n.weight) for n in top] == [
        ("投入管理", D(30)),
        ("产出指标", D(25)),
        ("效益指标", D(45)),
    ]
    assert Indicator.objects.filter(framework=framework, level=2).count() == 17
    assert Indicator.objects.filter(framework=framework, level=3).count() == 27
    assert [b.name for b in framework.bands.all()] == ["优", "良", "中", "差"]


@pytest.mark.django_db
def test_a_new_report_uses_the_default_framework():
    department = Department.objects.create(name="某局", code="X1", reporting_unit="某局办公室")
    report = report_create(department=department, year=2023)
    assert report.framework == Framework.objects.get(is_default=True)
    assert report.status == "draft"


@pytest.mark.django_db
def test_loading_a_framework_with_broken_weights_is_refused_and_saves_nothing():
    data = standard_framework_data() | {"name": "坏体系", "version": "1"}
    data["indicators"][0] = data["indicators"][0] | {"weight": "35"}
    with pytest.raises(ValidationError) as raised:
        framework_load(data=data)
    assert "一级指标权重之和应为 100 分，现为 105 分" in str(raised.value)
    assert not Framework.objects.filter(name="坏体系").exists()


def test_a_framework_in_use_refuses_changes(demo_report):
    node = Indicator.objects.get(framework=demo_report.framework, name="投入管理")
    node.weight = D(31)
    with pytest.raises(ValidationError, match="已被 1 份自评报告使用，不能再修改"):
        node.save()
    band = GradeBand.objects.filter(framework=demo_report.framework).first()
    with pytest.raises(ValidationError, match="复制为新版本"):
        band.delete()


def test_editing_a_copy_never_changes_the_report(demo_report):
    before = report_summary(report=demo_report)
    copy = framework_copy(framework=demo_report.framework)
    assert copy.version == "2022 副本"
    node = Indicator.objects.get(framework=copy, name="投入管理")
    node.name = "投入管理（新）"
    node.save()
    assert Indicator.objects.filter(framework=copy).count() == 47
    assert report_summary(report=demo_report) == before


def test_admin_copy_action_makes_an_editable_version(admin_client_demo, demo_report):
    url = reverse("admin:scoring_framework_changelist")
    response = admin_client_demo.post(
        url,
        {"action": "copy_as_new_version", "_selected_action": [demo_report.framework_id]},
        follow=True,
    )
    assert "已将“部门整体支出绩效自评指标体系（湖南）（2022）”复制为" in response.content.decode()
    copy = Framework.objects.get(version="2022 副本")
    assert copy.indicators.count() == demo_report.framework.indicators.count()
    assert copy.bands.count() == 4
    change = admin_client_demo.get(reverse("admin:scoring_framework_change", args=[copy.pk]))
    assert 'name="_save"' in change.content.decode()


def test_admin_shows_a_framework_in_use_read_only(admin_client_demo, demo_report):
    url = reverse("admin:scoring_framework_change", args=[demo_report.framework_id])
    page = admin_client_demo.get(url).content.decode()
    assert 'name="_save"' not in page
    assert admin_client_demo.post(url, {"name": "改名"}).status_code == 403


def _formset_post(framework) -> dict:
    nodes = list(framework.indicators.order_by("level", "order", "pk"))
    bands = list(framework.bands.all())
    data = {
        "name": framework.name,
        "version": framework.version,
        "description": framework.description,
        "table_note": framework.table_note,
        "indicators-TOTAL_FORMS": len(nodes),
        "indicators-INITIAL_FORMS": len(nodes),
        "bands-TOTAL_FORMS": len(bands),
        "bands-INITIAL_FORMS": len(bands),
    }
    for i, node in enumerate(nodes):
        data |= {
            f"indicators-{i}-id": node.pk,
            f"indicators-{i}-framework": framework.pk,
            f"indicators-{i}-parent": node.parent_id or "",
            f"indicators-{i}-name": node.name,
            f"indicators-{i}-weight": node.weight if node.weight is not None else "",
            f"indicators-{i}-order": node.order,
            f"indicators-{i}-rule": node.rule,
            f"indicators-{i}-rule_params": json.dumps(node.rule_params),
        }
    for i, band in enumerate(bands):
        data |= {
            f"bands-{i}-id": band.pk,
            f"bands-{i}-framework": framework.pk,
            f"bands-{i}-name": band.name,
            f"bands-{i}-min_score": band.min_score,
        }
    return data


def _index(data, name):
    return next(k.split("-")[1] for k, v in data.items() if k.endswith("-name") and v == name)


def test_admin_refuses_weights_that_do_not_add_up_and_names_the_indicator(
    admin_client_demo, demo_report
):
    copy = framework_copy(framework=demo_report.framework)
    data = _formset_post(copy)
    data[f"indicators-{_index(data, '预算绩效管理')}-weight"] = "6"
    url = reverse("admin:scoring_framework_change", args=[copy.pk])
    page = admin_client_demo.post(url, data).content.decode()
    assert "“投入管理”（30 分）下二级指标权重之和为 31 分，应等于 30 分" in page
    assert Indicator.objects.get(framework=copy, name="预算绩效管理").weight == D(5)


def test_admin_saves_weights_that_still_add_up(admin_client_demo, demo_report):
    copy = framework_copy(framework=demo_report.framework)
    data = _formset_post(copy)
    data[f"indicators-{_index(data, '预算绩效管理')}-weight"] = "6"
    data[f"indicators-{_index(data, '预算执行管理')}-weight"] = "3"
    response = admin_client_demo.post(
        reverse("admin:scoring_framework_change", args=[copy.pk]), data
    )
    assert response.status_code == 302
    assert Indicator.objects.get(framework=copy, name="预算绩效管理").weight == D(6)


def test_summary_rows_show_the_suggestion_beside_the_stored_score(demo_report):
    indicators = report_summary(report=demo_report)["indicators"]
    assert (indicators["total_score"], indicators["grade"]) == ("99.00", "优")
    rows = indicators["rows"]
    assert len(rows) == 27
    accuracy = rows[0]
    assert {
        k: accuracy[k]
        for k in [
            "level1",
            "level2",
            "level2_weight",
            "level3",
            "target",
            "actual",
            "actual_computed",
            "score",
            "suggested_score",
            "deviation",
        ]
    } == {
        "level1": "投入管理",
        "level2": "预算编审管理",
        "level2_weight": "3.00",
        "level3": "准确性",
        "target": "100%",
        # Computed from the figures, as the table prints it (the seed types 123%).
        "actual": "123.10%",
        "actual_computed": "123.10",
        "score": "1.00",
        "suggested_score": "1.00",
        "deviation": "预算编制准确性有待提高。",
    }
    assert accuracy["suggestion_working"].startswith("整体支出执行率 123.10%")
    disclosure = [r for r in rows if r["level2"] == "预决算信息公开管理"]
    assert [r["score"] for r in disclosure] == ["4.00", None]
    assert rows[1]["suggested_score"] is None
    assert [r["level3"] for r in rows if r["suggested_score"]] == [
        "准确性",
        "公用经费控制率",
        "“三公经费”控制率",
        "代表建议办理满意率",
        "社会公众满意度",
    ]

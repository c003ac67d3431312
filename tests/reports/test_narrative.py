"""The report's text is the published report's, with its figures made from the data."""

import re
from decimal import Decimal as D

from budgets.models import ExpenditureLine
from reports.narrative import blocks_text, finance_level
from reports.selectors import report_data, report_summary
from tests.conftest import SEED_TEXT
from tests.writes import rows_update


def _text(report) -> str:
    return blocks_text(report_data(report=report).blocks())


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_whole_narrative_reads_as_the_published_report(demo_report):
    seed_body = (
        "一、部门概况"
        + SEED_TEXT.split("一、部门概况", 1)[1].split("2022 年部门整体支出绩效自评表", 1)[0]
    )
    # Four differences, all deliberate: the seed repeats "公" across a page break; section
    # 八 also states the grade its heading asks for, and refers to the table as what it is
    # (the seed says 评分表 of a table it titles 自评表, printed here as the 附件); and every
    # rate prints to two places (rules.rate_text), so that the 三公 rate the 自评表 prints
    # as “三公经费”控制率 29.20% reads 29.20% here too, not the seed's 29.2%.
    expected = _squash(seed_body).replace("；公公务用车", "；公务用车")
    expected = expected.replace("99分（详见评分表）。", "99分（详见附件），绩效评价等级为“优”。")
    assert expected.count("完成预算的29.2%") == 2
    expected = expected.replace("完成预算的29.2%", "完成预算的29.20%")
    assert _squash(_text(demo_report)) == expected


def test_figure_sentences_are_in_the_seeds_wording(demo_report):
    text = _text(demo_report)
    assert (
        "2022 年度收入总额 2575.66 万元，"
        "其中一般公共预算财政拨款收入 2320.58 万元，占总收入的 90.09%。"
        "本年支出总额 2575.66 万元，按支出性质区分，基本支出 1961.17 万元，占比 76.14%，"
        "项目支出 614.49 万元，占比 23.86%。" in text
    )
    assert "公务接待费支出预算 10.00 万元，决算 2.92 万元，完成预算的 29.20%。" in text
    assert "2022 年市财政预算安排项目支出 710.12 万元，实际项目支出 614.49 万元。" in text


def test_changing_public_operating_changes_the_sentences_and_shares(demo_report):
    rows_update(
        ExpenditureLine.objects.filter(report=demo_report, nature="public_operating"),
        actual=D("154.80"),
    )
    text = _text(demo_report)
    # 一(四): the total, 基本支出 and both shares follow.
    assert (
        "本年支出总额 2615.66 万元，按支出性质区分，基本支出 2001.17 万元，占比 76.50%，"
        "项目支出 614.49 万元，占比 23.50%。" in text
    )
    # 二(一): 基本支出, 公用经费 and the split of 基本支出 follow.
    assert (
        "2022 年度财政拨款基本支出 2001.17 万元，其中：人员经费 1846.37 万元，占基本支出的 92.26%，"
        in text
    )
    assert "公用经费 154.80 万元，占基本支出的 7.74%，" in text
    assert "114.80" not in text
    summary = report_summary(report=demo_report)["expenditure"]
    assert (summary["public_operating_share_pct"], summary["basic_share_pct"]) == ("7.74", "76.50")


def test_three_public_sentence_follows_the_direction_of_change(demo_report):
    rows_update(
        demo_report.three_public_lines.filter(kind="official_reception"), previous_actual=D("1")
    )
    demo_report.three_public_change_reason = "接待任务增加。"
    demo_report.save()
    assert "决算数比上年增加 1.92 万元，增加的主要原因是接待任务增加。" in _text(demo_report)


def test_finance_level_follows_the_region():
    assert [finance_level(r) for r in ["浏阳市", "宁乡县", "岳麓区", ""]] == [
        "市财政",
        "县财政",
        "区财政",
        "财政",
    ]


def test_grade_sentence_in_section_eight(demo_report):
    assert _text(demo_report).endswith(
        "根据相关绩效评价指标评价参考指标，我单位 2022 年度评分得分 99 分（详见附件），"
        "绩效评价等级为“优”。"
    )

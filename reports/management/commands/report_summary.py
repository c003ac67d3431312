"""Print a report's summary figures, as JSON or as a readable table."""

import json

from perfeval import access
from reports.management.base import ReportCommand, acting_user
from reports.models import Report
from reports.selectors import report_summary

STATUS_LABELS = dict(Report.Status.choices)


class Command(ReportCommand):
    access_action = access.VIEW
    help = "输出某部门某年度自评报告的汇总数据（--json 输出机器可读格式）。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, department, year, user=None, **options):
        report = self.report(department, year, acting_user(user) if user else None)
        summary = report_summary(report=report)
        if options["json"]:
            self.stdout.write(dumps(summary))
        else:
            self.stdout.write(_as_text(summary))


def dumps(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2)


def _as_text(s: dict) -> str:
    inc, exp, exe, three, ind = (
        s["income"],
        s["expenditure"],
        s["execution"],
        s["three_public"],
        s["indicators"],
    )
    lines = [
        f"{s['department']} {s['year']} 年部门整体支出绩效自评"
        f"（状态：{STATUS_LABELS[s['status']]}）",
        f"收入总额 {inc['total']} 万元，其中财政拨款 {inc['fiscal_appropriation']} 万元，"
        f"占 {inc['fiscal_share_pct']}%",
        f"支出总额 {exp['total']} 万元：基本支出 {exp['basic']}（{exp['basic_share_pct']}%），"
        f"项目支出 {exp['project']}（{exp['project_share_pct']}%）",
        f"  人员经费 {exp['personnel']}（{exp['personnel_share_pct']}%），"
        f"公用经费 {exp['public_operating']}（{exp['public_operating_share_pct']}%）",
        f"执行率 {exe['rate_pct']}%（预算 {exe['budget']}，执行 {exe['actual']}）；"
        f"基本支出 {exe['basic_rate_pct']}%，项目支出 {exe['project_rate_pct']}%",
        f"“三公”经费 预算 {three['budget']}，决算 {three['actual']}（{three['rate_pct']}%），"
        f"上年 {three['previous_actual']}，增减 {three['change']}",
        f"自评得分 {ind['total_score'] or '未评分'} / {ind['total_weight']}",
    ]
    lines += [f"  {x['name']} {x['score']} / {x['weight']}" for x in ind["level1"]]
    return "\n".join(lines)

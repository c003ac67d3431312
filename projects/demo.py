"""The demo report's projects and their 项目支出绩效自评表: made up, marked as demo data.

The seed report lists no projects; its 项目支出 is 710.12 万元 budget and 614.49 万元 spent,
all 财政拨款. These three projects add up to exactly that, so the report's money checks
(project lines against 项目支出) stay clean, and every table is filled in as the checks ask:
分值 adding up per 一级指标, deviations where a score is not full, a reason where the
execution rate is below 90 %.
"""

from __future__ import annotations

from decimal import Decimal

from budgets.models import FundSource, Project
from budgets.writers import lines_sync

from .services import project_framework_default
from .writers import assessment_sync

D = Decimal
REASON = "载入示例数据"
COMPETENT_DEPARTMENT = "浏阳市人大常委会"
IMPLEMENTING_UNIT = "浏阳市人大常委会机关"

# budgets.Project rows: 项目名称, 全年预算数, 全年执行数 (万元), 实施内容和成效.
PROJECT_LINES: list[dict] = [
    {
        "name": "人大代表履职服务保障",
        "fund_source": FundSource.FISCAL,
        "budget": D("286.40"),
        "actual": D("262.18"),
        "achievement": (
            "全年组织代表培训 4 期 326 人次，开展代表小组活动 120 余次，"
            "办结代表建议 186 件，代表履职平台运行正常。"
        ),
        "order": 1,
    },
    {
        "name": "人大常委会会议及视察调研",
        "fund_source": FundSource.FISCAL,
        "budget": D("198.72"),
        "actual": D("170.35"),
        "achievement": (
            "全年召开常委会会议 8 次、主任会议 24 次，开展视察调研 16 次，"
            "形成审议意见和调研报告 22 份。"
        ),
        "order": 2,
    },
    {
        "name": "机关信息化建设及运维",
        "fund_source": FundSource.FISCAL,
        "budget": D("225.00"),
        "actual": D("181.96"),
        "achievement": (
            "完成预算联网监督系统升级和机关网络安全等级保护测评，"
            "视频会议系统覆盖全部乡镇（街道）人大。"
        ),
        "order": 3,
    },
]


def _row(level1, level2, name, target, actual, points, score, deviation=""):
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "target": target,
        "actual": actual,
        "points": D(points),
        "score": D(score),
        "deviation": deviation,
    }


OUT, EFFECT, SATISFACTION = "产出指标", "效益指标", "满意度指标"

# Per project: the table's fields and its indicator rows (产出 50, 效益 30, 满意度 10).
TABLES: dict[str, tuple[dict, list[dict]]] = {
    "人大代表履职服务保障": (
        {
            "initial_budget": D("260.00"),
            "goal": "保障全市各级人大代表依法履职，完成代表培训、代表小组活动和代表建议办理。",
            "goal_result": "完成代表培训 4 期 326 人次，代表建议办结率 100%，代表履职保障到位。",
            "conclusion": "项目资金使用规范，年度目标基本完成，代表履职服务保障有力。",
            "problems": "代表活动阵地建设进度不均衡，部分乡镇代表之家活动频次偏低。",
            "measures": "加强对代表之家活动的督促指导，按季度通报活动开展情况。",
        },
        [
            _row(OUT, "数量指标", "代表培训人次", "≥300人次", "326人次", "20", "20"),
            _row(OUT, "质量指标", "代表建议办结率", "100%", "100%", "15", "15"),
            _row(
                OUT, "时效指标", "代表建议按期答复率", "100%", "96%", "15", "13",
                "个别建议涉及多部门会商，答复延期；已建立会商时限提醒。",
            ),
            _row(EFFECT, "社会效益指标", "代表履职能力提升", "明显提升", "明显提升", "20", "20"),
            _row(
                EFFECT, "可持续影响指标", "代表之家常态化运行", "全覆盖", "覆盖 95%", "10", "9",
                "2 个代表之家场地调整，活动暂停；已落实新场地。",
            ),
            _row(
                SATISFACTION, "服务对象满意度指标", "代表满意度", "≥90%", "93%", "10", "10",
            ),
        ],
    ),
    "人大常委会会议及视察调研": (
        {
            "initial_budget": D("190.00"),
            "execution_reason": (
                "部分视察调研活动因疫情防控要求调整为线上或压缩规模，差旅和会务支出相应减少，"
                "预算执行率低于 90%。"
            ),
            "goal": "保障常委会会议、主任会议按期召开，完成年度视察调研计划。",
            "goal_result": "召开常委会会议 8 次，视察调研 16 次，完成年度计划的 94%。",
            "conclusion": "会议和视察调研按计划开展，审议意见落实较好，预算执行率有待提高。",
            "problems": "视察调研计划执行受外部因素影响较大，预算编制与实际需要有偏差。",
            "measures": "细化视察调研计划和经费测算，按季度跟踪执行进度。",
        },
        [
            _row(OUT, "数量指标", "视察调研次数", "≥17次", "16次", "20", "18",
                 "1 次视察调研因疫情防控取消；次年优先安排。"),
            _row(OUT, "质量指标", "审议意见交办率", "100%", "100%", "15", "15"),
            _row(OUT, "时效指标", "会议按期召开率", "100%", "100%", "15", "15"),
            _row(EFFECT, "社会效益指标", "审议意见落实率", "≥90%", "92%", "20", "20"),
            _row(
                EFFECT, "可持续影响指标", "调研成果转化", "≥10项", "8项", "10", "8",
                "部分调研报告提出的建议尚在落实中；已列入下年跟踪监督。",
            ),
            _row(
                SATISFACTION, "服务对象满意度指标", "常委会组成人员满意度", "≥90%", "91%",
                "10", "9", "个别委员反映会议材料送达偏晚；已改为会前 5 日送达。",
            ),
        ],
    ),
    "机关信息化建设及运维": (
        {
            "initial_budget": D("225.00"),
            "execution_reason": (
                "预算联网监督系统二期项目于年底完成验收，尾款按合同约定于次年支付，"
                "预算执行率低于 90%。"
            ),
            "goal": "完成预算联网监督系统升级，保障机关网络和视频会议系统安全稳定运行。",
            "goal_result": "系统升级完成并通过验收，等级保护测评合格，全年无安全事故。",
            "conclusion": "信息化建设任务完成，系统运行稳定，资金支付进度偏慢。",
            "problems": "项目验收和付款集中在年底，资金支付进度与建设进度不匹配。",
            "measures": "合同约定按进度分期付款，加强项目进度和支付的月度跟踪。",
        },
        [
            _row(OUT, "数量指标", "联网监督系统接入单位", "≥60个", "64个", "20", "20"),
            _row(OUT, "质量指标", "等级保护测评", "合格", "合格", "15", "15"),
            _row(
                OUT, "时效指标", "系统升级按期完成率", "100%", "90%", "15", "12",
                "二期验收推迟一个月；已约定分阶段验收节点。",
            ),
            _row(EFFECT, "社会效益指标", "预算审查监督效率", "明显提高", "明显提高", "20", "20"),
            _row(EFFECT, "可持续影响指标", "系统年可用率", "≥99%", "99.6%", "10", "10"),
            _row(
                SATISFACTION, "服务对象满意度指标", "使用单位满意度", "≥90%", "92%", "10", "10",
            ),
        ],
    ),
}  # fmt: skip


def projects_demo_load(*, report, user=None) -> bool:
    """Give the demo report its projects and their tables; whether anything changed (a
    second call changes nothing)."""
    changed = lines_sync(report=report, model=Project, rows=PROJECT_LINES, user=user, reason=REASON)
    framework = project_framework_default()
    for project in Project.objects.filter(report=report, name__in=list(TABLES)):
        values, indicators = TABLES[project.name]
        wrote = assessment_sync(
            project=project,
            framework=framework,
            values={
                "competent_department": COMPETENT_DEPARTMENT,
                "implementing_unit": IMPLEMENTING_UNIT,
                "execution_reason": "",
                **values,
                "is_demo": True,
            },
            indicators=indicators,
            user=user,
            reason=REASON,
        )
        changed = wrote or changed
    return changed

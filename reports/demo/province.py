"""TEST DATA ONLY: a province of made-up departments and self-assessments for one year.

``python manage.py generate_province --year 2022 --counties 120 --departments 100 [--seed N]``
makes counties × departments reports that are consistent as a real one would be: 基本支出 =
人员经费 + 公用经费, projects add up to 项目支出, every score within its weight (the rules'
suggestions where a row has a rule), a deviation wherever a score is below its weight, no
check errors outside drafts, statuses spread over 草稿/待审核/已退回/已批准 and an
``ApprovedVersion`` with the total score and grade for each approved report.

Everything is written with ``bulk_create`` inside one transaction (no signals, no history
rows), county by county. The departments' codes start with ``SIM-`` and their regions are
made-up county names (“安山县”); running the same year twice is refused. Generating an
earlier year first makes 三公经费 上年决算 equal to that year's 决算.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction

from budgets.calc import Amounts, BudgetFigures, ThreePublicAmounts, ThreePublicItem, money
from budgets.models import (
    ExpenditureLine,
    FundSource,
    IncomeLine,
    Project,
    ThreePublicKind,
    ThreePublicLine,
)
from budgets.writers import lines_create
from departments.models import Department
from perfeval.fields import model_field
from perfeval.numbers import ZERO
from reports import checks, workflow
from reports.models import NARRATIVE_FIELDS, ApprovedVersion, Report, ReportTransition
from reports.selectors import ReportData, rates_from_figures, report_summary
from scoring.core import Group, Row, Scorecard, Section
from scoring.models import GroupResult, IndicatorResult
from scoring.selectors import framework_children
from scoring.services import framework_default
from scoring.writers import results_create

Action = ReportTransition.Action

CODE_PREFIX = "SIM-"
GENERATOR_USERNAME = "province-generator"

# Made-up county names: 12 × 12 pairs, then numbered.
FIRST = "安宁长永兴清青平和富嘉瑞"
SECOND = "山水阳江源溪岭川丰林谷田"

KINDS = (
    "人大常委会办公室 政协办公室 人民政府办公室 发展和改革局 教育局 科学技术局 工业和信息化局 "
    "公安局 民政局 司法局 财政局 人力资源和社会保障局 自然资源局 生态环境局 住房和城乡建设局 "
    "交通运输局 水利局 农业农村局 商务局 文化旅游广电体育局 卫生健康局 退役军人事务局 "
    "应急管理局 审计局 市场监督管理局 统计局 医疗保障局 林业局 城市管理综合执法局 信访局 "
    "行政审批服务局 乡村振兴局 机关事务服务中心 档案馆 融媒体中心 疾病预防控制中心 人民医院 "
    "中医医院 妇幼保健院 第一中学 第二中学 职业中专学校 实验小学 图书馆 文化馆 博物馆 气象局 "
    "人民法院 人民检察院 纪委监委机关 组织部 宣传部 统战部 政法委员会 机构编制委员会办公室 "
    "总工会 共青团委员会 妇女联合会 科学技术协会 残疾人联合会 工商业联合会 红十字会 "
    "供销合作社 住房公积金管理部 公共资源交易中心 不动产登记中心 社会保险服务中心 就业服务中心 "
    "农业技术推广中心 畜牧水产事务中心 公路建设养护中心 环境卫生服务中心 园林绿化中心 "
    "殡葬服务中心 救助管理站 社会福利院 老干部局 党校 党史研究室 地方志编纂室 国有资产事务中心 "
    "财政事务中心 数据资源局 招商服务中心 粮食和物资储备中心 人民武装部 保密机要局 网信办 "
    "接待服务中心 工程质量安全监督站 房产交易中心 城乡规划设计院 土地储备中心 农村经营服务站 "
    "动物疫病预防控制中心 中心血站 体育运动学校 青少年活动中心 老年大学 特殊教育学校"
).split()

# The way each report went through the workflow, and how often: 草稿, 待审核, 已退回, 已批准.
PATHS = (
    ((), 15),
    ((Action.SUBMIT,), 20),
    ((Action.SUBMIT, Action.RETURN), 10),
    ((Action.SUBMIT, Action.APPROVE), 55),
)
COMMENTS: dict[str, str] = {Action.RETURN: "请补充说明。"}


def county_name(index: int) -> str:
    pair = FIRST[index // len(SECOND) % len(FIRST)] + SECOND[index % len(SECOND)]
    rounds = index // (len(FIRST) * len(SECOND))
    return f"{pair}{'' if not rounds else rounds + 1}县"


def department_kind(index: int) -> str:
    kind = KINDS[index % len(KINDS)]
    rounds = index // len(KINDS)
    return kind if not rounds else f"{kind}第{rounds + 1}分部"


def department_code(county: int, department: int) -> str:
    return f"{CODE_PREFIX}{county + 1:03d}-{department + 1:03d}"


@dataclass(frozen=True)
class GeneratedProvince:
    year: int
    departments: int
    reports: int
    by_status: dict[str, int]
    seconds: float


def _d(value: float) -> Decimal:
    return money(Decimal(str(round(value, 2))))


def _known(value: Decimal | None) -> Decimal:
    """An amount or weight of the generated data, where every one is filled in."""
    assert value is not None
    return value


class _Tree:
    """The framework's indicators, read once."""

    def __init__(self, framework):
        self.children = framework_children(framework_id=framework.pk)
        self.bands = tuple(framework.bands.values_list("name", "min_score"))

    def scorecard(self, rng: random.Random, rates) -> Scorecard:
        """Targets and results of every row, scored within weights, with deviations."""
        sections = []
        for top in self.children[None]:
            groups = []
            for node in self.children[top.pk]:
                rows = []
                for leaf in self.children[node.pk]:
                    if leaf.rule == "ratio_to_target":
                        target, actual = "≥90%", f"{rng.choice((84, 88, 92, 95, 97, 100))}%"
                    elif leaf.rule == "budget_accuracy":
                        target, actual = "≥90%", f"{rates['total'].pct or 0}%"
                    elif leaf.rule == "control_rate":
                        figure = leaf.rule_params.get("figure", "three_public")
                        target, actual = "≤100%", f"{rates[figure].pct or 0}%"
                    else:
                        target, actual = "100%", "100%"
                    rows.append(
                        Row(
                            name=leaf.name,
                            weight=leaf.weight,
                            target=target,
                            actual=actual,
                            key=leaf.pk,
                            rule=leaf.rule,
                            rule_params=leaf.rule_params,
                        )
                    )
                groups.append(
                    Group(name=node.name, weight=node.weight, rows=tuple(rows), key=node.pk)
                )
            sections.append(
                Section(name=top.name, weight=top.weight, groups=tuple(groups), key=top.pk)
            )
        card = Scorecard(sections=tuple(sections), bands=self.bands).with_suggestions(rates)
        care = rng.choice((0.95, 0.9, 0.8, 0.7, 0.5, 0.3))
        return replace(
            card,
            sections=tuple(
                replace(s, groups=tuple(_scored(g, rng, care) for g in s.groups))
                for s in card.sections
            ),
        )


def _deduction(rng: random.Random, bound: Decimal, care: float) -> Decimal:
    """Points lost on a row; ``care`` is how carefully this department worked (0–1)."""
    if rng.random() < care:
        return ZERO
    return money(bound * Decimal(rng.choice(("0.1", "0.25", "0.5", "0.75"))))


def _scored(group: Group, rng: random.Random, care: float) -> Group:
    whole = len(group.rows) > 1 and all(row.weight is None for row in group.rows)
    if whole:
        score = group.weight - _deduction(rng, group.weight, care)
        deviation = "" if score == group.weight else "部分工作未达到预期，已制定整改措施。"
        return replace(group, group_score=score, group_deviation=deviation)
    rows = []
    for row in group.rows:
        bound = _known(group.row_weight(row))
        if row.suggestion is not None:
            score = row.suggestion.score
        else:
            score = bound - _deduction(rng, bound, care)
        if score < bound:
            deviation = "未完全达到年度指标值，原因已分析并整改。"
            actual = row.actual if row.rule else "95%"
        else:
            deviation, actual = "", row.actual
        rows.append(replace(row, score=score, deviation=deviation, actual=actual))
    return replace(group, rows=tuple(rows))


def _figures(rng: random.Random, size: random.Random, previous: dict[str, Decimal]):
    """A year's money; ``size`` draws the department's scale, the same every year."""
    drift = rng.uniform(0.92, 1.12)
    personnel_budget = _d(size.uniform(150, 3000) * drift)
    public_budget = _d(float(personnel_budget) * size.uniform(0.05, 0.25))
    project_budget = _d(size.uniform(50, 2500) * rng.uniform(0.8, 1.25))
    project_rate = rng.gauss(98, 5) if rng.random() < 0.7 else rng.uniform(55, 140)
    spending = {
        ExpenditureLine.Nature.PERSONNEL: Amounts(
            personnel_budget, _d(float(personnel_budget) * rng.gauss(99, 3) / 100)
        ),
        ExpenditureLine.Nature.PUBLIC_OPERATING: Amounts(
            public_budget, _d(float(public_budget) * rng.gauss(96, 6) / 100)
        ),
        ExpenditureLine.Nature.PROJECT: Amounts(
            project_budget, _d(float(project_budget) * max(project_rate, 0) / 100)
        ),
    }
    total_actual = sum((_known(a.actual) for a in spending.values()), ZERO)
    general = _d(float(total_actual) * rng.uniform(0.85, 1.0))
    income: dict[str, Decimal] = {
        IncomeLine.Source.GENERAL_BUDGET: general,
        IncomeLine.Source.OTHER: total_actual - general,
    }
    by_source = _by_fund_source(spending, other=total_actual - general)
    three_public = []
    for kind in ThreePublicKind:
        last = previous.get(kind)
        if kind == ThreePublicKind.OVERSEAS_TRAVEL and (
            not last if last is not None else rng.random() < 0.85
        ):
            budget = actual = ZERO
        elif last:
            # A department's 三公经费 moves a little from one year to the next.
            budget = _d(float(last) * rng.uniform(0.95, 1.25))
            actual = _d(float(budget) * rng.uniform(0.6, 1.08))
        else:
            budget = _d(rng.uniform(2, 40))
            actual = _d(float(budget) * rng.uniform(0.6, 1.08))
        if last is None:
            last = _d(float(actual) * rng.uniform(0.85, 1.2))
        three_public.append(
            ThreePublicItem(kind, str(kind.label), ThreePublicAmounts(budget, actual, last))
        )
    figures = BudgetFigures(
        income_by_source=income,
        spending=by_source,
        three_public_items=tuple(three_public),
    )
    return figures, by_source, income


def _by_fund_source(
    spending: dict[ExpenditureLine.Nature, Amounts], *, other: Decimal
) -> dict[tuple[str, str], Amounts]:
    """Spending by (nature, fund source): the money that is not 财政拨款 (``other``, as
    received) is spent on projects first, then on 公用经费, then on 人员经费; each part's
    budget in proportion to its share of the nature's spending."""
    split: dict[tuple[str, str], Amounts] = {}
    for nature in (
        ExpenditureLine.Nature.PROJECT,
        ExpenditureLine.Nature.PUBLIC_OPERATING,
        ExpenditureLine.Nature.PERSONNEL,
    ):
        amounts = spending[nature]
        whole_budget, whole_actual = _known(amounts.budget), _known(amounts.actual)
        part = min(other, whole_actual)
        other -= part
        if part:
            budget = money(whole_budget * part / whole_actual)
            split[(nature, FundSource.OTHER)] = Amounts(budget, part)
            amounts = Amounts(whole_budget - budget, whole_actual - part)
        split[(nature, FundSource.FISCAL)] = amounts
    order: list[str] = list(ExpenditureLine.Nature)
    return dict(sorted(split.items(), key=lambda item: (order.index(item[0][0]), item[0][1])))


def _projects(rng: random.Random, total: Amounts) -> list[tuple[Decimal, Decimal]]:
    """1–3 projects whose budgets and actuals add up exactly to 项目支出."""
    count = rng.randint(1, 3)
    weights = [rng.uniform(1, 3) for _ in range(count)]
    whole = sum(weights)
    budget, actual = _known(total.budget), _known(total.actual)
    parts: list[tuple[Decimal, Decimal]] = []
    for i, weight in enumerate(weights):
        if i == count - 1:
            parts.append(
                (
                    budget - sum((p[0] for p in parts), ZERO),
                    actual - sum((p[1] for p in parts), ZERO),
                )
            )
        else:
            parts.append((_d(float(budget) * weight / whole), _d(float(actual) * weight / whole)))
    return parts


PROJECT_NAMES = ("履职保障", "信息化建设", "专项业务", "基础设施维护", "宣传培训")


def _narrative(name: str, year: int) -> dict[str, str]:
    return {
        field: f"（测试数据）{name}{year} 年{model_field(Report, field).verbose_name}。"
        for field in NARRATIVE_FIELDS
    }


def _generator_user():
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=GENERATOR_USERNAME,
        defaults={"first_name": "测试数据生成", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _departments(counties: int, per_county: int) -> list[list[Department]]:
    wanted = {department_code(c, d): (c, d) for c in range(counties) for d in range(per_county)}
    existing = set(Department.objects.filter(code__in=wanted).values_list("code", flat=True))
    new = []
    for code, (c, d) in wanted.items():
        if code in existing:
            continue
        name = f"{county_name(c)}{department_kind(d)}"
        new.append(
            Department(
                code=code,
                name=name,
                short_name=name,
                reporting_unit=name,
                region=county_name(c),
            )
        )
    Department.objects.bulk_create(new, batch_size=500)
    by_code = Department.objects.filter(code__in=wanted).in_bulk(field_name="code")
    return [[by_code[department_code(c, d)] for d in range(per_county)] for c in range(counties)]


@dataclass
class _Plan:
    """One report to write, with its money, its scores and its way through the workflow."""

    report: Report
    figures: BudgetFigures
    spending: dict
    income: dict
    card: Scorecard
    transitions: list[ReportTransition]


@transaction.atomic
def province_generate(
    *, year: int, counties: int, departments: int, seed: int = 0
) -> GeneratedProvince:
    """Make the year's fake reports; refuse when the year already has generated ones."""
    started = time.perf_counter()
    already = Report.objects.filter(year=year, department__code__startswith=CODE_PREFIX).count()
    if already:
        raise CommandError(
            f"{year} 年已有 {already} 份生成的测试报告，不再重复生成："
            "请换一个年度，或使用新的数据库。"
        )
    framework = framework_default()
    tree = _Tree(framework)
    user = _generator_user()
    rng = random.Random(f"{seed}-{year}")
    grid = _departments(counties, departments)
    previous: dict[int, dict[str, Decimal]] = {}
    for department_id, kind, actual in ThreePublicLine.objects.filter(
        report__year=year - 1, report__department__code__startswith=CODE_PREFIX
    ).values_list("report__department_id", "kind", "actual"):
        previous.setdefault(department_id, {})[kind] = actual
    paths = [path for path, _ in PATHS]
    weights = [weight for _, weight in PATHS]
    by_status = {_path_end(path): 0 for path in paths}
    for row in grid:
        plans = []
        for department in row:
            path = rng.choices(paths, weights)[0]
            size = random.Random(f"{seed}-{department.code}")
            figures, spending, income = _figures(rng, size, previous.get(department.pk, {}))
            card = tree.scorecard(rng, rates_from_figures(figures))
            report = Report(
                department=department,
                year=year,
                framework=framework,
                report_date=date(year + 1, 3, 31),
                **_narrative(department.name, year),
            )
            # The log rows the workflow's table gives for this path; the report's status is
            # set to where the path ends.
            log = workflow.transitions_planned(
                report=report, actions=path, user=user, comments=COMMENTS
            )
            plans.append(_Plan(report, figures, spending, income, card, log))
            by_status[report.status] += 1
        _write_county(plans, rng, user)
    return GeneratedProvince(
        year=year,
        departments=counties * departments,
        reports=sum(by_status.values()),
        by_status=by_status,
        seconds=time.perf_counter() - started,
    )


def _path_end(path: tuple[str, ...]) -> str:
    return workflow.TRANSITIONS[path[-1]].target if path else Report.Status.DRAFT


def _write_county(plans: list[_Plan], rng: random.Random, user) -> None:
    """Written as drafts, as a clerk's are; then moved to their status as the workflow moves
    one (a queryset update), with the transitions logged by _write_lines."""
    reports = [plan.report for plan in plans]
    intended = [report.status for report in reports]
    for report in reports:
        report.status = Report.Status.DRAFT
    Report.objects.bulk_create(reports)
    for report, status in zip(reports, intended, strict=True):
        report.status = status
    _write_lines(plans, rng, user)
    for status in {r.status for r in reports} - {Report.Status.DRAFT}:
        Report.objects.filter(pk__in=[r.pk for r in reports if r.status == status]).update(
            status=status
        )


def _write_lines(plans: list[_Plan], rng: random.Random, user) -> None:
    """Everything below the county's reports, in bulk: lines, results, the workflow's log
    rows and the approved versions."""
    lines: dict[type, list] = {
        IncomeLine: [],
        ExpenditureLine: [],
        ThreePublicLine: [],
        Project: [],
    }
    results, groups, transitions, approved = [], [], [], []
    for plan in plans:
        projects = _project_lines(plan, rng)
        for line in [*_money_lines(plan), *projects]:
            lines[type(line)].append(line)
        plan_rows, plan_groups = _results(plan)
        results += plan_rows
        groups += plan_groups
        if plan.report.status == Report.Status.DRAFT:
            continue
        data = _checked(plan, projects)
        transitions += plan.transitions
        if plan.report.status == Report.Status.APPROVED:
            approved.append((plan.report, plan.transitions[-1], data))
    # Test data: written without history rows and per-row validation, for speed.
    fast = {"user": user, "reason": "生成测试数据", "history": False}
    lines_create([line for kind in lines.values() for line in kind], validate=False, **fast)
    results_create(results, groups, **fast)
    ReportTransition.objects.bulk_create(transitions)
    ApprovedVersion.objects.bulk_create(
        ApprovedVersion(
            report=report,
            number=1,
            transition=log,
            summary=report_summary(report=report, data=data),
            # Test data: the full serialized content of a real approval is left out.
            content={"test_data": "generate_province"},
            total_score=data.scorecard.total_score,
            grade=data.scorecard.grade,
        )
        for report, log, data in approved
    )


def _money_lines(plan: _Plan) -> list:
    report = plan.report
    lines: list = [
        IncomeLine(report=report, source=source, actual=actual, order=order)
        for order, (source, actual) in enumerate(plan.income.items(), start=1)
    ]
    lines += [
        ExpenditureLine(
            report=report,
            nature=nature,
            fund_source=fund_source,
            budget=amounts.budget,
            actual=amounts.actual,
            order=order,
        )
        for order, ((nature, fund_source), amounts) in enumerate(plan.spending.items(), start=1)
    ]
    lines += [
        ThreePublicLine(
            report=report,
            kind=item.kind,
            budget=_known(item.amounts.budget),
            actual=_known(item.amounts.actual),
            previous_actual=_known(item.amounts.previous_actual),
        )
        for item in plan.figures.three_public_items
    ]
    return lines


def _project_lines(plan: _Plan, rng: random.Random) -> list[Project]:
    return [
        Project(
            report=plan.report,
            name=f"{PROJECT_NAMES[i]}项目",
            budget=budget,
            actual=actual,
            achievement="（测试数据）按计划完成。",
            order=i + 1,
        )
        for i, (budget, actual) in enumerate(_projects(rng, plan.figures.project))
    ]


def _group_result(report: Report, group: Group) -> GroupResult:
    """A group scored as a whole, as stored (its key is its indicator's id)."""
    assert isinstance(group.key, int) and group.group_score is not None
    return GroupResult(
        report=report,
        indicator_id=group.key,
        score=group.group_score,
        deviation=group.group_deviation,
    )


def _results(plan: _Plan) -> tuple[list[IndicatorResult], list[GroupResult]]:
    """The 自评表 as stored: a result per row, and one per group scored as a whole."""
    report, card = plan.report, plan.card
    rows = [
        IndicatorResult(
            report=report,
            indicator_id=row.key,
            target=row.target,
            actual=row.actual,
            score=row.score,
            deviation=row.deviation,
        )
        for _, _group, row in card.rows()
    ]
    wholes = [g for section in card.sections for g in section.groups if g.scored_as_whole]
    groups = [_group_result(report, g) for g in wholes]
    return rows, groups


def _checked(plan: _Plan, projects: list[Project]) -> ReportData:
    """The report's data with its checks; a generated report past 草稿 has no errors."""
    report, figures = plan.report, plan.figures
    data = ReportData(
        report=report,
        figures=figures,
        scorecard=plan.card,
        projects=tuple(projects),
        checks=checks.report_checks(
            figures=figures,
            scorecard=plan.card,
            texts={field: getattr(report, field) for field in NARRATIVE_FIELDS},
            projects=figures.project,
        ),
    )
    if data.errors:
        raise CommandError(f"生成的“{report}”有错误：{data.errors[0].message}")
    return data

import pytest

from monitoring.services import checkpoint_report_create, checkpoints_default


@pytest.fixture
def checkpoints(db):
    """The four default checkpoints of 2022."""
    return checkpoints_default(2022)


@pytest.fixture
def june(checkpoints):
    return checkpoints[1]


@pytest.fixture
def monitored(demo_report, june):
    """The demo department's draft 监控表 at the end of June, year targets from its report."""
    targets = {r.indicator_id: r.target for r in demo_report.indicator_results.all()}
    return checkpoint_report_create(
        department=demo_report.department,
        checkpoint=june,
        framework=demo_report.framework,
        targets=targets,
    )


def indicator_id(report, name):
    return report.rows.get(indicator__name=name).indicator_id

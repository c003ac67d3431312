import pytest

from publishing.services import report_publish
from tests.steps import approve


@pytest.fixture
def approved(demo_report, users):
    return approve(demo_report, users)


@pytest.fixture
def published(approved, users):
    """The demo, approved and published by its reviewer."""
    report_publish(report=approved, user=users["reviewer"])
    return approved

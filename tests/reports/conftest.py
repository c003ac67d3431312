"""Fixtures of the report tests: the demo approved through the workflow."""

import pytest

from tests.steps import approve


@pytest.fixture
def approved(world, users, demo_report):
    """The demo report, approved (beside a second department from ``world``)."""
    return approve(demo_report, users)

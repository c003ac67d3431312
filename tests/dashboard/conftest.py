"""Fixtures of the dashboard tests: the demo plus a small generated province."""

import pytest

from reports.demo.province import province_generate


@pytest.fixture
def province(demo):
    """make(counties, departments, year=2022): generated reports besides the demo's."""

    def make(counties: int = 2, departments: int = 5, year: int = 2022, seed: int = 1):
        return province_generate(year=year, counties=counties, departments=departments, seed=seed)

    return make

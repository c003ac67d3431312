"""Shared fixtures: the reference report loaded from the seed, and signed-in clients."""

from pathlib import Path

import pytest

from reports.services import demo_load

SEED_TEXT = (Path(__file__).parent / "data" / "seed_liuyang_2022.txt").read_text(encoding="utf-8")
DEMO_DEPARTMENT = "浏阳市人大常委会机关"


@pytest.fixture
def demo(db):
    """The 浏阳市人大常委会 2022 report and the demo users, as ``load_demo`` makes them."""
    return demo_load()


@pytest.fixture
def demo_report(demo):
    return demo.report


@pytest.fixture
def admin_client_demo(client, demo):
    client.login(username="admin", password="demo-admin-2022")
    return client


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"

"""The demo with its 2022 deadlines: targets due 2022-02-28, self-assessment 2023-04-30."""

import pytest

from deadlines.demo import demo_deadlines_load
from departments.models import User

CLERK_EMAIL = "clerk@example.org"


@pytest.fixture
def deadlines(world):
    demo_deadlines_load(year=2022)
    User.objects.filter(username="clerk").update(email=CLERK_EMAIL)
    return world


@pytest.fixture
def people(deadlines):
    return {user.username: user for user in User.objects.all()}

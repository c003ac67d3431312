"""A line's amounts are checked once, in Python, when it is validated; the database guards
them when it is written."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from budgets.fields import NEGATIVE_AMOUNT_MESSAGE
from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [IncomeLine, ExpenditureLine, ThreePublicLine, Project])
def test_validating_a_line_asks_the_database_nothing_of_its_amounts(model, demo_report):
    line = model.objects.filter(report=demo_report).first() or model(
        report=demo_report, name="新项目", budget=D("1.00"), actual=D("1.00")
    )
    with CaptureQueriesContext(connection) as queries:
        line.validate_constraints()
    assert not [q for q in queries if "_check" in q["sql"]]


def test_a_negative_amount_is_still_refused_when_validated_and_when_written(demo_report):
    line = ThreePublicLine.objects.filter(report=demo_report).first()
    line.actual = D("-1.00")
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert str(NEGATIVE_AMOUNT_MESSAGE) in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        ThreePublicLine.objects.filter(pk=line.pk).update(actual=D("-1.00"))

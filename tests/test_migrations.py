"""Models and committed migrations agree."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_makemigrations_check_is_clean(capsys):
    call_command("makemigrations", "--check", "--dry-run")
    assert "No changes detected" in capsys.readouterr().out

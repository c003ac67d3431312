#!/usr/bin/env python
"""Django's command-line utility for perfeval."""

import os
import sys

from perfeval.settings import default_module


def main():
    # DJANGO_SETTINGS_MODULE wins; else DJANGO_ENV (local, production) picks the module.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_module())
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

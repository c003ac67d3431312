"""Development on one machine: DEBUG on, the embedded SQLite database under var/."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: E402,F403

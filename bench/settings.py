"""The production settings plus the benchmark's constant page; used by ``make bench`` only.

The bench package is not installed with the app, so no server can route ``/bench/hello/``.
"""

from perfeval.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

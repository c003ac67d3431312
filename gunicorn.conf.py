"""Gunicorn's settings, read from the working directory: `make serve` and docs/deploy.md."""

import os

# Two workers a core is plenty for WeasyPrint-bound requests; WEB_CONCURRENCY overrides.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
# Rendering a long report's PDF inline can take a while.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))

# Access and error lines as JSON on stdout, like the app's own (PERFEVAL_LOG_FORMAT=plain
# keeps gunicorn's usual text).
if os.environ.get("PERFEVAL_LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "perfeval.logs.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        "root": {"level": "WARNING", "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }
else:
    accesslog = "-"

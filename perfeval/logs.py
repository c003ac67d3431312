"""Structured logs: one JSON object a line on stdout, for a log collector to read in production."""

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


class JsonFormatter(logging.Formatter):
    """Time, level, logger and message; method, path and status for a request's record."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # django.request and django.security records carry the HttpRequest; django.server's
        # carries a socket, hence the getattr.
        request: Any = getattr(record, "request", None)
        if getattr(request, "path", None) is not None:
            entry["method"] = request.method
            entry["path"] = request.path
        status = getattr(record, "status_code", None)
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            # Gunicorn passes its access-log atoms: method, path, status, time in microseconds.
            atoms: Mapping[str, Any] = record.args
            entry.update(method=atoms["m"], path=atoms["U"], remote=atoms["h"])
            entry["duration_ms"] = round(int(atoms["D"]) / 1000, 1)
            status = int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"]
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

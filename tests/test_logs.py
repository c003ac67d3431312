"""Structured logs (perfeval/logs.py): one JSON object a line."""

import json
import logging

from django.test import RequestFactory

from perfeval.logs import JsonFormatter


def record(name: str, level: int, message: str, **extra) -> logging.LogRecord:
    return logging.getLogger(name).makeRecord(
        name, level, __file__, 1, message, (), None, extra=extra
    )


def test_a_request_error_carries_method_path_and_status():
    request = RequestFactory().get("/reports/7/")
    line = JsonFormatter().format(
        record(
            "django.request",
            logging.WARNING,
            "Forbidden: /reports/7/",
            request=request,
            status_code=403,
        )
    )

    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Forbidden: /reports/7/"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/reports/7/", 403)
    assert entry["time"].endswith("+00:00")


def test_chinese_text_stays_readable_and_on_one_line():
    line = JsonFormatter().format(record("reports", logging.INFO, "已批准\n第二行"))

    assert "已批准" in line
    assert "\n" not in line
    assert json.loads(line)["message"] == "已批准\n第二行"
